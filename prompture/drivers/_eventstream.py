"""AWS event-stream framing (``application/vnd.amazon.eventstream``), decoded incrementally.

Bedrock's ``converse-stream`` answers with binary frames rather than SSE. Each frame:

    total length (uint32 BE) | headers length (uint32 BE) | prelude CRC32 (of the 8 bytes)
    headers | payload | message CRC32 (of everything before it)

and each header is ``name length (uint8) | name | value type (uint8) | value``, where strings
(type 7) and byte arrays (type 6) carry a uint16 length. `EventStreamDecoder` takes bytes as
they arrive and returns whole frames; `encode_message` writes one (the test servers use it).
Standard library only.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

__all__ = ["EventStreamDecoder", "EventStreamError", "Message", "encode_message"]

_PRELUDE = struct.Struct(">III")
_CRC = struct.Struct(">I")
#: Frames larger than this are refused (the AWS limit is 16 MiB of payload).
MAX_MESSAGE_BYTES = 24 * 1024 * 1024
#: Header value types and their fixed sizes (None: a uint16 length follows).
_BOOL_TRUE, _BOOL_FALSE, _BYTE, _SHORT, _INT, _LONG, _BYTES, _STRING, _TIMESTAMP, _UUID = range(10)
_FIXED = {_BYTE: ">b", _SHORT: ">h", _INT: ">i", _LONG: ">q", _TIMESTAMP: ">q"}


class EventStreamError(ValueError):
    """A frame is broken: a bad length, a CRC mismatch or an unknown header type."""


@dataclass(frozen=True)
class Message:
    """One decoded frame."""

    headers: dict[str, object]
    payload: bytes


class EventStreamDecoder:
    """Feed bytes in any pieces; get back every frame completed so far."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Message]:
        self._buffer += data
        messages = []
        while len(self._buffer) >= _PRELUDE.size:
            total, headers_length, prelude_crc = _PRELUDE.unpack_from(self._buffer)
            if zlib.crc32(self._buffer[:8]) != prelude_crc:
                raise EventStreamError("event-stream prelude CRC mismatch")
            if not 16 + headers_length <= total <= MAX_MESSAGE_BYTES:
                raise EventStreamError(f"event-stream frame of impossible length {total}")
            if len(self._buffer) < total:
                break
            frame = bytes(self._buffer[:total])
            del self._buffer[:total]
            messages.append(_decode_frame(frame, headers_length))
        return messages

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame still buffered (non-zero at the end: a cut stream)."""
        return len(self._buffer)


def _decode_frame(frame: bytes, headers_length: int) -> Message:
    (message_crc,) = _CRC.unpack_from(frame, len(frame) - 4)
    if zlib.crc32(frame[:-4]) != message_crc:
        raise EventStreamError("event-stream message CRC mismatch")
    headers_end = _PRELUDE.size + headers_length
    headers = _decode_headers(frame[_PRELUDE.size : headers_end])
    return Message(headers=headers, payload=frame[headers_end:-4])


def _decode_headers(data: bytes) -> dict[str, object]:
    headers: dict[str, object] = {}
    at = 0
    try:
        while at < len(data):
            name_length = data[at]
            name = data[at + 1 : at + 1 + name_length].decode("utf-8")
            at += 1 + name_length
            kind = data[at]
            at += 1
            headers[name], at = _decode_value(data, at, kind)
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise EventStreamError(f"event-stream header is broken: {type(exc).__name__}") from None
    return headers


def _decode_value(data: bytes, at: int, kind: int) -> tuple[object, int]:
    if kind in (_BOOL_TRUE, _BOOL_FALSE):
        return kind == _BOOL_TRUE, at
    if kind in _FIXED:
        fmt = struct.Struct(_FIXED[kind])
        return fmt.unpack_from(data, at)[0], at + fmt.size
    if kind in (_BYTES, _STRING):
        (length,) = struct.unpack_from(">H", data, at)
        raw = bytes(data[at + 2 : at + 2 + length])
        if len(raw) != length:
            raise IndexError("header value cut short")
        return (raw.decode("utf-8") if kind == _STRING else raw), at + 2 + length
    if kind == _UUID:
        return bytes(data[at : at + 16]), at + 16
    raise EventStreamError(f"unknown event-stream header type {kind}")


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One frame with string headers (what AWS services send for events and exceptions)."""
    encoded = b"".join(
        bytes([len(name.encode())])
        + name.encode()
        + bytes([_STRING])
        + struct.pack(">H", len(value.encode()))
        + value.encode()
        for name, value in headers.items()
    )
    total = _PRELUDE.size + len(encoded) + len(payload) + _CRC.size
    prelude = struct.pack(">II", total, len(encoded))
    prelude += _CRC.pack(zlib.crc32(prelude))
    body = prelude + encoded + payload
    return body + _CRC.pack(zlib.crc32(body))
