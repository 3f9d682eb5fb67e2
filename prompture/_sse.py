"""Server-sent events decoded as the HTML standard specifies them, from bytes of any chunking.

Every streaming wire (OpenAI chat completions, Anthropic messages, and any new one) reads its
body through `SSEDecoder`:

    decoder = SSEDecoder()
    for chunk in body_chunks:              # bytes, cut anywhere (even inside a line or "\\r\\n")
        for event in decoder.feed(chunk):
            handle(event.event, event.data)
    decoder.close()                        # an unterminated last event is dropped, as specified

What the standard asks and this does: lines end in ``\\n``, ``\\r`` or ``\\r\\n``; a line starting
with ``:`` is a comment; ``field: value`` loses one space after the colon; several ``data``
lines of one event are joined with ``\\n``; a blank line dispatches the event (none when it has
no data); ``event`` names it (``message`` by default), ``id`` and ``retry`` are kept; unknown
fields are ignored. A line longer than `max_line` bytes raises `SSEError` at once, so a server
cannot make the client buffer (or rescan) an endless line: the work per byte is constant.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DEFAULT_MAX_LINE", "SSEDecoder", "SSEError", "ServerSentEvent"]

#: Longest line accepted (bytes). Far above any real event, far below what hurts the client.
DEFAULT_MAX_LINE = 8 * 1024 * 1024


class SSEError(ValueError):
    """The byte stream is not a usable event stream (a line over the cap, bad UTF-8)."""


class ServerSentEvent(NamedTuple):
    """One dispatched event: its type, its data (lines joined with ``\\n``), id and retry."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental event-stream decoder: `feed` bytes, get the events they complete."""

    def __init__(self, max_line: int = DEFAULT_MAX_LINE) -> None:
        self.max_line = max_line
        self._pending: list[bytes] = []  # the start of a line whose end has not arrived yet
        self._pending_size = 0
        self._skip_lf = False  # the last chunk ended in "\r": a leading "\n" belongs to it
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events completed by `chunk` (often none, sometimes several)."""
        if (  # the common case, one whole "data:" event per read, without the general walk
            chunk[-2:] == b"\n\n"
            and chunk[:5] == b"data:"
            and chunk.count(b"\n") == 2
            and not (self._pending or self._data or self._skip_lf or b"\r" in chunk)
            and len(chunk) <= self.max_line
        ):
            value = chunk[6:-2] if chunk[5:6] == b" " else chunk[5:-2]
            try:
                data = value.decode("utf-8")
            except UnicodeDecodeError:
                raise SSEError("an event-stream line is not UTF-8") from None
            event = ServerSentEvent(self._event or "message", data, self._id, self._retry)
            self._event = ""
            return [event]
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self._skip_lf = False
        if not chunk:
            return []
        if b"\n" not in chunk and b"\r" not in chunk:  # the middle of a line: no rescan
            self._hold(chunk)
            return []
        if self._pending:
            chunk = b"".join(self._pending) + chunk
            self._pending, self._pending_size = [], 0
        lines = chunk.splitlines(keepends=True)
        if not lines[-1].endswith((b"\n", b"\r")):
            self._hold(lines.pop())
        elif lines[-1].endswith(b"\r"):
            self._skip_lf = True
        events = []
        for line in lines:
            event = self._line(line.rstrip(b"\r\n"))
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[ServerSentEvent]:
        """End of stream. A last line without terminator is taken, but an event no blank line
        ended is dropped (the standard's rule), so this returns no event."""
        pending = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        if pending:
            self._line(pending)
        self._reset_event()
        return []

    def _hold(self, part: bytes) -> None:
        self._pending.append(part)
        self._pending_size += len(part)
        if self._pending_size > self.max_line:
            raise SSEError(f"an event-stream line is longer than {self.max_line} bytes")

    def _line(self, raw: bytes) -> ServerSentEvent | None:
        if len(raw) > self.max_line:
            raise SSEError(f"an event-stream line is longer than {self.max_line} bytes")
        if not raw:
            return self._dispatch()
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise SSEError("an event-stream line is not UTF-8") from None
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry":
            if value.isdigit():
                self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data:
            self._event = ""
            return None
        event = ServerSentEvent(
            self._event or "message", "\n".join(self._data), self._id, self._retry
        )
        self._reset_event()
        return event

    def _reset_event(self) -> None:
        self._data = []
        self._event = ""
