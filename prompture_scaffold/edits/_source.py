"""`PySource`: a Python file as text plus its `ast`, and the literal helpers edits share.

Edits locate their anchor with `ast` (fast, C) and change the text around it: new statements
are whole lines spliced in, and entries of lists, dicts and imports go through `_display`
(plain text when the display is formatted, else libcst on just that node's text). Parsing a
whole 900-line module with libcst costs ~100 ms, importing it ~200 ms: a 150-driver dry run
(under 500 ms) can afford neither on its common path.
"""

from __future__ import annotations

import ast
import re

from ..checkout.parsed import parse
from ..errors import WHOLE_FILE
from .context import EditContext

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")  # only "\n" ends a line for ast, not "\u2028"


class PySource:
    """Source text that parses; `UnsafeTarget` naming the file when it does not."""

    def __init__(self, text: str, ctx: EditContext) -> None:
        try:
            self.tree = parse(text)
        except (SyntaxError, ValueError) as exc:
            where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
            raise ctx.unsafe(WHOLE_FILE, f"does not parse: {exc.args[0]}{where}") from None
        self.ctx = ctx
        self.text = text
        #: New lines follow the file's convention (libcst and our blocks default to "\n").
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.lines = _LINE.findall(text)
        self._starts = [0]
        for line in self.lines:
            self._starts.append(self._starts[-1] + len(line))

    def offset(self, lineno: int, col: int) -> int:
        """Character index of an ast position (whose column counts UTF-8 bytes)."""
        line = self.lines[lineno - 1] if lineno <= len(self.lines) else ""
        return self._starts[lineno - 1] + len(line.encode()[:col].decode(errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)
        return start, self.offset(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def replace(self, node: ast.AST, text: str) -> str:
        start, end = self.span(node)
        return self.text[:start] + text + self.text[end:]

    def insert_lines(self, index: int, block: str) -> str:
        """`block` (whole lines) inserted before 0-based line `index`."""
        return self.insert_many([(index, block)])

    def insert_many(self, inserts: list[tuple[int, str]], text: str | None = None) -> str:
        """Several `insert_lines` at once, by line of this text; equal lines keep list order.
        `text`: insert into this text instead, one equal to ours up to the last insertion
        point (ours edited further down), so the edit needs no second parse."""
        base = self.text if text is None else text
        pieces, done = [], 0
        for index, block in sorted(inserts, key=lambda insert: insert[0]):
            at = self._starts[min(index, len(self.lines))]
            if at == len(base) and base and not base.endswith("\n"):
                block = "\n" + block  # a last line without its newline
            pieces += [base[done:at], block.replace("\n", self.newline)]
            done = at
        return "".join(pieces) + base[done:]

    def delete_lines(self, first: int, stop: int) -> str:
        """Lines ``first <= i < stop`` (0-based) removed."""
        return self.text[: self._starts[first]] + self.text[self._starts[stop] :]

    def is_blank(self, index: int) -> bool:
        return 0 <= index < len(self.lines) and not self.lines[index].strip()

    def indent_of(self, node: ast.AST) -> str:
        line = self.lines[node.lineno - 1]
        return line[: len(line) - len(line.lstrip())]


def statement_source(src: PySource, node: ast.stmt) -> tuple[int, int, PySource]:
    """A top-level statement's whole lines ``first <= i < stop`` as a source of their own:
    edits on one statement then parse a few lines, not the whole module."""
    first, stop = node.lineno - 1, node.end_lineno
    return first, stop, PySource("".join(src.lines[first:stop]), src.ctx)


def splice_lines(src: PySource, edits: list[tuple[int, int, str]]) -> str | None:
    """The text with each run of whole lines ``[first, stop)`` replaced, all at once; None
    when two runs touch or are one line apart (their edits could interact: an import left
    alone in its section takes its blank line, a display collapses), to be done in turn."""
    edits = sorted(edits)
    for (_, stop, _), (first, _, _) in zip(edits, edits[1:], strict=False):
        if first <= stop + 1:  # the line between them is a neighbour of both
            return None
    pieces, done = [], 0
    for first, stop, text in edits:
        pieces += [src.text[done : src._starts[first]], text]
        done = src._starts[stop]
    return "".join(pieces) + src.text[done:]


def merge_edits(original: str, upper: str, lower: str, cut: int) -> str | None:
    """Two edits of `original` made on one parse, as one text: `upper` changed it only before
    offset `cut`, `lower` only from `cut` on (both checked); None when they overlap, to be
    done in turn."""
    delta = len(upper) - len(original)
    if cut + delta < 0 or upper[cut + delta :] != original[cut:] or lower[:cut] != original[:cut]:
        return None
    return upper[: cut + delta] + lower[cut:]


def find_assign(body: list[ast.stmt], name: str) -> ast.Assign | ast.AnnAssign | None:
    """The last ``name = ...`` (or annotated) statement of a body."""
    found = None
    for node in body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            found = node if getattr(node, "value", None) is not None else found
    return found


def dunder_all(tree: ast.Module) -> ast.List | ast.Tuple | None:
    """The list or tuple display assigned to ``__all__``, if the module has one."""
    value = getattr(find_assign(tree.body, "__all__"), "value", None)
    return value if isinstance(value, ast.List | ast.Tuple) else None


def find_def(tree: ast.AST, name: str, kind: type | tuple[type, ...]) -> ast.AST | None:
    """The class or function called `name` that runs: at any depth, but never an
    ``@overload`` stub nor a definition under ``if TYPE_CHECKING:`` (both only describe it)."""
    for node in getattr(tree, "body", ()):  # walk order starts with the top level
        if isinstance(node, kind) and node.name == name and not is_stub(node):
            return node
    skipped, defs = _definitions(tree)
    found = (
        n
        for n in defs
        if isinstance(n, kind) and n.name == name and id(n) not in skipped and not is_stub(n)
    )
    return next(found, None)


_DEFS: dict[int, tuple[ast.AST, set[int], list[ast.AST]]] = {}


def _definitions(tree: ast.AST) -> tuple[set[int], list[ast.AST]]:
    """(ids of the nodes under ``if TYPE_CHECKING:``, every class and function in walk order),
    one walk per tree (trees are shared: `checkout.parsed`)."""
    kept = _DEFS.get(id(tree))
    if kept is None or kept[0] is not tree:
        if len(_DEFS) > 32:
            _DEFS.clear()
        skipped = {id(n) for block in _type_checking_blocks(tree) for n in ast.walk(block)}
        kinds = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        kept = _DEFS[id(tree)] = (
            tree,
            skipped,
            [n for n in ast.walk(tree) if isinstance(n, kinds)],
        )
    return kept[1], kept[2]


def is_stub(node: ast.AST) -> bool:
    """A ``typing.overload`` declaration: describes a signature, holds no code."""
    for decorator in getattr(node, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name | ast.Attribute):
            if (target.id if isinstance(target, ast.Name) else target.attr) == "overload":
                return True
    return False


def _type_checking_blocks(tree: ast.AST) -> list[ast.If]:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``) statements of the tree."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name | ast.Attribute)
        and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING"
    ]


