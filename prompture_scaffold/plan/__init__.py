"""The change set: planned in memory, shown as a diff, applied as one journaled unit.

`planner` plans add, remove and fix over the wiring places (`places`) and the rendered files;
`changeset` and `diff` hold the result; `writer` and `journal` apply it. check-drivers' survey
sits here too, since it replays the planner's edits: `drift` (every driver's status),
`wired` (our drivers, checked by the edits), `wiring` (hand-written ones, checked for
presence) and `repair` (what `--fix` writes).
"""
