"""The edit targets of add-driver / remove-driver: one module per target, each exposing
``targets(layout)``, ``add(source, ctx)`` and ``remove(source, ctx)`` (the exact inverse).

Modules: `drivers_init`, `package_init`, `settings`, `discovery`, `provider_map`,
`pyproject`, `env_template`, `docs_bullet`; ``_``-prefixed ones are their shared helpers.
"""