def py_str(value: str) -> str:
    """`value` as a Python string literal, quoted the way `ruff format` keeps it.

    Every character that is not printable (newlines, tabs, U+2028...) is escaped, so the
    literal stays on one line and `ast.literal_eval` gives back exactly `value`.
    """
    quote = "'" if value.count('"') > value.count("'") else '"'
    out = []
    for char in value:
        if char in ("\\", quote):
            out.append("\\" + char)
        else:
            out.append(char if char.isprintable() else repr(char)[1:-1])
    return quote + "".join(out) + quote


def comment_text(value: str) -> str:
    """`value` made safe for a ``#`` comment: one line, control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)


#: A ruled heading comment: ``# ─── Name ─────`` (any repeated non-word character as rule).
_RULED = re.compile(r"^(\s*)# ((\W)\3*) \S.* \3+$")


def heading_like(siblings: list[str], title: str, indent: str = "") -> str:
    """A ``#`` heading for `title` in the style most `siblings` (heading lines) use: ruled as
    theirs are and as wide, else the plain ``# {title}``."""
    ruled = [m for m in map(_RULED.match, siblings) if m]
    if not ruled or len(ruled) * 2 <= len(siblings):
        return f"{indent}# {title}"
    head = f"{indent}# {ruled[0].group(2)} {title} "
    width = max(len(m.group(0)) - len(m.group(1)) for m in ruled) + len(indent)
    return head + ruled[0].group(3) * max(3, width - len(head))
