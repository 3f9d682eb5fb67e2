"""What every local wire-format test server shares: a threaded HTTP server on 127.0.0.1,
request recording, failure injection and a FIFO of scripted replies.

A protocol server subclasses `LocalServer` and implements `_authorize`, `_route` and
`_error_body`; everything here is standard library only, so importing it loads no HTTP client.
The hot path (keep-alive connection, one JSON parse, one write) stays cheap enough for
benchmarks against a reused client session.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections import deque
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .._compat import Self

#: How often the accept loop checks for `stop()`; bounds how long stopping takes.
_POLL_INTERVAL = 0.02
#: Errors raised when a client hangs up before the answer is written.
_HANGUP_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class Headers(dict):
    """Request headers as a plain dict with lower-case keys and case-insensitive lookups."""

    def __init__(self, items: Any = ()) -> None:
        pairs = items.items() if hasattr(items, "items") else items
        super().__init__((str(k).lower(), str(v)) for k, v in pairs)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    #: Path without the query string, e.g. ``"/v1/chat/completions"``.
    path: str
    headers: Headers
    #: The body parsed as JSON, or None when it is empty or not JSON.
    body: Any
    raw: bytes = field(repr=False)
    #: The raw query string (without ``?``), e.g. ``"alt=sse&key=..."``; ``""`` when none.
    query: str = ""


@dataclass(frozen=True)
class Reply:
    """An HTTP answer ready to be written: status, headers and body bytes."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    #: Seconds to wait before answering (the client may give up meanwhile).
    delay: float = 0.0
    #: Send the body with chunked transfer encoding, one HTTP chunk per part (as streaming
    #: APIs do); `body` is then ignored.
    parts: tuple[bytes, ...] | None = None
    #: Hostile pacing: write the whole answer (status line and headers included) `drip_size`
    #: bytes at a time, waiting `drip` seconds before each write.
    drip: float = 0.0
    drip_size: int = 1
    #: Hostile ending: close the connection before the answer is complete (the last chunk
    #: of a chunked body, or the second half of a sized one, is never sent).
    hang_up: bool = False

    @classmethod
    def of_json(cls, status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(data).encode(), headers=tuple((headers or {}).items()))

    def writes(self) -> list[bytes]:
        """The buffers to write, in order: one for a normal answer, many when dripping."""
        data = self.encode()
        if self.hang_up and self.parts is not None:
            data = data[: -len(b"0\r\n\r\n")]  # no last chunk
        elif self.hang_up:
            data = data[: len(data) - (len(self.body) + 1) // 2]  # half the body missing
        if not self.drip:
            return [data]
        size = max(self.drip_size, 1)
        return [data[i : i + size] for i in range(0, len(data), size)]

    def encode(self) -> bytes:
        """Status line, headers and body as one buffer, so the answer goes out in one write."""
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = ""
        if self.parts is None:
            framing, body = f"Content-Length: {len(self.body)}", self.body
        else:
            framing, body = "Transfer-Encoding: chunked", _chunked(self.parts)
        lines = [
            f"HTTP/1.1 {self.status} {phrase}",
            f"Content-Type: {self.content_type}",
            framing,
            *(f"{name}: {value}" for name, value in self.headers),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _chunked(parts: tuple[bytes, ...]) -> bytes:
    frames = [b"%x\r\n%s\r\n" % (len(part), part) for part in parts if part]
    return b"".join(frames) + b"0\r\n\r\n"


@dataclass(frozen=True)
class _Injection:
    """A queued failure: an error reply, a malformed body, or a delay before a normal answer."""

    reply: Reply | None = None
    delay: float = 0.0


def parse_json(raw: bytes) -> Any:
    """`raw` decoded as JSON, or None when it is empty or not JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


class LocalServer:
    """A threaded HTTP server on an ephemeral 127.0.0.1 port; subclass per wire format.

    Use it as a context manager or call `start()`/`stop()`. Every request is recorded in order.
    A request with bad credentials is rejected at once; otherwise failures queued with
    `fail_next`, `fail_next_malformed` and `delay_next` are consumed first, one per request, and
    then the subclass answers, usually from replies queued with `script`.
    """

    #: Path prefix of `url`, e.g. ``"/v1"``.
    base_path = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._requests: list[RecordedRequest] = []
        self._injections: deque[_Injection] = deque()
        self._scripts: deque[Any] = deque()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Bind an ephemeral port and serve in a daemon thread; returns the server."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.app = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake delayed handlers and close open connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not running; call start() first")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """Base URL to hand to a client, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received since the last `clear()`/`reset()`."""
        with self._lock:
            return list(self._requests)

    @property
    def last_request(self) -> RecordedRequest | None:
        with self._lock:
            return self._requests[-1] if self._requests else None

    def clear(self) -> None:
        """Forget the recorded requests (queued failures and scripts stay)."""
        with self._lock:
            self._requests.clear()

    def reset(self) -> None:
        """Forget recorded requests, queued failures and scripted replies."""
        with self._lock:
            self._requests.clear()
            self._injections.clear()
            self._scripts.clear()
            self._reset_state()

    def _reset_state(self) -> None:
        """Hook: reset protocol counters (called with the lock held)."""

    def fail_next(
        self,
        status: int,
        times: int = 1,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Self:
        """Answer the next `times` requests with `status` and an error body.

        `body` may be a JSON-able object, a str or bytes; by default it is the protocol's error
        body. A 429 gets ``Retry-After: 0`` (and ``retry-after-ms: 1``) unless `headers` is given.
        """
        if headers is None and status == 429:
            headers = {"Retry-After": "0", "retry-after-ms": "1"}
        if body is None:
            body = self._error_body(status, _default_error_message(status))
        raw = body if isinstance(body, bytes) else _encode_body(body)
        reply = Reply(status, raw, headers=tuple((headers or {}).items()))
        return self._inject(_Injection(reply=reply), times)

    def fail_next_malformed(self, times: int = 1) -> Self:
        """Answer the next `times` requests with 200 and a body that is not JSON."""
        reply = Reply(200, b'{"choices": [ this is not JSON')
        return self._inject(_Injection(reply=reply), times)

    def reply_next(self, reply: Reply, times: int = 1) -> Self:
        """Answer the next `times` requests with `reply` as it is (hostile ones included: see
        `Reply.drip` and `Reply.hang_up`), after the credentials check."""
        return self._inject(_Injection(reply=reply), times)

    def delay_next(self, seconds: float, times: int = 1) -> Self:
        """Wait `seconds` before answering the next `times` requests (normal answers)."""
        return self._inject(_Injection(delay=seconds), times)

    def _inject(self, injection: _Injection, times: int) -> Self:
        with self._lock:
            self._injections.extend([injection] * times)
        return self

    def _push_script(self, item: Any) -> Self:
        with self._lock:
            self._scripts.append(item)
        return self

    def _pop_script(self) -> Any:
        """The next scripted reply, or None when nothing is scripted."""
        with self._lock:
            return self._scripts.popleft() if self._scripts else None

    def handle(self, method: str, target: str, headers: Headers, raw: bytes) -> Reply:
        """Record one request and produce its answer (called from handler threads)."""
        try:
            return self._answer(method, target, headers, raw)
        except Exception as exc:  # a bug in the test server must show, not hang the client
            message = f"test server error: {type(exc).__name__}: {exc}"
            return Reply.of_json(500, self._error_body(500, message))

    def _answer(self, method: str, target: str, headers: Headers, raw: bytes) -> Reply:
        path, _, query = target.partition("?")
        request = RecordedRequest(method, path, headers, parse_json(raw), raw, query)
        with self._lock:
            self._requests.append(request)
        denied = self._authorize(request)
        if denied is not None:
            return denied
        with self._lock:
            injection = self._injections.popleft() if self._injections else None
        if injection is not None and injection.reply is not None:
            return injection.reply
        reply = self._route(request)
        if injection is not None:
            reply = replace(reply, delay=injection.delay)
        return reply

    def wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, returning early when the server stops."""
        self._stopping.wait(seconds)

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        """The rejection for a request with bad credentials, or None to let it through."""
        return None

    def _route(self, request: RecordedRequest) -> Reply:
        """The answer to an authorized request."""
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> Any:
        """The JSON error body this protocol answers `status` with, carrying `message`.

        Handy with `fail_next(status, body=server.error_body(status, "..."))`.
        """
        return self._error_body(status, message)

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        """Hook: the protocol's JSON error body for `status`."""
        return {"error": {"message": message, **fields}}


def _default_error_message(status: int) -> str:
    try:
        return f"Injected failure: {HTTPStatus(status).phrase}"
    except ValueError:
        return f"Injected failure: HTTP {status}"


def _encode_body(body: Any) -> bytes:
    return body.encode() if isinstance(body, str) else json.dumps(body).encode()


class _HTTPServer(ThreadingHTTPServer):
    """`ThreadingHTTPServer` that never blocks on close and silences client hang-ups."""

    daemon_threads = True
    block_on_close = False
    # The stdlib default (5) drops connections under concurrent load; clients retry after 1s.
    request_queue_size = 128
    app: LocalServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        with self._open_lock:
            self._open.add(sock)
        return sock, address

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        # Idle keep-alive connections would otherwise keep their handler threads alive.
        super().server_close()
        with self._open_lock:
            open_sockets, self._open = list(self._open), set()
        for sock in open_sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], _HANGUP_ERRORS):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, lets the `LocalServer` answer it, writes the answer in one go."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        app = self.server.app
        reply = app.handle(self.command, self.path, Headers(self.headers), self._read_body())
        if reply.delay:
            app.wait(reply.delay)
        try:
            for data in reply.writes():
                if reply.drip:
                    app.wait(reply.drip)
                    if app._stopping.is_set():
                        break
                self.wfile.write(data)
                self.wfile.flush()
        except _HANGUP_ERRORS:
            self.close_connection = True
        if reply.hang_up:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is not None:
            return self.rfile.read(int(length))
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        return b""

    def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: benchmarks and tests do not want a line per request on stderr."""
