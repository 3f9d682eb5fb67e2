"""Target 9: the environment template (``.env.copy``), plain text.

A section appended at the end (key, model and endpoint lines; no key line for providers that
need none; a line per variable of a base-URL template, the endpoint line then left empty)
under a heading in the style the file's own sections use (``# {Display} Configuration``, or a
ruled ``# ─── {Display} ────`` line as wide as its siblings), and the provider appended to the
``# Valid AI_PROVIDER values: a, b`` line. A file without a final newline keeps that habit.
Values that are not plain words are written double-quoted with escapes, as python-dotenv
reads them, so they stay one line.
"""

from __future__ import annotations

import re

from ._source import comment_text, heading_like
from .context import EditContext

_VALID = re.compile(r"^(# Valid AI_PROVIDER values:)([^\r\n]*)", re.M)
_PLAIN = re.compile(r"[\w.:/@%+=,~-]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _value(text: str) -> str:
    if _PLAIN.fullmatch(text):
        return text
    escaped = "".join(_ESCAPES.get(c, c if c.isprintable() else " ") for c in text)
    return f'"{escaped}"'


def _heading(source: str, display: str) -> str:
    """The heading line for `display` in the style most sections of `source` use."""
    lines = source.splitlines()
    keys = [i for i, line in enumerate(lines) if re.match(r"[A-Z]\w*_KEY=", line)]
    headings = [h for h in (_block_head(lines, i) for i in keys) if h]
    if any(h.endswith(" Configuration") for h in headings) or not headings:
        return f"# {display} Configuration"
    return heading_like(headings, display)


def _block_head(lines: list[str], index: int) -> str | None:
    """The first line of the comment block right above line `index`, if any."""
    start = index
    while start and lines[start - 1].startswith("#"):
        start -= 1
    return lines[start] if start < index else None


def _section(ctx: EditContext, source: str) -> str:
    spec, prefix = ctx.spec, ctx.spec.provider.upper()
    lines = [_heading(source, comment_text(spec.display_name))]
    if spec.requires_api_key:
        lines.append(f"{prefix}_API_KEY=your-api-key-here")
    lines += [f"{prefix}_MODEL={_value(spec.default_model)}"]
    lines += _template_lines(spec) or [f"{prefix}_ENDPOINT={_value(spec.endpoint)}"]
    return "\n" + "".join(line + "\n" for line in lines)


def _template_lines(spec) -> list[str]:
    """For a base-URL template: a line per variable, then an empty endpoint line under a
    comment showing the default. python-dotenv would expand the template's ``${VAR}`` in a
    value (to nothing, for a variable not yet set), so the template itself is not written."""
    names = spec.endpoint_variables
    if not names:
        return []
    shown = spec.endpoint
    for var, own in names:
        shown = shown.replace(f"${{{var}}}", f"<{own[0]}>")
    prefix = spec.provider.upper()
    return [
        *(f"{own[0]}=" for _, own in names),
        f"# {prefix}_ENDPOINT replaces the whole default, {comment_text(shown)}",
        f"{prefix}_ENDPOINT=",
    ]


def _own_lines(lines: list[str], provider: str) -> list[int]:
    own = re.compile(rf"{provider.upper()}_(API_KEY|MODEL|ENDPOINT)=")
    return [i for i, line in enumerate(lines) if own.match(line)]


def _restore(source: str, ctx: EditContext) -> str:
    """A section some of whose lines were deleted by hand gets them back, each beside its
    neighbours in the section's order (key, model, endpoint)."""
    spec, prefix = ctx.spec, ctx.spec.provider.upper()
    wanted = {f"{prefix}_API_KEY": "your-api-key-here"} if spec.requires_api_key else {}
    wanted[f"{prefix}_MODEL"] = _value(spec.default_model)
    if spec.endpoint_variables:  # as `_template_lines` writes them: the template is no value
        wanted.update({own[0]: "" for _, own in spec.endpoint_variables})
        wanted[f"{prefix}_ENDPOINT"] = ""
    elif spec.endpoint:
        wanted[f"{prefix}_ENDPOINT"] = _value(spec.endpoint)
    newline = "\r\n" if "\r\n" in source else "\n"
    order, text = list(wanted), source
    for name in order:
        lines = text.splitlines(keepends=True)
        at = {n: i for i, line in enumerate(lines) for n in order if line.startswith(n + "=")}
        if name in at:
            continue
        before = [at[n] for n in order[: order.index(name)] if n in at]
        after = [at[n] for n in order[order.index(name) + 1 :] if n in at]
        index, line = (before[-1] + 1 if before else after[0]), f"{name}={wanted[name]}{newline}"
        if index == len(lines) and not lines[-1].endswith("\n"):  # keep the habit: no
            line = newline + line.removesuffix(newline)  # newline at the end
        lines.insert(index, line)
        text = "".join(lines)
    return text


def add(source: str, ctx: EditContext) -> str:
    """`source` with the provider's section and valid value; unchanged when both exist. A
    section missing some of its lines gets them back."""
    provider, text = ctx.spec.provider, source
    if _own_lines(source.splitlines(), provider):
        text = _restore(source, ctx)
    else:
        newline = "\r\n" if "\r\n" in text else "\n"
        section = _section(ctx, source)
        if text and not text.endswith("\n"):  # keep the habit: no newline at the end
            section = "\n" + section.removesuffix("\n")
        text += section.replace("\n", newline)
    match = _VALID.search(text)
    values = match.group(2) if match else ""
    if match and provider not in (v.strip() for v in values.split(",")):
        values = values.rstrip() + (", " if values.strip() else " ") + provider
        text = text[: match.start(2)] + values + text[match.end(2) :]
    return text


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the provider's section and valid value: `add`'s inverse."""
    provider = ctx.spec.provider
    lines = source.splitlines(keepends=True)
    own = _own_lines(lines, provider)
    if own:
        first, last = own[0], own[-1]
        if first and lines[first - 1].startswith("#"):
            first -= 1  # the section heading
        if first and not lines[first - 1].strip():
            first -= 1  # the blank line before it
        at_end_unterminated = last == len(lines) - 1 and not lines[last].endswith("\n")
        del lines[first : last + 1]
        if at_end_unterminated and lines:  # the file ended without a newline: it does again
            lines[-1] = lines[-1].rstrip("\r\n")
    text = "".join(lines)
    match = _VALID.search(text)
    items = match.group(2).split(",") if match else []
    at = next((i for i, item in enumerate(items) if item.strip() == provider), None)
    if at is None:
        return text
    removed = items.pop(at)
    if at == 0 and items:  # the next value moves up to the first place, after its space
        items[0] = removed[: len(removed) - len(removed.lstrip())] + items[0].lstrip()
    return text[: match.start(2)] + ",".join(items) + text[match.end(2) :]
