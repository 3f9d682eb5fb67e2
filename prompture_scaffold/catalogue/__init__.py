"""The models.dev catalogue: entries, the facts table beside it, base-URL templates and search."""
