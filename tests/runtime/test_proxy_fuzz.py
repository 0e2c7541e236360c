"""Generated legacy requests through the real proxy on loopback (issue 12): at least 1,000 per run.

For every request: no 5xx that the proxy made itself; every answer the proxy made is a legacy error
(or a legacy success) with an x-trace-id; nothing reaches the upstream outside the configured paths.
Deterministic (derandomize), so CI sees the same requests each run.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ionos_migrate.compat.emulator import create_app as create_emulator
from ionos_migrate.compat.proxy import create_app
from ionos_migrate.compat.schemas import LegacyError
from ionos_migrate.compat.serving import serve_in_thread

from .conftest import IMAGE_MODEL, TEXT_MODEL

EXAMPLES = 1000
UPSTREAM_TRANSLATED = re.compile(r"^/v1/(models|chat/completions|images/generations)$|^/collections/[^/]+/query$")

# --- what a legacy client (or a hostile one) sends ------------------------------------------

odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", ".", "..", "../x", "%2e%2e", "%2F", "a/b", "a\\b", "\ud800", "x\udfff", "\r\n", "\x00",
                     "{{.context}}", "{{.collection_query}}", "é", "😀"]),
)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), odd_text)
options = st.dictionaries(st.sampled_from(["max_length", "temperature", "top_p", "top_k", "size", "stream", "model",
                                           "messages", "repetition_penalty", "stop"]) | st.text(max_size=8),
                          scalar, max_size=4)
properties = st.fixed_dictionaries(
    {"input": st.one_of(odd_text, scalar)},
    optional={"options": st.one_of(options, scalar), "collectionId": st.one_of(odd_text, scalar),
              "collectionQuery": st.one_of(odd_text, scalar)})
legacy_body = st.fixed_dictionaries({"properties": properties}, optional={"type": st.sampled_from(["prediction", "x"])})
valid_body = st.fixed_dictionaries(
    {"properties": st.fixed_dictionaries(
        {"input": st.text(max_size=40)},
        optional={"options": st.fixed_dictionaries({}, optional={
            "max_length": st.integers(1, 500) | st.integers(1, 500).map(str),
            "temperature": st.floats(0, 2).map(lambda v: str(round(v, 2))), "top_p": st.floats(0, 1),
            "top_k": st.integers(1, 50), "size": st.sampled_from(["256x256", "1024*1024"])}),
            "collectionId": st.sampled_from(["c1", "kb-2", TEXT_MODEL]),
            "collectionQuery": st.text(max_size=20)})},
    optional={"type": st.just("prediction")}).map(lambda value: json.dumps(value).encode())
body = st.one_of(
    legacy_body.map(lambda value: json.dumps(value).encode()),  # json.dumps writes NaN and \ud800 escapes as they come
    st.binary(max_size=64),
    st.integers(1, 400).map(lambda depth: b'{"properties": {"input": "x", "options": {"k": ' + b"[" * depth
                            + b"]" * depth + b"}}}"),
    st.just(b""),
)
model_id = st.one_of(
    st.sampled_from([TEXT_MODEL, IMAGE_MODEL, "00000000-0000-4000-8000-000000000000",
                     "meta-llama/Meta-Llama-3.1-8B-Instruct", "", "..", "%2e%2e", "%0D%0A", "a%00b", "%ZZ"]),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="?#%"), max_size=20),
)
path = st.one_of(
    model_id.map(lambda mid: f"/models/{mid}/predictions"),
    st.sampled_from(["/models", "/models/", "/collections", "/collections/c1/query", "/collections/%2E%2E/x",
                     "/collections/../models", "/healthz", "/readyz", "/metrics", "/", "/v1/chat/completions",
                     "/x%0d%0ay", "/models/predictions"]),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="?#"), max_size=30)
    .map(lambda tail: "/" + tail),
)
method = st.one_of(st.sampled_from(["POST"] * 6 + ["GET"] * 3 + ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
                   st.sampled_from(["TRACE", "PROPFIND", "MKCOL", "PURGE"]))  # uvicorn's parser refuses unknown ones
query = st.sampled_from(["", "", "?a=1", "?api_key=secret", "?x=%0d%0a"])
auth = st.sampled_from([True, True, True, False])
# Mostly what legacy clients send: POST predictions, to models that exist, with legacy-looking bodies.
predictions = st.fixed_dictionaries({
    "method": st.just("POST"),
    "path": st.one_of(st.sampled_from([TEXT_MODEL, IMAGE_MODEL, "meta-llama/Meta-Llama-3.1-8B-Instruct"]), model_id)
    .map(lambda mid: f"/models/{mid}/predictions"),
    "body": st.one_of(valid_body, legacy_body.map(lambda value: json.dumps(value).encode()), body),
    "query": query, "auth": auth,
})
anything = st.fixed_dictionaries({"method": method, "path": path, "body": body, "query": query, "auth": auth})
request = st.one_of(predictions, predictions, anything)


@pytest.fixture
def fuzz_setup() -> Iterator[tuple[str, Any]]:
    emulator = create_emulator()  # its own journal: the whole run's upstream traffic
    with serve_in_thread(emulator) as upstream, serve_in_thread(
            create_app(upstream=f"{upstream}/v1", collections_upstream=upstream, retries=0)) as proxy_url:
        yield proxy_url, emulator


def test_generated_requests_through_the_proxy(fuzz_setup: tuple[str, Any]) -> None:
    proxy_url, emulator = fuzz_setup
    journal = emulator.state.journal
    sent: list[int] = []

    with httpx.Client(base_url=proxy_url, timeout=30) as client:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
        @given(request)
        def one(req: dict[str, Any]) -> None:
            before = len(journal)
            headers = {"content-type": "application/json"}
            if req["auth"]:
                headers["authorization"] = "Bearer fuzz-token"
            r = client.request(req["method"], req["path"] + req["query"], content=req["body"] or None, headers=headers)
            sent.append(r.status_code)
            upstream = journal.entries()[before:]
            assert r.headers.get("x-trace-id"), (req, r.status_code)
            passthrough = r.request.url.path.startswith("/collections")
            for entry in upstream:  # nothing outside the configured upstream paths
                if passthrough:
                    assert entry["path"].startswith("/collections") and ".." not in entry["path"].split("/"), (req, entry)
                else:
                    assert UPSTREAM_TRANSLATED.match(entry["path"]), (req, entry)
            if passthrough and _upstream_ms(r) > 0:  # the legacy host's own answer, passed on as it came
                assert not upstream or r.status_code == upstream[-1]["status"]
                return
            upstream_5xx = {entry["status"] for entry in upstream if entry["status"] >= 500}
            assert r.status_code < 500 or r.status_code in upstream_5xx, (req, r.status_code, r.text)
            if r.status_code >= 400 and req["method"] != "HEAD":
                assert r.headers["content-type"] == "application/json", (req, r.text)
                assert LegacyError.model_validate_json(r.content).httpStatus == r.status_code

        one()
    assert len(sent) >= EXAMPLES
    assert {200, 400, 404, 405} <= set(sent)  # the generator reaches answers of every kind


def _upstream_ms(response: httpx.Response) -> float:
    """From ``Server-Timing: shim;dur=..., upstream;dur=...``: 0 when the proxy answered without the upstream."""
    return float(response.headers["server-timing"].rsplit("upstream;dur=", 1)[1])
