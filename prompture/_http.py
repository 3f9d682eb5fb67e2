"""A small HTTP/1.1 client for the sync drivers, bound by one deadline per request.

Why not `requests`: importing it (with urllib3) costs 45-75 ms on this 2-core machine, more
than all the rest of a process's first call; `http.client` still costs ~16 ms (it imports the
`email` package and `ssl` at import). This module needs `socket`, which the transport imports
anyway, and `ssl` only for an https URL.

What a request made with `request` can rely on:

- every blocking step (connecting, the TLS handshake, sending, each read) waits at most what the
  caller's deadline leaves, so a server that answers slowly, drips bytes or never answers
  cannot hold a call past it (`TimeoutError`);
- a status line, a header line and a chunk-size line are bounded (`MAX_HEADER_LINE`), so are
  the number of headers (`MAX_HEADERS`); anything else malformed is a `ProtocolError`; a body
  cut before its announced end is a `ProtocolError`, never a short answer;
- gzip and deflate bodies are decoded a bounded piece at a time (the caller caps the total);
- connections are kept alive and pooled per thread and per (scheme, host, port, proxy); one
  the server closed while idle is noticed before use, or retried once on a new connection when
  it fails before any byte of the answer;
- https verifies certificates with the `ssl` default context (the system's trust store) plus
  certifi's bundle; ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` replace both, as with
  requests; ``SSL_CERT_FILE``/``SSL_CERT_DIR`` work as OpenSSL reads them;
- proxies come from the environment like requests and urllib take them (``https_proxy``,
  ``http_proxy``, ``all_proxy``, ``no_proxy``, lower case first): an http:// proxy, with
  credentials in its URL if needed, tunnels https with CONNECT; other proxy schemes are refused
  with a `ConfigurationError`.

No exception raised here holds the request: not its URL, headers or body (so never a key).
"""

from __future__ import annotations

import os
import socket
import threading
import zlib
from typing import Any
from urllib.parse import urlsplit

from .exceptions import ConfigurationError

#: The longest status, header or chunk-size line read, in bytes.
MAX_HEADER_LINE = 64 * 1024
#: The most header (or trailer) lines in one answer.
MAX_HEADERS = 256
#: How much one read asks the socket for, and the most one decoded piece holds.
READ_SIZE = 64 * 1024
#: Idle connections kept per (scheme, host, port, proxy) and thread.
POOL_SIZE = 16
USER_AGENT = "prompture"

_local = threading.local()
_tls_contexts: dict[str | None, Any] = {}
_tls_lock = threading.Lock()


class ProtocolError(Exception):
    """The server broke HTTP/1.1 (or the connection) in a way no answer can come of."""


