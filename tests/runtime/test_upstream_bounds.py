"""Bounds on every upstream call, proxy and in-process shim alike (issue 12, items 5 and 6), and failures that
name the upstream host and the cause (issue 14)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from typing import Any, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

from ionos_migrate.compat import install
from ionos_migrate.compat.proxy import create_app
from ionos_migrate.compat.serving import serve_in_thread

from .conftest import AUTH, CHAT_ANSWER, LEGACY, TEXT_MODEL
from .test_proxy import PREDICT, TEXT, legacy_error
from .test_shim import CLIENTS

LEGACY_PREDICT = f"{LEGACY}/models/{TEXT_MODEL}/predictions"
SHIM_CLIENTS = ["requests", "httpx-async"]  # the sync and the async sender of the shim


@contextlib.contextmanager
def proxy(upstream: str, **options: Any) -> Iterator[httpx.Client]:
    app = create_app(upstream=f"{upstream}/v1", collections_upstream=upstream, **options)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def shim_call(client: str) -> tuple[int, dict[str, Any]]:
    status, body, headers = CLIENTS[client]("POST", LEGACY_PREDICT, {"properties": {"input": "x"}}, AUTH)
    assert headers["x-trace-id"]
    return status, json.loads(body)


def message(error: dict[str, Any]) -> str:
    return error["messages"][0]["message"]


# --- a deadline for the whole call, not an idle timeout ----------------------------------------


def test_proxy_stops_a_trickling_answer_at_the_deadline(trickling: Any) -> None:
    with proxy(trickling.url, timeout=1.0) as client:
        started = time.monotonic()
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
        elapsed = time.monotonic() - started
    assert r.status_code == 504, r.text
    error = legacy_error(r)
    assert error.messages[0].errorCode == "paas-timeout-1"
    assert trickling.url.removeprefix("http://") in error.messages[0].message and "1 s" in error.messages[0].message
    assert elapsed < trickling.seconds - 1  # stopped at the deadline, not when the answer was complete


@pytest.mark.parametrize("client", SHIM_CLIENTS)
def test_shim_stops_a_trickling_answer_at_the_deadline(trickling: Any, client: str) -> None:
    install(upstream=f"{trickling.url}/v1", timeout=1.0)
    started = time.monotonic()
    status, error = shim_call(client)
    assert status == 504, error
    assert time.monotonic() - started < trickling.seconds - 0.8  # the sync sender checks as bytes arrive
    assert trickling.url.removeprefix("http://") in message(error)


def test_a_slow_but_complete_answer_within_the_deadline_passes(trickling: Any) -> None:
    with proxy(trickling.url, timeout=trickling.seconds + 3) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 200 and r.json()["properties"]["output"] == "slow but complete"


# --- a cap on the upstream answer's size -------------------------------------------------------


def streamed_app(size: int) -> Starlette:
    """An answer without Content-Length (chunked): counted as it is read."""
    async def answer(request: Any) -> StreamingResponse:
        async def chunks() -> Any:
            for _ in range(size // 1000):
                yield b" " * 1000
            yield CHAT_ANSWER

        return StreamingResponse(chunks(), media_type="application/json")

    return Starlette(routes=[Route("/{rest:path}", answer, methods=["GET", "POST"])])


@pytest.fixture
def streamed() -> Iterator[str]:
    with serve_in_thread(streamed_app(5000)) as url:
        yield url


def test_proxy_refuses_an_answer_over_the_cap_declared_or_streamed(broken: str, behaviour: Any, streamed: str) -> None:
    behaviour.body = b" " * 5000 + CHAT_ANSWER  # JSON allows the whitespace: only the size is wrong
    for upstream in (broken, streamed):
        with proxy(upstream, max_answer_bytes=1000) as client:
            r = client.post(PREDICT, json=TEXT, headers=AUTH)
        assert r.status_code == 502, r.text
        text = legacy_error(r).messages[0].message
        assert "larger than the limit of 1,000 bytes" in text and upstream.removeprefix("http://") in text
        with proxy(upstream, max_answer_bytes=100_000) as client:  # the same answer under a larger cap
            assert client.post(PREDICT, json=TEXT, headers=AUTH).status_code == 200


def test_proxy_default_cap_refuses_a_20_mb_answer(broken: str, behaviour: Any) -> None:
    behaviour.body = b" " * (20 * 1024 * 1024) + CHAT_ANSWER
    with proxy(broken) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502 and "larger than the limit" in legacy_error(r).messages[0].message


def test_proxy_caps_forwarded_collections_answers_too(broken: str, behaviour: Any) -> None:
    behaviour.body = b"[" + b"0," * 3000 + b"0]"
    with proxy(broken, max_answer_bytes=1000) as client:
        r = client.get("/collections/c/documents", headers=AUTH)
    assert r.status_code == 502 and "larger than the limit" in legacy_error(r).messages[0].message


@pytest.mark.parametrize("client", SHIM_CLIENTS)
def test_shim_refuses_an_answer_over_the_cap(broken: str, behaviour: Any, streamed: str, client: str) -> None:
    behaviour.body = b" " * 5000 + CHAT_ANSWER
    for upstream in (broken, streamed):
        install(upstream=f"{upstream}/v1", max_answer_bytes=1000)
        status, error = shim_call(client)
        assert status == 502 and "larger than the limit of 1,000 bytes" in message(error), error


# --- Retry-After in the past or negative still waits the back-off ------------------------------


@pytest.mark.parametrize("retry_after", ["-5", "Wed, 21 Oct 2015 07:28:00 GMT", "0"])
def test_retry_after_in_the_past_keeps_the_backoff(broken: str, behaviour: Any, retry_after: str) -> None:
    behaviour.status, behaviour.headers = 429, {"Retry-After": retry_after}
    with proxy(broken, retries=2) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 429 and behaviour.hits == 3
    gaps = [b["at"] - a["at"] for a, b in zip(behaviour.seen, behaviour.seen[1:])]
    assert gaps[0] >= 0.09 and gaps[1] >= 0.19, gaps  # 0.1 s, then 0.2 s: not three attempts in one millisecond


# --- failures name the upstream host and the cause, in the answer and in the log -------------------


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "ionos_migrate.proxy.access"]


def test_refused_names_host_and_cause(free_port_url: str, caplog: pytest.LogCaptureFixture) -> None:
    host = free_port_url.removeprefix("http://")
    with caplog.at_level(logging.INFO), proxy(free_port_url, retries=1) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502
    assert legacy_error(r).messages[0].message == f"the upstream {host} could not be reached: connection refused"
    (line,) = access_lines(caplog)
    assert line["attempts"] == 2 and line["upstream_status"] is None
    assert "connection refused" in line["error"] and host in line["error"]


def test_reset_names_host_and_cause(resetting: Any) -> None:
    with proxy(resetting.url) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502
    text = legacy_error(r).messages[0].message
    assert resetting.url.removeprefix("http://") in text and "connection reset" in text


def test_tls_failure_names_host_and_cause(broken: str) -> None:
    tls_to_plain = broken.replace("http://", "https://")  # a TLS client meets a plain-HTTP server
    with proxy(tls_to_plain, retries=0) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502
    text = legacy_error(r).messages[0].message
    assert broken.removeprefix("http://") in text and "TLS handshake failed" in text


def test_dns_failure_names_host_and_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:  # the name service is outside: no real lookup
        if host == "upstream.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with proxy("http://upstream.invalid:8000", retries=0) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502
    assert legacy_error(r).messages[0].message == "the upstream upstream.invalid:8000 could not be reached: DNS lookup failed"


def test_timeout_names_host(broken: str, behaviour: Any, caplog: pytest.LogCaptureFixture) -> None:
    behaviour.delay = 0.6
    with caplog.at_level(logging.INFO), proxy(broken, timeout=0.2) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 504
    assert broken.removeprefix("http://") in legacy_error(r).messages[0].message
    assert "timed out" in access_lines(caplog)[0]["error"]


@pytest.mark.parametrize("client", SHIM_CLIENTS)
def test_shim_failures_name_host_and_cause(free_port_url: str, client: str) -> None:
    install(upstream=f"{free_port_url}/v1", retries=0)
    status, error = shim_call(client)
    assert status == 502
    assert message(error) == f"the upstream {free_port_url.removeprefix('http://')} could not be reached: connection refused"
