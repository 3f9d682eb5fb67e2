"""Add or remove one entry of a bracketed libcst sequence, keeping its formatting.

Also `position`: where a new entry goes, in ruff's orders (`ruff_layout`).
Sequences are ``__all__`` lists, dict displays (``PROVIDER_MAP``, ``provider_classes``) and the
names of a ``from x import (...)``. An entry's comma carries the whitespace (and comments)
that follows it, which makes exact inversion easy: a new entry gets a comment-free separator,
and an entry appended last takes over the old last comma (so a trailing comma or ``)``
placement stays as it was).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ruff_layout import dunder_all_key, member_key


def _sorted_by(sort_key: Callable[[str], tuple], keys: list, indexes: list[int]) -> bool:
    order = [sort_key(keys[i]) for i in indexes]
    return order == sorted(order)


def position(keys: list[str | None], new: str, in_group: Callable[[str], bool] = bool) -> int:
    """Where `new` goes: its sorted place in the group when the group is sorted (by ruff's
    isort order, or by RUF022's), else after it."""
    group = [i for i, key in enumerate(keys) if key is not None and in_group(key)]
    if not group:
        return len(keys)
    every = [i for i, key in enumerate(keys) if key is not None]
    if any(_sorted_by(sort_key, keys, every) for sort_key in (member_key, dunder_all_key)):
        group = every  # the whole display is sorted: keep it so, not just the group
    for sort_key in (member_key, dunder_all_key):
        order = [sort_key(keys[i]) for i in group]
        if order == sorted(order):
            return next((i for i in group if sort_key(keys[i]) > sort_key(new)), group[-1] + 1)
    return group[-1] + 1


def items(node: Any) -> list[Any]:
    return list(node.names if hasattr(node, "names") else node.elements)


def with_items(node: Any, items: list[Any]) -> Any:
    return node.with_changes(**{"names" if hasattr(node, "names") else "elements": items})


def key_of(item: Any) -> str | None:
    """The string an entry is known by: an imported name, a string element or dict key."""
    import libcst as cst

    if isinstance(item, cst.ImportAlias):
        return item.evaluated_name
    value = item.key if isinstance(item, cst.DictElement) else getattr(item, "value", None)
    if not isinstance(value, cst.SimpleString):
        return None
    text = value.value
    if text[:1] in "\"'" and "\\" not in text and text[:3] not in ('"""', "'''"):
        return text[1:-1]  # the common case, without `literal_eval`'s parse (~70 us each)
    return value.evaluated_value


def keys(node: Any) -> list[str | None]:
    return [key_of(item) for item in items(node)]


def _plain(whitespace: Any) -> Any:
    """`whitespace` without its comments (a newline and the indentation stay)."""
    import libcst as cst

    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace
    first = cst.TrailingWhitespace()
    return whitespace.with_changes(first_line=first, empty_lines=[])


def _separator(node: Any, entries: list[Any]) -> Any:
    import libcst as cst

    for item in entries[:-1]:
        if isinstance(item.comma, cst.Comma):
            return item.comma.with_changes(whitespace_after=_plain(item.comma.whitespace_after))
    bracket = getattr(node, "lbracket", None) or getattr(node, "lbrace", None)
    bracket = bracket or getattr(node, "lpar", None)
    opening = getattr(bracket, "whitespace_after", None)
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=_plain(opening))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def insert(node: Any, item: Any, index: int) -> Any:
    """`node` with `item` at `index`, separated the way the existing entries are."""
    import libcst as cst

    entries = items(node)
    separator = _separator(node, entries)
    if not entries:
        entries = [item.with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    elif index < len(entries):
        entries.insert(index, item.with_changes(comma=separator))
    else:
        last = entries[-1]
        entries[-1:] = [last.with_changes(comma=separator), item.with_changes(comma=last.comma)]
    return with_items(node, entries)


def _has_comment(comma: Any) -> bool:
    whitespace = getattr(comma, "whitespace_after", None)
    first = getattr(whitespace, "first_line", None)
    return bool(getattr(whitespace, "empty_lines", None) or getattr(first, "comment", None))


def remove(node: Any, index: int) -> Any:
    """`node` without entry `index`: the exact inverse of `insert`."""
    entries = items(node)
    removed = entries.pop(index)
    if entries and index == len(entries):  # the old last comma (trailing or not) moves back
        entries[-1] = entries[-1].with_changes(comma=removed.comma)
    elif 0 < index < len(entries) and _has_comment(removed.comma):
        if not _has_comment(entries[index - 1].comma):  # keep a comment heading later entries
            entries[index - 1] = entries[index - 1].with_changes(comma=removed.comma)
    return with_items(node, entries)
