"""Hostile input to the proxy (issue 12): every answer the app makes is a legacy error with an x-trace-id,
bad input is a 4xx naming the field, and an internal error is one log line, not a traceback."""

from __future__ import annotations

import json
import logging
import socket
from typing import Any, Iterator

import httpx
import pytest

from ionos_migrate.compat.proxy import create_app
from ionos_migrate.compat.serving import serve_in_thread

from .conftest import AUTH, TEXT_MODEL
from .test_proxy import PREDICT, legacy_error


@pytest.fixture
def proxy_url(emulator: str) -> Iterator[str]:
    with serve_in_thread(create_app(upstream=f"{emulator}/v1", collections_upstream=emulator)) as url:
        yield url


def send(url: str, method: str, path: str, body: bytes | None = None) -> httpx.Response:
    """One request on its own connection (a broken answer must not spoil the next test's)."""
    return httpx.request(method, url + path, content=body, headers={**AUTH, "content-type": "application/json"})


def raw(url: str, request: bytes) -> bytes:
    """Bytes on a socket, for request targets no HTTP client sends (``*``, CR/LF)."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return reply


def legacy_reply(reply: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    status = int(lines[0].split()[1])
    assert headers["content-type"] == "application/json" and headers["x-trace-id"], reply
    error = json.loads(body)
    assert error["httpStatus"] == status and error["messages"][0]["errorCode"], reply
    return status, headers, error


def test_empty_model_id_is_a_400_naming_it(proxy_url: str, emulator_app: Any) -> None:
    r = send(proxy_url, "POST", "/models//predictions", b'{"properties": {"input": "x"}}')
    assert r.status_code == 400
    assert "modelId" in legacy_error(r).messages[0].message
    assert emulator_app.state.journal.entries() == []


@pytest.mark.parametrize("model_id", ["%0D%0A", "a%0Ab", "x%00y", "%09"])
def test_control_characters_in_the_model_id_are_a_400(proxy_url: str, emulator_app: Any, model_id: str) -> None:
    r = send(proxy_url, "POST", f"/models/{model_id}/predictions", b'{"properties": {"input": "x"}}')
    assert r.status_code == 400, r.text
    assert "modelId" in legacy_error(r).messages[0].message
    assert emulator_app.state.journal.entries() == []


@pytest.mark.parametrize(("body", "field"), [
    (b'{"properties": {"input": "\\ud800"}}', "properties.input"),
    (b'{"properties": {"input": "ok \\udfff"}}', "properties.input"),
    (b'{"properties": {"input": "x", "collectionQuery": "\\ud83d"}}', "properties.collectionQuery"),
    (b'{"properties": {"input": "x", "options": {"stop": "\\ud800"}}}', "properties.options.stop"),
    (b'{"properties": {"input": "x", "options": {"\\ud800": "1"}}}', "properties.options"),
])
def test_lone_surrogates_are_a_400_naming_the_field(proxy_url: str, emulator_app: Any, body: bytes, field: str) -> None:
    r = send(proxy_url, "POST", PREDICT, body)
    assert r.status_code == 400, r.text
    message = legacy_error(r).messages[0].message
    assert message.startswith(field) and "surrogate" in message
    assert emulator_app.state.journal.entries() == []


@pytest.mark.parametrize("body", [
    b"[" * 3000 + b"]" * 3000,
    b'{"properties": {"input": "x", "options": {"top_k": ' + b"[" * 3000 + b"]" * 3000 + b"}}}",
    b'{"properties": {"input": "x", "options": {"top_k": ' + b'{"a":' * 2000 + b"1" + b"}" * 2000 + b"}}}",
])
def test_deeply_nested_json_is_a_400_and_logs_nothing(proxy_url: str, caplog: pytest.LogCaptureFixture, body: bytes) -> None:
    with caplog.at_level(logging.WARNING):
        r = send(proxy_url, "POST", PREDICT, body)
    assert r.status_code == 400, r.text
    assert "nested" in legacy_error(r).messages[0].message
    assert [rec for rec in caplog.records if rec.levelno >= logging.WARNING] == []


@pytest.mark.parametrize(("method", "path", "status"), [
    ("TRACE", PREDICT, 405),
    ("PROPFIND", "/models", 405),
    ("TRACE", "/healthz", 405),
    ("PROPFIND", "/elsewhere", 404),
    ("MKCOL", "/collections/c", None),  # forwarded as any other method: the legacy host answers
    ("GET", "/models/%0D%0A/predictions", 405),
    ("GET", "/x%0d%0ay", 404),
    ("GET", "/%00", 404),
])
def test_odd_methods_and_paths_get_legacy_answers(proxy_url: str, method: str, path: str, status: int | None) -> None:
    r = send(proxy_url, method, path)
    if status is not None:
        assert r.status_code == status
        legacy_error(r)
    assert r.headers["x-trace-id"]


@pytest.mark.parametrize("request_line", [b"OPTIONS * HTTP/1.1", b"GET * HTTP/1.1", b"TRACE * HTTP/1.1"])
def test_asterisk_targets_get_a_legacy_answer(proxy_url: str, request_line: bytes) -> None:
    status, _, _ = legacy_reply(raw(proxy_url, request_line + b"\r\nHost: x\r\nConnection: close\r\n\r\n"))
    assert status == 404


def test_an_internal_error_is_a_legacy_500_and_one_log_line(proxy_url: str, emulator: str,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(upstream=f"{emulator}/v1", collections_upstream=emulator)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("a bug")

    app.state.service.predictions = broken  # a bug in the core, outside the exchange
    with caplog.at_level(logging.INFO), serve_in_thread(app) as url:
        for _ in range(3):
            r = send(url, "POST", PREDICT, b'{"properties": {"input": "x"}}')
            assert r.status_code == 500
            assert legacy_error(r).messages[0].errorCode == "paas-internal-1"
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert len(errors) == 3, [rec.getMessage() for rec in errors]
    for record in errors:
        assert record.exc_info is None and "\n" not in record.getMessage()
        assert "KeyError" in record.getMessage() and "a bug" in record.getMessage()


def test_the_collections_route_refuses_encoded_dot_segments_as_before(proxy_url: str, emulator_app: Any) -> None:
    assert send(proxy_url, "GET", "/collections/%2E%2E").status_code == 400
    assert emulator_app.state.journal.entries() == []


def test_known_model_still_works(proxy_url: str) -> None:
    r = send(proxy_url, "POST", f"/models/{TEXT_MODEL}/predictions", b'{"properties": {"input": "x"}}')
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("collection_id", ["..", ".", "../x", "%2e%2e"])
def test_a_collection_id_that_would_move_the_rag_query_is_a_400(proxy_url: str, emulator_app: Any,
                                                                collection_id: str) -> None:
    body = json.dumps({"properties": {"input": "x", "collectionId": collection_id}}).encode()
    r = send(proxy_url, "POST", PREDICT, body)
    assert r.status_code == 400
    assert legacy_error(r).messages[0].message.startswith("properties.collectionId: ")
    assert emulator_app.state.journal.entries() == []  # not /query, not /collections/query: nothing