class Headers:
    """Answer headers: case-insensitive `get`, ``in`` and ``[]``; repeated names joined with
    ``", "`` (as HTTP allows for every header a client reads here)."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: dict[str, tuple[str, str]] = {}

    def add(self, name: str, value: str) -> None:
        key = name.lower()
        if key in self._items:
            value = f"{self._items[key][1]}, {value}"
        self._items[key] = (name, value)

    def get(self, name: str, default: Any = None) -> Any:
        item = self._items.get(name.lower())
        return default if item is None else item[1]

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def items(self) -> list[tuple[str, str]]:
        return list(self._items.values())

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


# --- connections


class _Connection:
    """One socket and what has been read from it but not consumed yet."""

    __slots__ = ("buffer", "key", "received", "sock")

    def __init__(self, sock: socket.socket, key: tuple) -> None:
        self.sock = sock
        self.key = key
        self.buffer = bytearray()
        self.received = 0  # bytes read since the current request was sent

    def _wait_for(self, deadline: Any) -> None:
        left = deadline.remaining()
        if left <= 0:
            raise TimeoutError("the deadline passed")
        self.sock.settimeout(left)

    def send(self, data: bytes, deadline: Any) -> None:
        self._wait_for(deadline)
        self.sock.sendall(data)  # the timeout bounds the whole sendall (Python 3.5+)

    def recv(self, deadline: Any) -> bytes:
        """What the socket has (b"" at its end), waiting no longer than `deadline` leaves."""
        self._wait_for(deadline)
        data = self.sock.recv(READ_SIZE)
        self.received += len(data)
        return data

    def read_some(self, limit: int, deadline: Any) -> bytes:
        """Up to `limit` bytes: buffered ones first, else one read (b"" at the end)."""
        if self.buffer:
            data = bytes(self.buffer[:limit])
            del self.buffer[:limit]
            return data
        data = self.recv(deadline)
        if len(data) > limit:
            self.buffer += data[limit:]
            data = data[:limit]
        return data

    def read_line(self, deadline: Any) -> bytes:
        """One line without its CRLF (b"" and EOF are told apart by `ProtocolError`)."""
        start = 0
        while True:
            end = self.buffer.find(b"\n", start)
            if end > MAX_HEADER_LINE:
                raise ProtocolError(f"a header line is longer than {MAX_HEADER_LINE} bytes")
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 1]
                return line.rstrip(b"\r")
            if len(self.buffer) > MAX_HEADER_LINE:
                raise ProtocolError(f"a header line is longer than {MAX_HEADER_LINE} bytes")
            start = len(self.buffer)
            data = self.recv(deadline)
            if not data:
                raise ProtocolError("the connection closed in the middle of the answer")
            self.buffer += data

    def has_chunk(self) -> bool:
        """Whether the buffer holds a whole non-empty chunk (size line, data, CRLF): reading it
        cannot block."""
        end = self.buffer.find(b"\n", 0, 1024)
        if end < 0:
            return False
        try:
            size = int(bytes(self.buffer[:end]).split(b";", 1)[0], 16)
        except ValueError:
            return False
        return size > 0 and len(self.buffer) >= end + 1 + size + 2

    def is_dropped(self) -> bool:
        """Whether the server closed this idle connection (or sent something unasked)."""
        import select

        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable) or bool(self.buffer)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def _pool() -> dict[tuple, list[_Connection]]:
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = {}
    return pool


def _checkout(key: tuple) -> _Connection | None:
    idle = _pool().get(key)
    while idle:
        connection = idle.pop()
        if not connection.is_dropped():
            return connection
        connection.close()
    return None


def _checkin(connection: _Connection) -> None:
    idle = _pool().setdefault(connection.key, [])
    if len(idle) < POOL_SIZE:
        idle.append(connection)
    else:
        connection.close()


def close_idle() -> None:
    """Close this thread's idle connections."""
    pool = _pool()
    for idle in pool.values():
        for connection in idle:
            connection.close()
    pool.clear()


# --- where to connect: the URL, a proxy, TLS


class _Target:
    """The parts of a URL a request needs, and the proxy it goes through (if any)."""

    __slots__ = ("host", "host_header", "path", "port", "proxy", "scheme", "url")

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProtocolError("the URL is not an http(s) URL with a host")
        self.url = url
        self.scheme = parts.scheme
        self.host = parts.hostname
        try:
            port = parts.port
        except ValueError:
            raise ProtocolError("the URL's port is not a port number") from None
        default = 443 if self.scheme == "https" else 80
        self.port = port or default
        name = f"[{self.host}]" if ":" in self.host else self.host
        self.host_header = name if self.port == default else f"{name}:{self.port}"
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.proxy = _proxy_for(self.scheme, self.host, self.port)

    @property
    def key(self) -> tuple:
        return (self.scheme, self.host, self.port, self.proxy and self.proxy.url)


