"""The one SSE reader every streaming wire shares (`prompture._sse`), against the standard."""

from __future__ import annotations

import pytest

from prompture._sse import ServerSentEvent, SSEDecoder, SSEError

STREAM = (
    b": a comment\r\n"
    b"retry: 3000\r\n"
    b'data: {"a":\r\n'
    b"data: 1}\r\n"
    b"\r\n"
    b"event: ping\n"
    b"data:x\n"
    b"\n"
    b"id: 7\r"
    b"data:  two spaces\r"
    b"\r"
    b"event: no-data\n"
    b"\n"
    b"data: unfinished"
)
EXPECTED = [
    ServerSentEvent("message", '{"a":\n1}', None, 3000),
    ServerSentEvent("ping", "x", None, 3000),
    ServerSentEvent("message", " two spaces", "7", 3000),
]


def test_one_feed_gives_every_complete_event():
    decoder = SSEDecoder()
    assert decoder.feed(STREAM) == EXPECTED
    assert decoder.close() == []  # the unterminated last event is dropped


def test_events_do_not_depend_on_how_the_bytes_are_cut():
    for size in (1, 2, 3, 5, 7):
        decoder = SSEDecoder()
        events = []
        for start in range(0, len(STREAM), size):
            events += decoder.feed(STREAM[start : start + size])
        assert events == EXPECTED, size


def test_a_crlf_split_across_chunks_is_one_line_end():
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\n\r\n") == [ServerSentEvent(data="a")]


def test_a_field_without_colon_and_unknown_fields():
    decoder = SSEDecoder()
    assert decoder.feed(b"data\nfoo: bar\n\n") == [ServerSentEvent(data="")]


def test_a_line_over_the_cap_is_refused_at_once():
    decoder = SSEDecoder(max_line=64)
    with pytest.raises(SSEError):
        for _ in range(10):
            decoder.feed(b"x" * 10)


def test_bad_utf8_is_an_sse_error():
    with pytest.raises(SSEError):
        SSEDecoder().feed(b"data: \xff\xfe\n\n")
