"""The sync drivers' HTTP/1.1 client (`prompture._http`) through `_transport.post`: framing,
decoding, pooling, limits, proxies and TLS, each against a real socket server on 127.0.0.1.

The hostile answers every driver must survive are in test_hostile*.py; these are the HTTP
details a plain server does not exercise.
"""

from __future__ import annotations

import datetime
import gzip
import json
import select
import socket
import ssl
import threading
import zlib
from collections.abc import Callable

import pytest

from prompture import _http, _transport
from prompture.exceptions import ConfigurationError, DriverHTTPError

KEY = "sk-http-test-0123456789"
OK = json.dumps({"ok": True}).encode()


class RawServer:
    """Accepts connections on 127.0.0.1 and lets `answer(head, body)` write raw bytes back
    (several requests per connection while it returns True for "keep open")."""

    def __init__(self, answer: Callable[[bytes, bytes, socket.socket], bool]) -> None:
        self.answer = answer
        self.heads: list[bytes] = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/v1/chat"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self._requests(conn)
        except OSError:  # the client hung up first, as some tests make it do
            pass

    def _requests(self, conn: socket.socket) -> None:
        with conn:
            file = conn.makefile("rb")
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = file.readline()
                    if not line:
                        return
                    head += line
                self.heads.append(head)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = file.read(length)
                if not self.answer(head, body, conn):
                    return

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def serve():
    servers = []

    def start(answer):
        server = RawServer(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
    _http.close_idle()


def reply(data: bytes, keep: bool = True):
    def answer(head, body, conn):
        conn.sendall(data)
        return keep

    return answer


def sized(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def post(url: str, payload=None, timeout: float = 5.0, stream: bool = False, **headers):
    return _transport.post(
        "acme",
        url,
        {"hello": "world"} if payload is None else payload,
        headers={"Authorization": f"Bearer {KEY}", **headers},
        timeout=timeout,
        secrets=(KEY,),
        max_retries=0,
        backoff=0,
        stream=stream,
    )


def failure(call) -> DriverHTTPError:
    with pytest.raises(DriverHTTPError) as caught:
        call()
    error = caught.value
    assert KEY not in repr(error) and error.__context__ is None and error.__cause__ is None
    return error


# --- what is sent


def test_the_request_is_plain_http_1_1_json(serve):
    server = serve(reply(sized(OK)))
    assert post(server.url + "?x=1").json() == {"ok": True}
    head = server.heads[0].decode()
    assert head.startswith("POST /v1/chat?x=1 HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.port}\r\n" in head
    assert "Content-Type: application/json\r\n" in head
    assert f"Authorization: Bearer {KEY}\r\n" in head
    assert "Accept-Encoding: gzip, deflate\r\n" in head


def test_a_header_value_with_a_line_break_is_never_sent(serve):
    server = serve(reply(sized(OK)))
    error = failure(lambda: post(server.url, **{"X-Key": f"{KEY}\r\nX-Injected: 1"}))
    assert server.heads == [] and "line break" in str(error)


def test_a_body_that_is_not_json_is_a_typed_error_before_any_request(serve):
    server = serve(reply(sized(OK)))
    error = failure(lambda: post(server.url, {"temperature": float("nan")}))
    assert not error.retryable and server.heads == []


# --- framing and decoding


def test_a_chunked_body_with_extensions_and_trailers(serve):
    body = b'5;ext=1\r\n{"ok"\r\n6\r\n: true\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n'
    server = serve(reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body))
    assert post(server.url).json() == {"ok": True}
    assert post(server.url).json() == {"ok": True}
    assert server.connections == 1  # the connection was kept and reused


def test_a_body_ended_by_closing_the_connection(serve):
    server = serve(reply(b"HTTP/1.1 200 OK\r\n\r\n" + OK, keep=False))
    assert post(server.url).json() == {"ok": True}
    assert post(server.url).json() == {"ok": True}
    assert server.connections == 2


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some send it
    ],
)
def test_compressed_bodies_are_decoded(serve, encoding, encode):
    server = serve(reply(sized(encode(OK), f"Content-Encoding: {encoding}")))
    assert post(server.url).json() == {"ok": True}