class _Proxy:
    """An http:// proxy from the environment: where it is and its credentials header."""

    __slots__ = ("authorization", "host", "port", "url")

    def __init__(self, url: str) -> None:
        from urllib.parse import unquote

        if "://" not in url:
            url = f"http://{url}"  # requests and curl read a bare host:port as http
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ConfigurationError(
                f"the proxy set in the environment uses {parts.scheme or 'no'}:// : only "
                "http:// proxies are supported by prompture's HTTP client"
            )
        self.url = url
        self.host = parts.hostname
        try:
            self.port = parts.port or 80
        except ValueError:
            raise ConfigurationError("the proxy set in the environment has a bad port") from None
        self.authorization = None
        if parts.username is not None:
            import base64

            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self.authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def _proxy_for(scheme: str, host: str, port: int) -> _Proxy | None:
    """The proxy the environment names for `scheme`, unless ``no_proxy`` exempts `host`."""
    found = {}
    for name, value in os.environ.items():
        lower = name.lower()
        if lower.endswith("_proxy") and value and (name == lower or lower not in found):
            found[lower] = value.strip()
    if "REQUEST_METHOD" in os.environ and "http_proxy" not in os.environ:
        found.pop("http_proxy", None)  # a CGI request's "Proxy:" header (httpoxy), not ours
    if not found:
        return None
    url = found.get(f"{scheme}_proxy") or found.get("all_proxy")
    if not url or _bypassed(host, port, found.get("no_proxy", "")):
        return None
    return _Proxy(url)


def _bypassed(host: str, port: int, no_proxy: str) -> bool:
    """Whether ``no_proxy`` (comma-separated names, ``.suffix``, ``host:port``, IP networks or
    ``*``) names `host`."""
    host = host.lower()
    for entry in (e.strip().lower() for e in no_proxy.replace(" ", ",").split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and entry_port != str(port):
            continue
        name = name.lstrip(".").strip("[]")
        if host == name or host.endswith("." + name):
            return True
        if "/" in name and _in_network(host, name):
            return True
    return False


def _in_network(host: str, network: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def tls_context() -> Any:
    """The TLS context for https (built once per CA-bundle setting)."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None
    context = _tls_contexts.get(bundle)
    if context is not None:
        return context
    import ssl

    with _tls_lock:
        context = ssl.create_default_context(cafile=bundle)
        if bundle is None:
            try:
                import certifi
            except ImportError:  # the system's trust store alone
                pass
            else:
                context.load_verify_locations(certifi.where())
        _tls_contexts[bundle] = context
    return context


def _connect(target: _Target, deadline: Any) -> _Connection:
    """A new connection to `target` (through its proxy; TLS set up for https)."""
    left = deadline.remaining()
    if left <= 0:
        raise TimeoutError("the deadline passed")
    proxy = target.proxy
    host, port = (proxy.host, proxy.port) if proxy else (target.host, target.port)
    # An ASCII name goes as bytes: a str is IDNA-encoded, which imports a codec (~1 ms).
    name = host.encode("ascii") if host.isascii() else host
    sock = socket.create_connection((name, port), timeout=left)
    connection = _Connection(sock, target.key)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if target.scheme == "https":
            if proxy is not None:
                _tunnel(connection, target, deadline)
            connection._wait_for(deadline)
            connection.sock = tls_context().wrap_socket(sock, server_hostname=target.host)
    except BaseException:
        connection.close()
        raise
    return connection


def _tunnel(connection: _Connection, target: _Target, deadline: Any) -> None:
    """Ask the proxy for a tunnel to `target` (CONNECT); its answer's headers are dropped."""
    authority = f"{target.host_header.rsplit(':', 1)[0]}:{target.port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if target.proxy is not None and target.proxy.authorization:
        lines.append(f"Proxy-Authorization: {target.proxy.authorization}")
    connection.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), deadline)
    status, _ = _read_head(connection, deadline)
    if status != 200:
        raise ProtocolError(f"the proxy refused the tunnel: HTTP {status}")
    if connection.buffer:
        raise ProtocolError("the proxy sent bytes before the tunnel was set up")


# --- requests and answers


