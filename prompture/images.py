"""Images for vision models: `make_image` and the message content that carries them.

An image may be given as bytes, a file path, an ``http(s)`` URL, a ``data:`` URL, a bare base64
string or an `ImageContent`. Messages carry images as OpenAI-style ``image_url`` blocks; every
driver translates those blocks to its own wire format.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ImageContent", "ImageInput", "make_image", "user_content"]

#: Magic numbers of the image formats vision models take.
_SIGNATURES = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
)


@dataclass(frozen=True)
class ImageContent:
    """One image: base64 `data` with its `media_type`, or a `url` the provider fetches.

    `source_type` is ``"base64"`` or ``"url"``.
    """

    data: str
    media_type: str
    source_type: str = "base64"
    url: str | None = None

    @property
    def data_url(self) -> str:
        """What an ``image_url`` block carries: the URL, or a ``data:`` URL of the bytes."""
        if self.source_type == "url" and self.url:
            return self.url
        return f"data:{self.media_type};base64,{self.data}"


ImageInput = bytes | str | Path | ImageContent


def make_image(source: ImageInput, media_type: str | None = None) -> ImageContent:
    """An `ImageContent` from bytes, a path, a URL, a data URL or a base64 string."""
    if isinstance(source, ImageContent):
        return source
    if isinstance(source, bytes | bytearray):
        raw = bytes(source)
        return ImageContent(_b64(raw), media_type or _sniff(raw))
    if isinstance(source, Path):
        return _from_file(source, media_type)
    if not isinstance(source, str):
        raise TypeError(f"an image is bytes, a path, a URL or base64 text, not {type(source)}")
    if source.startswith(("http://", "https://")):
        guessed = _guess_type(source.split("?", 1)[0])
        return ImageContent("", media_type or guessed or "image/jpeg", "url", source)
    if source.startswith("data:"):
        header, _, data = source.partition(",")
        return ImageContent(data, media_type or header[5:].split(";", 1)[0] or "image/png")
    if _is_file(source):
        return _from_file(Path(source), media_type)
    return _from_base64(source, media_type)


def user_content(text: str, images: list[ImageInput] | None) -> str | list[dict[str, Any]]:
    """A user message's content: `text` alone, or a text block followed by image blocks."""
    if not images:
        return text
    blocks: list[dict[str, Any]] = [{"type": "text", "text": text}]
    for image in images:
        url = make_image(image).data_url
        blocks.append({"type": "image_url", "image_url": {"url": url}})
    return blocks


def _is_file(text: str) -> bool:
    if len(text) >= 1024 or "\x00" in text:
        return False
    try:
        return Path(text).is_file()
    except OSError:  # a name too long for the file system is base64, not a path
        return False


def _from_file(path: Path, media_type: str | None) -> ImageContent:
    raw = path.read_bytes()
    guessed = _guess_type(path.name)
    return ImageContent(_b64(raw), media_type or guessed or _sniff(raw))


def _from_base64(text: str, media_type: str | None) -> ImageContent:
    compact = "".join(text.split())
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ValueError(
            f"not an image: {shown!r} is no file, URL, data URL or base64 text"
        ) from None
    return ImageContent(compact, media_type or _sniff(raw))


def _guess_type(name: str) -> str | None:
    import mimetypes  # lazy: keeps `import prompture` light

    return mimetypes.guess_type(name)[0]


def _sniff(raw: bytes) -> str:
    return next((kind for magic, kind in _SIGNATURES if raw.startswith(magic)), "image/png")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
