"""The legacy-API proxy on a real socket, against real (emulated or misbehaving) upstreams."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import socket
from typing import Any, Iterator

import httpx
import pytest

from ionos_migrate.compat.proxy import OVERHEAD_HEADER, create_app
from ionos_migrate.compat.schemas import LegacyError, LegacyModelCollection, LegacyPredictionResponse
from ionos_migrate.compat.serving import serve_in_thread

from .conftest import AUTH, IMAGE_MODEL, TEXT_MODEL, TOKEN

PREDICT = f"/models/{TEXT_MODEL}/predictions"
TEXT = {"properties": {"input": "hello", "options": {"max_length": "20"}}}


@contextlib.contextmanager
def proxy(upstream: str, collections: str | None = None, **options: Any) -> Iterator[httpx.Client]:
    app = create_app(upstream=f"{upstream}/v1", collections_upstream=collections or upstream, **options)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield client


def legacy_error(response: httpx.Response) -> LegacyError:
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-trace-id"]
    error = LegacyError.model_validate_json(response.content)
    assert error.httpStatus == response.status_code
    return error


@pytest.fixture
def via_emulator(emulator: str) -> Iterator[httpx.Client]:
    with proxy(emulator) as client:
        yield client


# --- every kind of legacy request ----------------------------------------------------


def test_text_prediction(via_emulator: httpx.Client, emulator: str, emulator_app: Any) -> None:
    r = via_emulator.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 200, r.text
    answer = LegacyPredictionResponse.model_validate_json(r.content)
    sent = emulator_app.state.journal.entries()[0]["body"]
    direct = httpx.post(f"{emulator}/v1/chat/completions", json=sent, headers=AUTH).json()
    assert answer.properties.output == direct["choices"][0]["message"]["content"]
    assert answer.properties.options == {"max_length": "20"}
    assert float(r.headers[OVERHEAD_HEADER]) >= 0
    assert r.headers["server-timing"].startswith("shim;dur=")


def test_model_name_in_the_path_is_used_as_it_is(via_emulator: httpx.Client, emulator_app: Any) -> None:
    r = via_emulator.post("/models/meta-llama/Meta-Llama-3.1-8B-Instruct/predictions", json=TEXT, headers=AUTH)
    assert r.status_code == 200, r.text
    assert emulator_app.state.journal.entries()[0]["body"]["model"] == "meta-llama/Meta-Llama-3.1-8B-Instruct"


def test_rag_prediction(via_emulator: httpx.Client, emulator_app: Any) -> None:
    body = {"properties": {"input": "What about kelp?", "collectionId": "c1"}}
    r = via_emulator.post(PREDICT, json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    LegacyPredictionResponse.model_validate_json(r.content)
    query, chat = emulator_app.state.journal.entries()
    assert query["path"] == "/collections/c1/query" and query["body"]["query"] == "What about kelp?"
    assert [m["role"] for m in chat["body"]["messages"]] == ["system", "user"]


def test_image_prediction(via_emulator: httpx.Client) -> None:
    r = via_emulator.post(f"/models/{IMAGE_MODEL}/predictions", json={"properties": {"input": "fox", "options": {"size": "64x64"}}},
                          headers=AUTH)
    assert r.status_code == 200, r.text
    assert base64.b64decode(LegacyPredictionResponse.model_validate_json(r.content).properties.output)


def test_models_list_hrefs_point_at_the_proxy(via_emulator: httpx.Client) -> None:
    r = via_emulator.get("/models", headers=AUTH)
    assert r.status_code == 200
    collection = LegacyModelCollection.model_validate_json(r.content)
    assert collection.href == str(via_emulator.base_url.join("/models"))
    assert any(item.id == TEXT_MODEL for item in collection.items)


def test_collections_are_forwarded_unchanged(via_emulator: httpx.Client, emulator: str, emulator_app: Any) -> None:
    r = via_emulator.post("/collections/c2/query?trace=1", json={"query": "q", "limit": 1}, headers=AUTH)
    assert r.status_code == 200
    assert r.json() == httpx.post(f"{emulator}/collections/c2/query", json={"query": "q", "limit": 1}, headers=AUTH).json()
    entry = emulator_app.state.journal.entries()[0]
    assert (entry["path"], entry["query"]) == ("/collections/c2/query", "trace=1")


def test_healthz_and_unknown_paths(via_emulator: httpx.Client) -> None:
    assert via_emulator.get("/healthz").json() == {"status": "ok"}
    assert legacy_error(via_emulator.get("/v1/chat/completions")).messages[0].errorCode == "paas-notfound-1"


# --- bad bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "field"), [
    (b"not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"properties": {}}', "properties.input"),
    (b'{"properties": {"input": 42}}', "properties.input"),
    (b'{"properties": {"input": "x", "options": {"max_length": "lots"}}}', "properties.options.max_length"),
    (b'{"properties": {"input": "x", "options": {"temperature": true}}}', "properties.options.temperature"),
    (b'{"properties": {"input": "x", "options": "none"}}', "properties.options"),
])
def test_bad_bodies_get_a_legacy_400_naming_the_field(via_emulator: httpx.Client, emulator_app: Any, body: bytes, field: str) -> None:
    r = via_emulator.post(PREDICT, content=body, headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 400
    assert field in legacy_error(r).messages[0].message
    assert emulator_app.state.journal.entries() == []


def test_body_over_the_limit_is_413(emulator: str) -> None:
    with proxy(emulator, max_body_bytes=100) as client:
        r = client.post(PREDICT, json={"properties": {"input": "x" * 200}}, headers=AUTH)
        assert r.status_code == 413
        assert legacy_error(r).messages[0].errorCode == "paas-validation-3"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            yield b'{"properties": {"input": "'
            yield b"y" * 200
            yield b'"}}'

        assert client.post(PREDICT, content=chunks(), headers=AUTH).status_code == 413


# --- upstream failures ------------------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [(401, "paas-auth-1"), (404, "paas-notfound-1"), (500, "paas-internal-1")])
def test_upstream_errors_keep_their_status_in_the_legacy_shape(broken: str, behaviour: Any, status: int, code: str) -> None:
    behaviour.status = status
    behaviour.body = json.dumps({"error": {"message": f"upstream says {status}", "type": "x"}}).encode()
    with proxy(broken) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == status
    error = legacy_error(r)
    assert (error.messages[0].errorCode, error.messages[0].message) == (code, f"upstream says {status}")
    assert behaviour.hits == 1  # not retried


def test_429_is_retried_up_to_the_bound_honouring_retry_after(broken: str, behaviour: Any) -> None:
    behaviour.status, behaviour.headers = 429, {"Retry-After": "0"}
    behaviour.body = b'{"error": {"message": "rate limited"}}'
    with proxy(broken, retries=3) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 429 and r.headers["retry-after"] == "0"
    assert legacy_error(r).messages[0].errorCode == "paas-ratelimit-1"
    assert behaviour.hits == 4


def test_a_long_retry_after_is_handed_to_the_caller_not_waited_out(broken: str, behaviour: Any) -> None:
    behaviour.status, behaviour.headers = 429, {"Retry-After": "120"}
    with proxy(broken) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 429 and r.headers["retry-after"] == "120"
    assert behaviour.hits == 1


def test_upstream_timeout_is_504_and_not_retried(broken: str, behaviour: Any) -> None:
    behaviour.delay = 0.6
    with proxy(broken, timeout=0.2) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 504
    assert legacy_error(r).messages[0].errorCode == "paas-timeout-1"
    assert behaviour.hits == 1


def test_connection_reset_is_502_and_not_retried(resetting: Any) -> None:
    with proxy(resetting.url, retries=2) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502
    assert legacy_error(r).messages[0].errorCode == "paas-upstream-1"
    assert resetting.hits == 1  # the request was delivered: a prediction is not sent twice


def test_connection_refused_is_retried_then_502(free_port_url: str) -> None:
    with proxy(free_port_url, retries=1) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502
    assert "could not be reached" in legacy_error(r).messages[0].message


@pytest.mark.parametrize("body", [b"this is not json", b'{"choices": []}', b'{"unexpected": true}'])
def test_malformed_upstream_answer_is_502(broken: str, behaviour: Any, body: bytes) -> None:
    behaviour.body = body
    with proxy(broken) as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 502
    assert legacy_error(r).messages[0].errorCode == "paas-upstream-1"


# --- tokens, hosts, logs -----------------------------------------------------------------------


def test_token_is_passed_on_and_never_logged(broken: str, behaviour: Any, caplog: pytest.LogCaptureFixture) -> None:
    behaviour.body = json.dumps({"object": "list", "data": [{"id": "m"}]}).encode()
    with caplog.at_level(logging.DEBUG), proxy(broken) as client:
        client.get(f"/models?api_key={TOKEN}", headers=AUTH)
        client.post(PREDICT, json=TEXT, headers=AUTH)
        client.post(f"/collections/c/query?token={TOKEN}", json={"query": "q"}, headers=AUTH)
    assert [hit["headers"]["authorization"] for hit in behaviour.seen] == [f"Bearer {TOKEN}"] * 3
    access = [r for r in caplog.records if r.name == "ionos_migrate.proxy.access"]
    assert len(access) == 3
    assert {"ts", "method", "path", "status", "upstream_status", "attempts", "upstream_ms", "own_ms",
            "trace_id"} <= set(json.loads(access[0].getMessage()))
    ours = [r for r in caplog.records if r.name.startswith(("ionos_migrate", "uvicorn", "aiohttp", "starlette"))]
    assert ours and all(TOKEN not in record.getMessage() for record in ours)


def test_configured_token_only_when_the_caller_sends_none(broken: str, behaviour: Any) -> None:
    behaviour.body = json.dumps({"object": "list", "data": []}).encode()
    with proxy(broken, token="configured") as client:
        client.get("/models")
        client.get("/models", headers=AUTH)
        client.get("/collections")
    assert [hit["headers"].get("authorization") for hit in behaviour.seen] == [
        "Bearer configured", f"Bearer {TOKEN}", "Bearer configured"]


def test_nothing_in_the_request_changes_the_upstream_host(broken: str, behaviour: Any, emulator: str) -> None:
    with proxy(emulator, collections=broken) as client:
        port = int(str(client.base_url).rsplit(":", 1)[1].rstrip("/"))
        client.get("/collections/a", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
        assert client.get("/collections/..%2F..%2Fmodels").status_code == 400
        assert client.get("/collections/%2e%2e/x").status_code == 400
        # An absolute URL as the request target (absolute-form): uvicorn's httptools parser keeps
        # only its path, so it goes to the configured upstream like any other path; its host is ignored.
        with socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(b"GET http://evil.example/collections/b HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := raw.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 ")
    assert [hit["path"] for hit in behaviour.seen] == ["/collections/a", "/collections/b"]
    assert all("evil" not in json.dumps(hit["headers"]) for hit in behaviour.seen)


def test_httpx_client_option_behaves_the_same(emulator: str) -> None:
    with proxy(emulator, client="httpx") as client:
        r = client.post(PREDICT, json=TEXT, headers=AUTH)
    assert r.status_code == 200
    LegacyPredictionResponse.model_validate_json(r.content)


def test_wrong_method_is_a_legacy_405(via_emulator: httpx.Client) -> None:
    assert legacy_error(via_emulator.get(PREDICT, headers=AUTH)).messages[0].errorCode == "paas-validation-2"
    assert legacy_error(via_emulator.delete("/models", headers=AUTH)).httpStatus == 405


@pytest.mark.parametrize("client_kind", ["aiohttp", "httpx"])
def test_upstream_cookies_never_reach_another_caller(broken: str, behaviour: Any, client_kind: str) -> None:
    behaviour.body = json.dumps({"object": "list", "data": []}).encode()
    behaviour.headers = {"Set-Cookie": "session=caller-a; Path=/"}
    with proxy(broken, client=client_kind) as client:
        client.get("/models", headers=AUTH)
        client.get("/models", headers={"Authorization": "Bearer caller-b"})
    assert "cookie" not in behaviour.seen[1]["headers"]