def _request_head(method: str, target: _Target, headers: dict[str, str], length: int) -> bytes:
    proxy = target.proxy
    # An http:// URL through a proxy is asked for whole; https goes through the tunnel.
    path = target.url.split("#", 1)[0] if proxy and target.scheme == "http" else target.path
    given = {name.lower(): value for name, value in headers.items()}
    lines = [f"{method} {path} HTTP/1.1", f"Host: {given.get('host') or target.host_header}"]
    defaults = (
        ("User-Agent", USER_AGENT),
        ("Accept", "*/*"),
        ("Accept-Encoding", "gzip, deflate"),
    )
    lines.extend(f"{name}: {value}" for name, value in defaults if name.lower() not in given)
    for name, value in headers.items():
        if name.lower() in ("host", "content-length", "transfer-encoding", "connection"):
            continue
        if any(ch in "\r\n\0" for ch in f"{name}{value}") or not name or ":" in name:
            raise ProtocolError(f"header {name!r} holds a line break or a NUL character")
        lines.append(f"{name}: {value}")
    if method not in ("GET", "HEAD") or length:
        lines.append(f"Content-Length: {length}")
    if proxy is not None and proxy.authorization and target.scheme == "http":
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    try:
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    except UnicodeEncodeError:
        raise ProtocolError("a header holds characters outside latin-1") from None


def _read_head(connection: _Connection, deadline: Any) -> tuple[int, Headers]:
    """The status and headers of one answer (interim 1xx answers skipped)."""
    while True:
        line = connection.read_line(deadline)
        version, _, rest = line.partition(b" ")
        code = rest[:3]
        if not version.startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise ProtocolError("the answer does not start with an HTTP/1.x status line")
        status = int(code)
        headers = _read_fields(connection, deadline)
        if status >= 200 or status == 101:
            if version == b"HTTP/1.0" and "keep-alive" not in headers.get("Connection", ""):
                headers.add("Connection", "close")
            return status, headers


def _read_fields(connection: _Connection, deadline: Any) -> Headers:
    headers = Headers()
    for _ in range(MAX_HEADERS + 1):
        line = connection.read_line(deadline)
        if not line:
            return headers
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise ProtocolError("a header line without a name")
        headers.add(name.decode("latin-1"), value.strip().decode("latin-1"))
    raise ProtocolError(f"more than {MAX_HEADERS} header lines")


