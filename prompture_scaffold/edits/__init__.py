"""The edits of existing files: one module per wiring place, each an `add` and its inverse.

Each module exposes ``add(source, ctx)`` and ``remove(source, ctx)`` (the exact inverse) over
one file's text; which file each edits is `plan.places`' call. Modules: `drivers_init`,
`package_init`, `settings`, `discovery`, `provider_map`, `descriptor`, `pyproject`,
`env_template`, `docs_bullet`; ``_``-prefixed ones are their shared helpers, `context` the
`EditContext` each edit gets. Ruff's layout rules, which the renderer follows too, are the
leaf module `ruff_layout`.
"""
