"""The one Jinja environment the scaffolder renders with, and its literal-emitting filters.

Templates never paste a value into Python code as it is: every ``{{ ... }}`` must produce a
`Code` value, which only the filters below create (`pystr`, `pytuple`, `pydoc`, `pyident`,
`json`), or a boolean or number. Prose for docstrings (`text`) is printed between sentinel
characters that only a ``{% filter pydoc %}`` block removes, and `render_template` refuses
output that still holds one. A plain string reaching the output raises at render time, so a
quote, backslash, newline or ``{{ }}`` in a user's display name, endpoint or model id can
only ever end up inside a string literal.

jinja2 costs tens of milliseconds to import; it is imported by `get_env` on first use only.
"""

from __future__ import annotations

import json as _json
import keyword
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ruff_layout import display_width

if TYPE_CHECKING:
    from collections.abc import Iterable

    import jinja2

__all__ = [
    "Code",
    "get_env",
    "pydoc",
    "pyident",
    "pystr",
    "pytuple",
    "render_template",
    "templates_dir",
    "text",
    "to_json",
]

#: The line length generated files are formatted for when the checkout does not say.
LINE_LENGTH = 100

_SHORT_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Around printed `Text`: removed by `pydoc`, refused anywhere else (private-use characters).
_PROSE_START, _PROSE_END = "\ue000", "\ue001"


class Code(str):
    """Text that is already valid Python source (a literal, an identifier, an import)."""

    __slots__ = ()


class Text(str):
    """Plain one-line prose for docstrings; only safe inside a `pydoc` block."""

    __slots__ = ()


def templates_dir() -> Path:
    """The templates folder: beside the package in a source tree, inside it in a wheel."""
    package = Path(__file__).resolve().parent.parent
    source_tree = package.parent / "templates"
    return source_tree if source_tree.is_dir() else package / "templates"


def _escape_char(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def pystr(value: Any) -> Code:
    """A Python string literal holding exactly ``str(value)``, written as ruff format would.

    Backslashes, the quote and every non-printable character (newlines, controls, bidi and
    other format characters, lone surrogates) are escaped; printable non-ASCII stays as is.
    The literal is double-quoted unless the value holds more double than single quotes, the
    one case where ruff's formatter prefers single quotes.
    """
    value = str(value)
    quote = "'" if value.count('"') > value.count("'") else '"'
    body = "".join("\\" + c if c == quote else _escape_char(c) for c in value)
    return Code(f"{quote}{body}{quote}")


def pytuple(values: Iterable[Any]) -> Code:
    """A tuple literal of strings: ``("A",)`` or ``("A", "B")``."""
    items = [pystr(v) for v in values]
    if len(items) == 1:
        return Code(f"({items[0]},)")
    return Code(f"({', '.join(items)})")


def pyident(value: Any) -> Code:
    """An identifier (class, module or attribute name), refused unless it is one."""
    value = str(value)
    if not value.isidentifier() or keyword.iskeyword(value):
        raise ValueError(f"not a Python identifier: {value!r}")
    return Code(value)


def text(value: Any) -> Text:
    """A value as one line of prose for a docstring: whitespace runs become one space."""
    value = str(value).replace(_PROSE_START, "").replace(_PROSE_END, "")
    return Text(" ".join(value.split()))


def _escape_doc_line(line: str) -> str:
    out = []
    for index, char in enumerate(line):
        if char == '"':
            # Never let quotes close the docstring early or touch its closing quotes.
            following = line[index + 1 : index + 2]
            out.append('\\"' if following in ('"', "") or index == 0 else '"')
        elif char == "\t":
            out.append("\\t")
        else:
            out.append(_escape_char(char))
    return "".join(out)


def _wrap(line: str, width: int) -> list[str]:
    """Greedy word wrap by display width; a word longer than `width` stands alone."""
    lines: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else word
        if current and display_width(candidate) > width:
            lines.append(current)
            candidate = word
        current = candidate
    return [*lines, current]


def pydoc(value: Any, indent: int = 0, line_length: int = LINE_LENGTH) -> Code:
    """A triple-quoted docstring literal holding the rendered block text.

    One template line is one docstring line and a trailing newline puts the closing quotes on
    their own line. Each line is stripped, escaped like `pystr` (quotes only where they would
    end the docstring) and wrapped so that it fits the checkout's line length (the template
    variable ``line_length``) with both sets of quotes; lines after the first are indented
    by ``indent`` spaces.
    """
    value = str(value).replace(_PROSE_START, "").replace(_PROSE_END, "")
    closing_own_line = value.endswith("\n")
    width = line_length - indent - 6
    lines: list[str] = []
    for raw in value.rstrip("\n").split("\n"):
        lines.extend(_wrap(_escape_doc_line(raw.strip()), width))
    pad = " " * indent
    body = "\n".join(pad + line if n and line else line for n, line in enumerate(lines))
    if closing_own_line or len(lines) > 1:
        body += "\n" + pad
    return Code(f'"""{body}"""')


def to_json(value: Any) -> Code:
    """JSON text (two-space indent, ASCII-escaped) for JSON files."""
    return Code(_json.dumps(value, indent=2))


def _finalize(value: Any) -> Any:
    """Let only filter-made code, prose (marked), booleans and numbers into the output."""
    if isinstance(value, Text):
        return f"{_PROSE_START}{value}{_PROSE_END}"
    if isinstance(value, Code | bool | int | float):
        return value
    raise TypeError(
        f"template printed a raw value {value!r}: pass it through pystr, pytuple, pyident or pydoc"
    )


@cache
def get_env() -> jinja2.Environment:
    """The shared environment (built once): strict, no autoescape, literal filters."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Undefined passes through so that StrictUndefined reports the missing name.
        finalize=lambda value: value if isinstance(value, jinja2.Undefined) else _finalize(value),
    )
    env.filters.update(
        pystr=pystr,
        pytuple=pytuple,
        pyident=pyident,
        pydoc=jinja2.pass_context(
            lambda context, value, indent=0: pydoc(
                value, indent, context.get("line_length", LINE_LENGTH)
            )
        ),
        text=text,
        json=to_json,
    )
    return env


def render_template(name: str, variables: dict[str, Any]) -> str:
    """Render template `name`; prose printed outside a docstring is refused."""
    output = get_env().get_template(name).render(**variables)
    if _PROSE_START in output:
        raise TypeError(f"{name}: `text` prose printed outside a pydoc block")
    return output