def test_a_compression_bomb_stops_at_the_size_cap(serve, monkeypatch):
    monkeypatch.setattr(_transport, "MAX_RESPONSE_BYTES", 100_000)
    bomb = gzip.compress(b"0" * 50_000_000)  # 50 MB in ~50 KB
    server = serve(reply(sized(bomb, "Content-Encoding: gzip")))
    assert "byte limit" in str(failure(lambda: post(server.url)))


def test_a_corrupt_or_cut_compressed_body_is_a_typed_error(serve):
    cut = gzip.compress(OK * 50)[:-12]
    server = serve(reply(sized(b"garbage" * 10, "Content-Encoding: gzip")))
    failure(lambda: post(server.url))
    server = serve(reply(sized(cut, "Content-Encoding: gzip")))
    failure(lambda: post(server.url))
    server = serve(reply(sized(OK, "Content-Encoding: br")))
    failure(lambda: post(server.url))


@pytest.mark.parametrize(
    "answer",
    [
        b"SPDY/3 200 OK\r\n\r\n",
        b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-Long: " + b"a" * (_http.MAX_HEADER_LINE + 10) + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * (_http.MAX_HEADERS + 1) + b"\r\n",
        b"HTTP/1.1 200 OK\r\n no-name\r\n\r\n",
    ],
    ids=[
        "not http",
        "bad status",
        "bad length",
        "bad chunk size",
        "chunk too long",
        "endless header line",
        "endless headers",
        "header without a name",
    ],
)
def test_a_malformed_answer_is_a_typed_error(serve, answer):
    server = serve(reply(answer, keep=False))
    failure(lambda: post(server.url))


def test_interim_answers_are_skipped(serve):
    server = serve(reply(b"HTTP/1.1 100 Continue\r\n\r\n" + sized(OK)))
    assert post(server.url).json() == {"ok": True}


# --- pooling


def test_a_kept_connection_the_server_closed_is_replaced(serve):
    def answer_then_close(head, body, conn):
        conn.sendall(sized(OK))
        return False  # closes after one answer, without saying so

    server = serve(answer_then_close)
    for _ in range(3):
        assert post(server.url).json() == {"ok": True}
    assert server.connections == 3


def test_a_kept_connection_reset_when_used_is_retried_once(serve, monkeypatch):
    server = serve(reply(sized(OK)))
    assert post(server.url).json() == {"ok": True}
    monkeypatch.setattr(_http._Connection, "is_dropped", lambda self: False)
    [[kept]] = _http._pool().values()
    kept.sock.shutdown(socket.SHUT_WR)  # what a server closing at that moment looks like
    assert post(server.url).json() == {"ok": True}
    assert server.connections == 2


def test_an_unread_stream_gives_its_connection_back_when_short(serve):
    events = b"data: 1\n\ndata: [DONE]\n\n"
    server = serve(reply(sized(events, "Content-Type: text/event-stream")))
    with post(server.url, stream=True) as stream:
        next(stream.iter_events())
    post(server.url, stream=True).close()
    assert server.connections == 1


def chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts)


def test_buffered_chunks_come_up_joined_and_a_late_one_is_not_waited_for(serve):
    import time

    def stream(head, body, conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        conn.sendall(chunked(*[b"%d," % i for i in range(100)]))
        time.sleep(0.3)
        conn.sendall(chunked(b"end") + b"0\r\n\r\n")
        return True

    server = serve(stream)
    start = time.monotonic()
    with post(server.url, stream=True) as answer:
        pieces = answer.iter_bytes()
        first = next(pieces)
        waited = time.monotonic() - start
        rest = list(pieces)
    assert b"".join([first, *rest]) == b"".join(b"%d," % i for i in range(100)) + b"end"
    assert len(rest) < 10 and waited < 0.25  # joined, yet handed up before the pause ended


# --- deadlines


def test_the_deadline_covers_a_slow_head_and_a_slow_body(serve):
    import time

    def drip(head, body, conn):
        try:
            for byte in sized(OK):
                conn.sendall(bytes([byte]))
                time.sleep(0.05)
        except OSError:  # the client gave up, as it should
            pass
        return False

    server = serve(drip)
    start = time.monotonic()
    error = failure(lambda: post(server.url, timeout=0.5))
    assert "timed out" in str(error) and time.monotonic() - start < 1.5


# --- proxies


def proxy_env(monkeypatch, url: str, no_proxy: str = "") -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)
    monkeypatch.setenv("http_proxy", url)
    monkeypatch.setenv("https_proxy", url)
    monkeypatch.setenv("no_proxy", no_proxy)