class Response:
    """An answer whose body is being read: `status`, `headers`, then `read1` until b"".

    `release` gives the connection back to the pool once the body was read to its end (after
    reading a short rest, when asked); `close` drops the connection.
    """

    def __init__(self, connection: _Connection, status: int, headers: Headers, method: str) -> None:
        self.connection: _Connection | None = connection
        self.status = status
        self.headers = headers
        self._reusable = "close" not in headers.get("Connection", "").lower()
        self._chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        self._chunk_left = 0
        self._left: int | None = None  # bytes of a sized body still to come
        self._done = False
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            self._done = True
        elif not self._chunked:
            length = headers.get("Content-Length")
            if length is not None:
                if not length.strip().isdigit():
                    raise ProtocolError("the Content-Length is not a number")
                self._left = int(length)
                self._done = self._left == 0
            else:
                self._reusable = False  # the body ends when the server closes
        self._decoder = self._first_decoder = _decoder(headers.get("Content-Encoding", ""))
        self._decoded_any = False
        self._decoder_flushed = False

    def read1(self, deadline: Any) -> bytes:
        """The next piece of the body, decoded (b"" once it is all read)."""
        while True:
            if self._decoder is not None and self._decoder.unconsumed_tail:
                data = self._decode(self._decoder.unconsumed_tail)
            elif self._done:
                return self._finish_decoding()
            else:
                data = self._raw_read1(deadline)
                if self._decoder is not None:
                    data = self._decode(data)
            if data:
                return data

    def _raw_read1(self, deadline: Any) -> bytes:
        connection = self.connection
        if connection is None:
            raise ProtocolError("the answer was closed")
        if self._chunked:
            return self._read_chunks(connection, deadline)
        if self._left is None:  # until the server closes
            data = connection.read_some(READ_SIZE, deadline)
            self._done = not data
            return data
        data = connection.read_some(min(self._left, READ_SIZE), deadline)
        if not data:
            raise ProtocolError("the connection closed before the end of the body")
        self._left -= len(data)
        self._done = self._left == 0
        return data

    def _read_chunks(self, connection: _Connection, deadline: Any) -> bytes:
        """The next chunk's data joined with the whole chunks already buffered behind it: a
        stream of small events comes as many tiny chunks, and each piece handed up costs a
        trip through the readers above (SSE, the size cap)."""
        data = self._read_chunk(connection, deadline)
        parts, size = [data], len(data)
        while data and size < READ_SIZE and self._chunk_left == 0 and connection.has_chunk():
            data = self._read_chunk(connection, deadline)
            parts.append(data)
            size += len(data)
        return b"".join(parts) if len(parts) > 1 else parts[0]

    def _read_chunk(self, connection: _Connection, deadline: Any) -> bytes:
        if self._chunk_left == 0:
            size_line = connection.read_line(deadline).split(b";", 1)[0].strip()
            try:
                self._chunk_left = int(size_line, 16)
            except ValueError:
                raise ProtocolError("a chunk size is not a hexadecimal number") from None
            if self._chunk_left < 0:
                raise ProtocolError("a chunk size is negative")
            if self._chunk_left == 0:
                _read_fields(connection, deadline)  # the trailer, dropped
                self._done = True
                return b""
        data = connection.read_some(min(self._chunk_left, READ_SIZE), deadline)
        if not data:
            raise ProtocolError("the connection closed in the middle of a chunk")
        self._chunk_left -= len(data)
        if self._chunk_left == 0 and connection.read_line(deadline):
            raise ProtocolError("a chunk is longer than its size says")
        return data

    def _decode(self, data: bytes) -> bytes:
        decoder = self._decoder
        try:
            return decoder.decompress(data, READ_SIZE)
        except zlib.error:
            # "deflate" is sent raw by some servers, zlib-wrapped by others (RFC 9110's).
            if decoder is self._first_decoder and not self._decoded_any:
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._decode(data)
            raise ProtocolError("the compressed body is corrupt") from None
        finally:
            self._decoded_any = True

    def _finish_decoding(self) -> bytes:
        decoder = self._decoder
        if decoder is None or self._decoder_flushed:
            return b""
        self._decoder_flushed = True
        if not decoder.eof and self._decoded_any:
            raise ProtocolError("the compressed body ends before its end")
        return decoder.flush()

    def release(self, deadline: Any, drain: int = 0) -> None:
        """Give the connection back to the pool when the body is read to its end, or when
        at most `drain` more bytes end it (read now, within `deadline`); else close it."""
        connection = self.connection
        if connection is None:
            return
        try:
            left = drain
            while not self._done and left > 0:
                left -= len(self._raw_read1(deadline)) or 1
        except (OSError, ProtocolError):
            pass
        if self._done and self._reusable and not connection.buffer:
            self.connection = None
            _checkin(connection)
        else:
            self.close()

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()


def _decoder(encoding: str) -> Any:
    value = encoding.strip().lower()
    if value in ("", "identity"):
        return None
    if value in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if value == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    raise ProtocolError("the answer uses a content encoding this client does not decode")


def request(method: str, url: str, body: bytes, headers: dict[str, str], deadline: Any) -> Response:
    """Send one request and read the answer's status and headers (the body is the caller's
    to read with `Response.read1`, then `release` or `close`).

    `deadline` has ``remaining()`` (seconds left). Raises `TimeoutError` when it passes,
    `ProtocolError` for a broken answer or request, `OSError` when connecting or the connection
    fails, `ConfigurationError` for a proxy setting this client cannot use.
    """
    target = _Target(url)
    head = _request_head(method, target, headers, len(body))
    message = head + body if len(body) < READ_SIZE else None
    while True:
        connection = _checkout(target.key)
        reused = connection is not None
        if connection is None:
            connection = _connect(target, deadline)
        connection.received = 0
        try:
            if message is not None:
                connection.send(message, deadline)
            else:
                connection.send(head, deadline)
                connection.send(body, deadline)
            status, answer_headers = _read_head(connection, deadline)
            return Response(connection, status, answer_headers, method)
        except (ProtocolError, OSError) as exc:
            connection.close()
            # A kept-alive connection the server closed just before we used it: nothing of
            # an answer came, so the request is sent again on a new connection, once.
            if reused and connection.received == 0 and not isinstance(exc, TimeoutError):
                continue
            raise
