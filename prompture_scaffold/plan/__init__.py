"""The change set: planned in memory, shown as a diff, applied as one journaled unit."""