def test_http_goes_through_the_environment_proxy_with_its_credentials(serve, monkeypatch):
    proxy = serve(reply(sized(OK)))
    proxy_env(monkeypatch, f"http://user:p%40ss@127.0.0.1:{proxy.port}")
    assert post("http://api.example.invalid/v1/chat").json() == {"ok": True}
    head = proxy.heads[0].decode()
    assert head.startswith("POST http://api.example.invalid/v1/chat HTTP/1.1\r\n")
    assert "Host: api.example.invalid\r\n" in head
    assert "Proxy-Authorization: Basic dXNlcjpwQHNz\r\n" in head  # user:p@ss


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", ".0.0.1", "*", "10.0.0.0/8, 127.0.0.0/8"])
def test_no_proxy_exempts_a_host(serve, monkeypatch, no_proxy):
    server = serve(reply(sized(OK)))
    proxy_env(monkeypatch, "http://127.0.0.1:9", no_proxy)  # port 9: nobody listens
    assert post(server.url).json() == {"ok": True}


def test_a_proxy_scheme_we_cannot_speak_is_a_configuration_error(serve, monkeypatch):
    proxy_env(monkeypatch, "socks5://user:hunter2-secret@127.0.0.1:1080")
    with pytest.raises(ConfigurationError) as caught:
        post("http://api.example.invalid/v1/chat")
    assert "socks5" in str(caught.value) and "hunter2" not in str(caught.value)


def test_a_refused_tunnel_is_a_typed_error(serve, monkeypatch):
    proxy = serve(reply(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", keep=False))
    proxy_env(monkeypatch, f"http://user:hunter2-secret@127.0.0.1:{proxy.port}")
    error = failure(lambda: post("https://api.example.invalid/v1/chat"))
    assert "407" in str(error) and "hunter2" not in str(error)
    assert proxy.heads[0].startswith(b"CONNECT api.example.invalid:443 HTTP/1.1\r\n")


# --- TLS


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA and a certificate it signed for 127.0.0.1 and localhost (paths to PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    day = datetime.timedelta(days=1)

    def name(text):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder(subject_name=name("test CA"), issuer_name=name("test CA"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - day)
        .not_valid_after(now + day)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    import ipaddress

    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder(subject_name=name("localhost"), issuer_name=ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - day)
        .not_valid_after(now + day)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "cert.pem").write_bytes(cert.public_bytes(pem))
    (folder / "key.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder


def tls_server(serve, certificates):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "cert.pem", certificates / "key.pem")
    server = serve(reply(sized(OK)))
    plain = server._serve

    def serve_tls(conn):
        try:
            wrapped = context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            conn.close()
            return
        plain(wrapped)

    server._serve = serve_tls
    server.url = f"https://localhost:{server.port}/v1/chat"
    return server


def test_https_verifies_the_server_against_the_configured_bundle(serve, certificates, monkeypatch):
    server = tls_server(serve, certificates)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates / "ca.pem"))
    assert post(server.url).json() == {"ok": True}
    assert post(server.url).json() == {"ok": True}
    assert server.connections == 1


def test_https_refuses_a_server_nobody_vouches_for(serve, certificates, monkeypatch):
    server = tls_server(serve, certificates)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert "CERTIFICATE_VERIFY_FAILED" in str(failure(lambda: post(server.url)))


def test_https_through_a_tunnelling_proxy(serve, certificates, monkeypatch):
    server = tls_server(serve, certificates)

    def tunnel(head, body, conn):
        assert head.startswith(f"CONNECT localhost:{server.port} HTTP/1.1".encode())
        upstream = socket.create_connection(("127.0.0.1", server.port))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        pair = {conn: upstream, upstream: conn}
        while True:
            ready, _, _ = select.select(list(pair), [], [], 5)
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    upstream.close()
                    return False
                pair[sock].sendall(data)
            if not ready:
                return False

    proxy = serve(tunnel)
    proxy_env(monkeypatch, f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates / "ca.pem"))
    assert post(server.url).json() == {"ok": True}
    assert proxy.connections == 1 and server.connections == 1


def test_the_default_tls_context_verifies_hostnames(monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    context = _http.tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # certifi's bundle at least
