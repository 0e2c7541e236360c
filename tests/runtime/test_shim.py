"""The in-process shim, through every supported HTTP library, against real loopback servers."""

from __future__ import annotations

import asyncio
import base64
import json
import urllib.error
import urllib.request
from typing import Any, Callable

import aiohttp
import httpx
import httpx2
import pytest
import requests

from ionos_migrate.compat import install, shim, uninstall
from ionos_migrate.compat import shim as shim_module
from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.schemas import LegacyError, LegacyModelCollection, LegacyPredictionResponse

from .conftest import AUTH, IMAGE_MODEL, LEGACY, OPENAI, TEXT_MODEL, TOKEN


# --- one call, five libraries: (status, body bytes, headers) ------------------------


def call_requests(method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    with requests.Session() as session:
        r = session.request(method, url, json=body, headers=headers, timeout=10)
    return r.status_code, r.content, {k.lower(): v for k, v in r.headers.items()}


def call_httpx(method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    with httpx.Client() as client:
        r = client.request(method, url, json=body, headers=headers)
    return r.status_code, r.content, dict(r.headers)


def call_httpx2(method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    with httpx2.Client() as client:
        r = client.request(method, url, json=body, headers=headers)
    return r.status_code, r.content, dict(r.headers)


def call_httpx_async(method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    async def run() -> tuple[int, bytes, dict[str, str]]:
        async with httpx.AsyncClient() as client:
            r = await client.request(method, url, json=body, headers=headers)
        return r.status_code, r.content, dict(r.headers)

    return asyncio.run(run())


def call_httpx2_async(method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    async def run() -> tuple[int, bytes, dict[str, str]]:
        async with httpx2.AsyncClient() as client:
            r = await client.request(method, url, json=body, headers=headers)
        return r.status_code, r.content, dict(r.headers)

    return asyncio.run(run())


def call_aiohttp(method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    async def run() -> tuple[int, bytes, dict[str, str]]:
        async with aiohttp.ClientSession(headers=headers) as session:  # token as a session default
            async with session.request(method, url, json=body) as r:
                return r.status, await r.read(), {k.lower(): v for k, v in r.headers.items()}

    return asyncio.run(run())


def call_urllib(method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as error:  # 4xx/5xx raise, as they always did
        return error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}


CLIENTS: dict[str, Callable[..., tuple[int, bytes, dict[str, str]]]] = {
    "requests": call_requests,
    "httpx": call_httpx,
    "httpx-async": call_httpx_async,
    "httpx2": call_httpx2,
    "httpx2-async": call_httpx2_async,
    "aiohttp": call_aiohttp,
    "urllib": call_urllib,
}
all_clients = pytest.mark.parametrize("client", list(CLIENTS))


def direct_chat(emulator: str, messages: list[dict[str, str]], **fields: Any) -> str:
    """What the upstream itself answers to the equivalent OpenAI request."""
    r = httpx.post(f"{emulator}/v1/chat/completions", headers=AUTH,
                   json={"model": "meta-llama/Llama-3.3-70B-Instruct", "messages": messages, **fields})
    return r.json()["choices"][0]["message"]["content"]


# --- every kind of legacy request, every library -----------------------------------


@all_clients
def test_text_prediction_is_translated_and_answered_in_the_legacy_shape(client: str, emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1")
    body = {"type": "prediction", "properties": {"input": "Say hi", "options": {"max_length": "40", "temperature": "0.5"}}}
    status, raw, headers = CLIENTS[client]("POST", f"{LEGACY}/models/{TEXT_MODEL}/predictions", body, AUTH)
    assert status == 200, raw
    answer = LegacyPredictionResponse.model_validate_json(raw)
    assert answer.properties.input == "Say hi"
    assert answer.properties.options == {"max_length": "40", "temperature": "0.5"}
    assert answer.properties.output == direct_chat(emulator, [{"role": "user", "content": "Say hi"}],
                                                   max_tokens=40, temperature=0.5)
    sent = [e for e in emulator_app.state.journal.entries() if e["path"] == "/v1/chat/completions"][0]
    assert sent["body"]["max_tokens"] == 40 and sent["body"]["model"] == "meta-llama/Llama-3.3-70B-Instruct"
    assert "x-trace-id" in headers


@all_clients
def test_models_list_is_translated(client: str, emulator: str) -> None:
    install(upstream=f"{emulator}/v1")
    status, raw, _ = CLIENTS[client]("GET", f"{LEGACY}/models", None, AUTH)
    assert status == 200, raw
    collection = LegacyModelCollection.model_validate_json(raw)
    names = {item.properties.name for item in collection.items}
    upstream_names = {m["id"] for m in httpx.get(f"{emulator}/v1/models", headers=AUTH).json()["data"]}
    assert names == upstream_names
    by_name = {item.properties.name: item.id for item in collection.items}
    assert by_name["meta-llama/Llama-3.3-70B-Instruct"] == TEXT_MODEL  # the map's legacy id comes back


@all_clients
def test_rag_prediction_queries_the_collection_then_chats(client: str, emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1", legacy_upstream=emulator)
    body = {"properties": {"input": "Context: {{.context}} Question: {{.collection_query}}",
                           "collectionId": "coll-1", "collectionQuery": "tundra", "options": {"max_length": "30"}}}
    status, raw, _ = CLIENTS[client]("POST", f"{LEGACY}/models/{TEXT_MODEL}/predictions", body, AUTH)
    assert status == 200, raw
    answer = LegacyPredictionResponse.model_validate_json(raw)
    paths = [e["path"] for e in emulator_app.state.journal.entries()]
    assert paths == ["/collections/coll-1/query", "/v1/chat/completions"]
    query, chat = (e["body"] for e in emulator_app.state.journal.entries())
    assert query["query"] == "tundra"
    matches = httpx.post(f"{emulator}/collections/coll-1/query", headers=AUTH, json=query).json()["properties"]["matches"]
    context = "\n\n".join(base64.b64decode(m["document"]["properties"]["content"]).decode() for m in matches)
    assert chat["messages"] == [{"role": "user", "content": f"Context: {context} Question: tundra"}]
    assert answer.properties.output == direct_chat(emulator, chat["messages"], max_tokens=30)


@all_clients
def test_image_prediction_returns_base64_output(client: str, emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1")
    body = {"properties": {"input": "a red fox", "options": {"size": "256*256"}}}
    status, raw, _ = CLIENTS[client]("POST", f"{LEGACY}/models/{IMAGE_MODEL}/predictions", body, AUTH)
    assert status == 200, raw
    output = LegacyPredictionResponse.model_validate_json(raw).properties.output
    sent = emulator_app.state.journal.entries()[0]
    assert sent["path"] == "/v1/images/generations"
    assert sent["body"]["size"] == "256x256" and sent["body"]["response_format"] == "b64_json"
    direct = httpx.post(f"{emulator}/v1/images/generations", headers=AUTH, json=sent["body"]).json()
    assert output == direct["data"][0]["b64_json"]
    assert base64.b64decode(output)


@all_clients
def test_collections_pass_through_untouched_to_the_legacy_upstream(client: str, emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1", legacy_upstream=emulator)
    status, raw, _ = CLIENTS[client]("POST", f"{LEGACY}/collections/c9/query?x=1", {"query": "kelp", "limit": 2}, AUTH)
    assert status == 200, raw
    direct = httpx.post(f"{emulator}/collections/c9/query", headers=AUTH, json={"query": "kelp", "limit": 2})
    assert json.loads(raw) == direct.json()
    entry = emulator_app.state.journal.entries()[0]
    assert (entry["path"], entry["query"], entry["body"]) == ("/collections/c9/query", "x=1", {"query": "kelp", "limit": 2})


@all_clients
def test_bad_body_gets_a_legacy_400_naming_the_field(client: str, emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1")
    status, raw, headers = CLIENTS[client]("POST", f"{LEGACY}/models/{TEXT_MODEL}/predictions",
                                           {"properties": {"options": {}}}, AUTH)
    assert status == 400
    error = LegacyError.model_validate_json(raw)
    assert "properties.input" in error.messages[0].message
    assert "x-trace-id" in headers
    assert emulator_app.state.journal.entries() == []  # nothing was sent upstream


# --- routing only, and the OpenAI host ------------------------------------------------


@pytest.mark.parametrize("client", ["requests", "httpx", "aiohttp", "urllib"])
def test_translate_false_only_routes_so_a_leftover_legacy_call_reaches_the_legacy_upstream(
        client: str, emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1", legacy_upstream=emulator, translate=False)
    status, raw, _ = CLIENTS[client]("POST", f"{LEGACY}/models/{TEXT_MODEL}/predictions", {"properties": {"input": "x"}}, AUTH)
    assert status == 404  # the emulator, like the real host, says the endpoint is retired
    assert "retired" in LegacyError.model_validate_json(raw).messages[0].message
    assert emulator_app.state.journal.entries()[0]["path"] == f"/models/{TEXT_MODEL}/predictions"


def test_openai_sdk_calls_to_the_ionos_host_are_routed_to_a_non_default_upstream(emulator: str, emulator_app: Any) -> None:
    from openai import OpenAI

    install(upstream=f"{emulator}/v1", translate=False)
    client = OpenAI(api_key=TOKEN, base_url=OPENAI, max_retries=0)
    reply = client.chat.completions.create(model="meta-llama/Llama-3.3-70B-Instruct",
                                           messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content == direct_chat(emulator, [{"role": "user", "content": "hi"}])
    assert emulator_app.state.journal.entries()[0]["path"] == "/v1/chat/completions"


def test_other_hosts_are_untouched(emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1", legacy_upstream=emulator)
    r = requests.post(f"{emulator}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}, headers=AUTH)
    assert r.status_code == 404  # went straight to the emulator's retired endpoint, not translated


def test_configured_token_is_used_only_when_the_caller_sends_none(broken: str, behaviour: Any) -> None:
    behaviour.body = json.dumps({"object": "list", "data": []}).encode()
    install(upstream=f"{broken}/v1", token="configured-token")
    requests.get(f"{LEGACY}/models")
    requests.get(f"{LEGACY}/models", headers={"Authorization": "Bearer callers-own"})
    assert [hit["headers"]["authorization"] for hit in behaviour.seen] == ["Bearer configured-token", "Bearer callers-own"]


# --- failures through the shim ----------------------------------------------------------


def test_upstream_429_is_retried_within_bound_then_given_to_the_caller(broken: str, behaviour: Any) -> None:
    behaviour.status, behaviour.headers = 429, {"Retry-After": "0"}
    behaviour.body = b'{"error": {"message": "slow down", "type": "rate_limit_error"}}'
    install(upstream=f"{broken}/v1", retries=2)
    r = requests.post(f"{LEGACY}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}, headers=AUTH)
    assert r.status_code == 429
    assert LegacyError.model_validate(r.json()).messages[0].message == "slow down"
    assert r.headers["Retry-After"] == "0"
    assert behaviour.hits == 3


@all_clients
@pytest.mark.parametrize("collection_id", ["..", "a/b"])
def test_a_collection_id_that_would_move_the_rag_query_is_a_400(client: str, collection_id: str, emulator: str,
                                                                emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1", legacy_upstream=emulator)
    body = {"properties": {"input": "x", "collectionId": collection_id}}
    status, content, headers = CLIENTS[client]("POST", f"{LEGACY}/models/{TEXT_MODEL}/predictions", body, AUTH)
    assert status == 400 and headers["x-trace-id"]
    assert LegacyError.model_validate_json(content).messages[0].message.startswith("properties.collectionId: ")
    assert emulator_app.state.journal.entries() == []


def test_upstream_timeout_is_a_504_and_not_retried(broken: str, behaviour: Any) -> None:
    behaviour.delay = 0.6
    install(upstream=f"{broken}/v1", timeout=0.2)
    r = httpx.post(f"{LEGACY}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}, headers=AUTH)
    assert r.status_code == 504
    assert LegacyError.model_validate(r.json()).messages[0].errorCode == "paas-timeout-1"
    assert behaviour.hits == 1


# --- install / uninstall ------------------------------------------------------------------


def _patched_attributes() -> dict[str, Any]:
    return {
        "requests.Session.get_adapter": requests.Session.__dict__["get_adapter"],
        "httpx.Client._transport_for_url": httpx.Client.__dict__["_transport_for_url"],
        "httpx.AsyncClient._transport_for_url": httpx.AsyncClient.__dict__["_transport_for_url"],
        "httpx2.Client._transport_for_url": httpx2.Client.__dict__["_transport_for_url"],
        "aiohttp.ClientSession._request": aiohttp.ClientSession.__dict__["_request"],
        "urllib HTTPHandler.http_open": urllib.request.HTTPHandler.__dict__["http_open"],
        "urllib HTTPSHandler.https_open": urllib.request.HTTPSHandler.__dict__["https_open"],
    }


def test_uninstall_restores_every_patched_attribute_exactly(emulator: str) -> None:
    before = _patched_attributes()
    install(upstream=f"{emulator}/v1")
    during = _patched_attributes()
    assert all(during[name] is not before[name] for name in before)
    assert set(shim_module.patched_libraries()) == {"requests", "httpx", "httpx2", "aiohttp", "urllib.request"}
    install(upstream=f"{emulator}/v1", translate=False)  # reinstalling replaces, never stacks
    uninstall()
    assert _patched_attributes() == before
    assert not shim_module.installed()
    uninstall()  # twice is fine


def test_context_manager_installs_for_the_block(emulator: str) -> None:
    with shim(upstream=f"{emulator}/v1"):
        r = requests.get(f"{LEGACY}/models", headers=AUTH)
        assert r.status_code == 200
    assert not shim_module.installed()


def test_own_model_map_is_used(emulator: str, emulator_app: Any) -> None:
    mine = ModelMap.bundled()
    mine.update({"0b6c4a15-bb8d-4092-82b0-f357b77c59fd": "meta-llama/Meta-Llama-3.1-8B-Instruct"}, source="test")
    install(upstream=f"{emulator}/v1", model_map=mine)
    ok = requests.post(f"{LEGACY}/models/0b6c4a15-bb8d-4092-82b0-f357b77c59fd/predictions",
                       json={"properties": {"input": "x"}}, headers=AUTH)
    assert ok.status_code == 200
    assert emulator_app.state.journal.entries()[0]["body"]["model"] == "meta-llama/Meta-Llama-3.1-8B-Instruct"
    unknown = requests.post(f"{LEGACY}/models/2ba0c784-2e6a-4509-b3dd-cbd66cf0a75f/predictions",
                            json={"properties": {"input": "x"}}, headers=AUTH)
    assert unknown.status_code == 404  # an unmapped UUID is never guessed
    assert "unknown model id" in unknown.json()["messages"][0]["message"]


@pytest.mark.parametrize("client", ["requests", "aiohttp"])
def test_connection_reset_is_a_502_and_not_retried(client: str, resetting: Any) -> None:
    install(upstream=f"{resetting.url}/v1", retries=2)
    status, raw, _ = CLIENTS[client]("POST", f"{LEGACY}/models/{TEXT_MODEL}/predictions", {"properties": {"input": "x"}}, AUTH)
    assert status == 502
    assert LegacyError.model_validate_json(raw).messages[0].errorCode == "paas-upstream-1"
    assert resetting.hits == 1


def test_malformed_upstream_json_is_a_502(broken: str, behaviour: Any) -> None:
    behaviour.body = b"<html>oops</html>"
    install(upstream=f"{broken}/v1")
    r = requests.post(f"{LEGACY}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}, headers=AUTH)
    assert r.status_code == 502
    assert LegacyError.model_validate(r.json()).messages[0].errorCode == "paas-upstream-1"


@pytest.mark.parametrize("client", list(CLIENTS))
def test_configured_token_is_added_to_rerouted_requests_that_carry_none(client: str, broken: str, behaviour: Any) -> None:
    install(upstream=f"{broken}/v1", legacy_upstream=broken, token="configured-token")
    CLIENTS[client]("POST", f"{LEGACY}/collections/c/query", {"query": "q"}, {})
    CLIENTS[client]("POST", f"{LEGACY}/collections/c/query", {"query": "q"}, AUTH)
    assert [hit["headers"].get("authorization") for hit in behaviour.seen] == ["Bearer configured-token", f"Bearer {TOKEN}"]
    assert all(hit["headers"]["host"] == broken.removeprefix("http://") for hit in behaviour.seen)


def test_aiohttp_large_answer_reads_through_the_content_stream(broken: str, behaviour: Any) -> None:
    text = "z" * 500_000
    behaviour.body = json.dumps({"id": "1", "created": 0, "model": "m",
                                 "choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
    install(upstream=f"{broken}/v1")

    async def run() -> bytes:
        async with aiohttp.ClientSession(headers=AUTH) as session:
            async with session.post(f"{LEGACY}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}) as r:
                r.raise_for_status()
                return b"".join([chunk async for chunk in r.content.iter_chunked(65536)])

    assert LegacyPredictionResponse.model_validate_json(asyncio.run(run())).properties.output == text


def test_aiohttp_raise_for_status_raises_the_usual_error(broken: str, behaviour: Any) -> None:
    behaviour.status, behaviour.body = 401, b'{"error": {"message": "bad token"}}'
    install(upstream=f"{broken}/v1")

    async def run() -> int:
        async with aiohttp.ClientSession(headers=AUTH, raise_for_status=True) as session:
            try:
                await session.post(f"{LEGACY}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}})
            except aiohttp.ClientResponseError as error:
                return error.status
        return 0

    assert asyncio.run(run()) == 401


def test_percent_encoded_model_name_in_the_path_is_decoded(emulator: str, emulator_app: Any) -> None:
    install(upstream=f"{emulator}/v1")
    r = requests.post(f"{LEGACY}/models/meta-llama%2FMeta-Llama-3.1-8B-Instruct/predictions",
                      json={"properties": {"input": "x"}}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert emulator_app.state.journal.entries()[0]["body"]["model"] == "meta-llama/Meta-Llama-3.1-8B-Instruct"


# --- the same, mounted on one client, without patching anything ---------------------------


def test_requests_adapter_mounted_on_one_session(emulator: str, emulator_app: Any) -> None:
    with requests.Session() as session:
        session.mount(LEGACY, shim_module.requests_adapter(upstream=f"{emulator}/v1", legacy_upstream=emulator))
        r = session.post(f"{LEGACY}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}, headers=AUTH)
        c = session.post(f"{LEGACY}/collections/c/query", json={"query": "q"}, headers=AUTH)
    assert not shim_module.installed()
    assert r.status_code == 200 and LegacyPredictionResponse.model_validate(r.json())
    assert c.status_code == 200
    assert [e["path"] for e in emulator_app.state.journal.entries()] == ["/v1/chat/completions", "/collections/c/query"]


@pytest.mark.parametrize("library", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_httpx_transport_mounted_on_one_client(library: Any, emulator: str) -> None:
    transport = shim_module.httpx_transport(upstream=f"{emulator}/v1", library=library)
    with library.Client(mounts={LEGACY: transport}) as client:
        r = client.post(f"{LEGACY}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}, headers=AUTH)
    assert r.status_code == 200 and LegacyPredictionResponse.model_validate(r.json())

    async def run() -> int:
        mounted = shim_module.httpx_transport(upstream=f"{emulator}/v1", library=library, asynchronous=True)
        async with library.AsyncClient(mounts={LEGACY: mounted}) as client:
            return (await client.get(f"{LEGACY}/models", headers=AUTH)).status_code

    assert asyncio.run(run()) == 200


def test_upstream_cookies_are_not_kept_by_the_shim(broken: str, behaviour: Any) -> None:
    behaviour.body = json.dumps({"object": "list", "data": []}).encode()
    behaviour.headers = {"Set-Cookie": "session=caller-a; Path=/"}
    install(upstream=f"{broken}/v1")
    requests.get(f"{LEGACY}/models", headers=AUTH)
    call_httpx_async("GET", f"{LEGACY}/models", None, AUTH)
    call_httpx_async("GET", f"{LEGACY}/models", None, AUTH)
    requests.get(f"{LEGACY}/models", headers=AUTH)
    assert all("cookie" not in hit["headers"] for hit in behaviour.seen)


def test_async_calls_leave_no_unclosed_connection_behind(emulator: str) -> None:
    """Each event loop's upstream client is closed when asyncio.run ends the loop."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        import asyncio, gc, aiohttp, httpx
        from ionos_migrate.compat import install, uninstall
        install(upstream="{emulator}/v1", token="t")
        async def main():
            async with httpx.AsyncClient() as client:
                assert (await client.get("{LEGACY}/models")).status_code == 200
            async with aiohttp.ClientSession() as session:
                async with session.get("{LEGACY}/models") as r:
                    assert r.status == 200
        asyncio.run(main())
        asyncio.run(main())
        uninstall()
        gc.collect()
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-X", "dev", "-W", "always::ResourceWarning", "-c", code],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr
    assert "unclosed" not in result.stderr, result.stderr


@pytest.mark.parametrize("options", [{"upstream": "localhost:8000/v1"}, {"legacy_upstream": "ftp://files.example"},
                                     {"upstream": "http://"}], ids=["no-scheme", "ftp", "no-host"])
def test_an_upstream_that_is_not_an_http_url_is_refused(options: dict[str, str]) -> None:
    """A shim sending traffic to a URL no client can reach would turn every legacy call into a vague 502."""
    with pytest.raises(ValueError, match="is not an http"):
        install(**options)
    assert not shim_module.installed()
    with pytest.raises(ValueError, match="is not an http"):
        shim_module.requests_adapter(**options)


def test_request_bodies_of_every_kind_the_libraries_accept_are_read_as_bytes() -> None:
    import io

    assert shim_module.body_bytes(None) == b""
    for body in ("é-x", "é-x".encode(), bytearray("é-x".encode()), io.BytesIO("é-x".encode()), io.StringIO("é-x"),
                 iter(["é", b"-x"])):
        assert shim_module.body_bytes(body) == "é-x".encode(), body


def test_aiohttp_headers_given_as_pairs_are_kept_on_a_rerouted_request(broken: str, behaviour: Any) -> None:
    """aiohttp takes headers as any mapping or list of pairs; a reroute must take them as aiohttp does."""
    install(upstream=f"{broken}/v1", legacy_upstream=broken)

    async def run() -> int:
        async with aiohttp.ClientSession() as session:
            pairs = [("Authorization", f"Bearer {TOKEN}"), ("X-Tag", "a")]
            async with session.post(f"{LEGACY}/collections/c/query", json={"query": "q"}, headers=pairs) as r:
                return r.status

    assert asyncio.run(run()) == 200
    assert behaviour.seen[0]["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert behaviour.seen[0]["headers"]["x-tag"] == "a"


@pytest.mark.parametrize("client", ["requests", "httpx", "aiohttp", "urllib"])
def test_a_rerouted_request_honours_no_proxy_for_the_new_host(client: str, broken: str, behaviour: Any,
                                                              free_port_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment's proxy (here: nothing listens) applies to the legacy host, not to a loopback upstream in NO_PROXY."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, free_port_url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(urllib.request, "_opener", None)  # urlopen's opener reads the proxy variables when built
    install(upstream=f"{broken}/v1", legacy_upstream=broken)
    if client == "aiohttp":
        async def run() -> int:
            async with aiohttp.ClientSession(trust_env=True) as session:
                async with session.post(f"{LEGACY}/collections/c/query", json={"query": "q"}, headers=AUTH) as r:
                    return r.status

        status = asyncio.run(run())
    else:
        status = CLIENTS[client]("POST", f"{LEGACY}/collections/c/query", {"query": "q"}, AUTH)[0]
    assert status == 200
    assert behaviour.hits == 1


def test_aiohttp_params_extend_the_query_as_aiohttp_does(broken: str, behaviour: Any) -> None:
    install(upstream=f"{broken}/v1", legacy_upstream=broken)

    async def run() -> None:
        async with aiohttp.ClientSession(headers=AUTH) as session:
            async with session.post(f"{LEGACY}/collections/c/query?tag=a", params={"tag": "b"}, json={}) as r:
                assert r.status == 200
            async with session.post(f"{broken}/collections/c/query?tag=a", params={"tag": "b"}, json={}) as r:
                assert r.status == 200  # the same call, straight to the server: the reference

    asyncio.run(run())
    assert [hit["query"] for hit in behaviour.seen] == ["tag=a&tag=b", "tag=a&tag=b"]


@pytest.mark.parametrize("client", ["requests", "httpx", "aiohttp", "urllib"])
def test_a_rerouted_request_goes_through_the_environments_proxy(client: str, broken: str, behaviour: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``broken`` stands in for a corporate HTTP proxy: the upstream host itself cannot be reached without it."""
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, broken)
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(urllib.request, "_opener", None)  # urlopen's opener reads the proxy variables when built
    install(upstream=f"{broken}/v1", legacy_upstream="http://upstream.invalid")
    if client == "aiohttp":
        async def run() -> int:
            async with aiohttp.ClientSession(trust_env=True) as session:
                async with session.post(f"{LEGACY}/collections/c/query", json={"query": "q"}, headers=AUTH) as r:
                    return r.status

        status = asyncio.run(run())
    else:
        status = CLIENTS[client]("POST", f"{LEGACY}/collections/c/query", {"query": "q"}, AUTH)[0]
    assert status == 200
    assert [hit["path"] for hit in behaviour.seen] == ["/collections/c/query"]


@pytest.mark.filterwarnings("ignore:.*(BasicAuth|'auth' parameter) is deprecated:DeprecationWarning")  # legacy code uses it
def test_aiohttp_basic_auth_is_kept_and_no_token_is_added_on_a_reroute(broken: str, behaviour: Any) -> None:
    """aiohttp refuses an Authorization header beside ``auth=``; the caller's own credentials win anyway."""
    install(upstream=f"{broken}/v1", legacy_upstream=broken, token="configured-token")

    async def run() -> list[int]:
        statuses = []
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{LEGACY}/collections/c/query", json={}, auth=aiohttp.BasicAuth("u", "p")) as r:
                statuses.append(r.status)
        async with aiohttp.ClientSession(auth=aiohttp.BasicAuth("u", "p")) as session:
            async with session.post(f"{LEGACY}/collections/c/query", json={}) as r:
                statuses.append(r.status)
        return statuses

    assert asyncio.run(run()) == [200, 200]
    basic = "Basic " + base64.b64encode(b"u:p").decode()
    assert [hit["headers"]["authorization"] for hit in behaviour.seen] == [basic, basic]
