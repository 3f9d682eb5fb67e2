"""What a checkout is: where each wiring place lives and how its maintainer writes it.

`discover` reads the checkout once into a frozen `Layout`; every edit, template and check
takes its facts from there (symbols found by definition, registrations, rate-file style,
the env template's habits) instead of assuming our runtime's shape.
"""

from .layout import (
    Layout,
    discover,
    existing_providers,
    find_repo,
)

__all__ = [
    "Layout",
    "discover",
    "existing_providers",
    "find_repo",
]
