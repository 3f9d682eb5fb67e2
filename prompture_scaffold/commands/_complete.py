"""Shell completion of provider names (Typer's `autocompletion=` hooks).

`remove-driver NAME` completes the drivers of the checkout (`--repo` when typed before, else
the one around the working directory); `--from-models-dev ID` completes the catalogue ids from
the cached or bundled catalogue, never the network. A completion never fails: anything going
wrong (no checkout, a damaged file) gives no candidates.
"""

from __future__ import annotations

from pathlib import Path

import typer


def checkout_drivers(ctx: typer.Context, incomplete: str) -> list[str]:
    """The providers the checkout registers that start with `incomplete`."""
    try:
        from ..checkout import discover, existing_providers, find_repo

        repo = ctx.params.get("repo")
        root = Path(repo) if repo else find_repo(Path.cwd())
        names = existing_providers(discover(root))
    except Exception:  # noqa: BLE001 - a completion offers nothing rather than a traceback
        return []
    return sorted(name for name in names if name.startswith(incomplete))


def catalogue_ids(incomplete: str) -> list[tuple[str, str]]:
    """`(id, display name)` of the catalogue providers whose id starts with `incomplete`."""
    try:
        # What `catalogue.models_dev.load` reads (the cache, else the bundled snapshot), minus its
        # background refresh: a completion must never touch the network.
        from prompture._catalogue import _load_from_disk

        catalogue = _load_from_disk()[0]
    except Exception:  # noqa: BLE001 - as above
        return []
    return [
        (cid, str(entry.get("name", cid)))
        for cid, entry in sorted(catalogue.items())
        if cid.startswith(incomplete) and isinstance(entry, dict)
    ]
