"""Build hook: the README as the package index shows it.

README.md shows its pictures by relative path (`docs/img/*.svg`), which a checkout and a code
host render but the package index cannot: it has no files beside the description. This
project has no public address to point absolute URLs at, so on the index each relative picture
or link becomes a short note naming the file in the source distribution, and the README in
the source tree keeps its pictures. `tests/test_packaging.py` renders the result the way the
index does.
"""

from __future__ import annotations

import re
from pathlib import Path

from hatchling.metadata.plugin.interface import MetadataHookInterface

#: `[text](target)` or `![alt](target)` whose target has no scheme and is not an anchor.
RELATIVE = re.compile(r"(!?)\[([^\]]*)\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:|#)([^)\s]+)\)")


def for_package_index(markdown: str) -> str:
    """`markdown` with relative pictures and links replaced by notes naming the file."""

    def note(match: re.Match[str]) -> str:
        picture, text, target = match.groups()
        if picture:
            return f"*(Picture: {text}. It is `{target}` in the source distribution.)*"
        return f"{text} (`{target}` in the source distribution)"

    return RELATIVE.sub(note, markdown)


class PackageIndexReadme(MetadataHookInterface):
    """Sets the `readme` metadata from README.md through `for_package_index`."""

    def update(self, metadata: dict) -> None:
        text = Path(self.root, "README.md").read_text(encoding="utf-8")
        metadata["readme"] = {"content-type": "text/markdown", "text": for_package_index(text)}
