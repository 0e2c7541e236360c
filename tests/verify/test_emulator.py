"""The offline emulator on a real loopback server, through the real openai SDK and httpx."""

from __future__ import annotations

import base64
import json
import struct

import httpx
import pytest
from openai import APIStatusError, AuthenticationError, BadRequestError, OpenAI, RateLimitError

from ionos_migrate.compat.emulator import create_app
from ionos_migrate.compat.serving import serve_in_thread

AUTH = {"Authorization": "Bearer test-token"}
CHAT = {"model": "meta-llama/Llama-3.3-70B-Instruct", "messages": [{"role": "user", "content": "Say hi"}],
        "max_tokens": 40, "temperature": 0.2, "top_p": 0.9}


@pytest.fixture
def client(ionos_emulator: str) -> OpenAI:
    return OpenAI(base_url=ionos_emulator + "/v1", api_key="test-token", max_retries=0)


def post(url: str, path: str, body, headers=AUTH) -> httpx.Response:
    return httpx.post(url + path, json=body, headers=headers)


# --- through the openai SDK -------------------------------------------------


def test_chat_completion_parses_with_the_sdk(client: OpenAI) -> None:
    answer = client.chat.completions.create(**CHAT)
    assert answer.id.startswith("chatcmpl-emu-")
    assert answer.model == CHAT["model"]
    assert answer.choices[0].message.role == "assistant"
    assert answer.choices[0].message.content
    assert answer.usage.completion_tokens == len(answer.choices[0].message.content.split())


def test_streaming_reassembles_to_the_same_answer(client: OpenAI) -> None:
    whole = client.chat.completions.create(**CHAT)
    stream = client.chat.completions.create(**CHAT, stream=True, stream_options={"include_usage": True})
    pieces, finish, usage = [], None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    assert "".join(pieces) == whole.choices[0].message.content
    assert finish == whole.choices[0].finish_reason
    assert usage == whole.usage


def test_stream_ends_with_done(ionos_emulator: str) -> None:
    with httpx.stream("POST", ionos_emulator + "/v1/chat/completions", json={**CHAT, "stream": True}, headers=AUTH) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [line for line in r.iter_lines() if line]
    assert events[-1] == "data: [DONE]"
    assert all(line.startswith("data: ") for line in events)


def test_completions_embeddings_images_models(client: OpenAI) -> None:
    text = client.completions.create(model="m", prompt="Once upon", max_tokens=5)
    assert len(text.choices[0].text.split()) == 5 and text.choices[0].finish_reason == "length"

    vectors = client.embeddings.create(model="BAAI/bge-m3", input=["one", "two"])  # SDK asks for base64
    floats = client.embeddings.create(model="BAAI/bge-m3", input=["one", "two"], encoding_format="float")
    assert [d.embedding for d in vectors.data] == [d.embedding for d in floats.data]
    assert vectors.data[0].embedding != vectors.data[1].embedding
    assert abs(sum(x * x for x in floats.data[0].embedding) - 1) < 1e-5

    image = client.images.generate(model="black-forest-labs/FLUX.1-schnell", prompt="a cat", n=1,
                                   size="1024x1024", response_format="b64_json")
    png = base64.b64decode(image.data[0].b64_json)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"size=1024x1024" in png

    names = [model.id for model in client.models.list()]
    assert "meta-llama/Llama-3.3-70B-Instruct" in names
    assert client.models.retrieve("BAAI/bge-m3").id == "BAAI/bge-m3"


def test_sdk_sees_openai_style_errors(ionos_emulator: str, client: OpenAI) -> None:
    with pytest.raises(AuthenticationError):
        OpenAI(base_url=ionos_emulator + "/v1", api_key="t", max_retries=0,
               default_headers={"Authorization": "Basic abc"}).models.list()
    with pytest.raises(BadRequestError) as caught:
        client.chat.completions.create(model="m", messages=[])
    assert "messages" in str(caught.value)


# --- determinism ----------------------------------------------------------------


def test_same_request_same_answer_across_apps() -> None:
    answers = []
    for _ in range(2):
        with serve_in_thread(create_app()) as url:
            answers.append(post(url, "/v1/chat/completions", CHAT).json())
    assert answers[0] == answers[1]


def test_key_order_and_number_formatting_do_not_change_the_answer(ionos_emulator: str) -> None:
    reordered = {"top_p": 0.9, "temperature": 0.2, "max_tokens": 40.0, "messages": CHAT["messages"], "model": CHAT["model"]}
    assert post(ionos_emulator, "/v1/chat/completions", reordered).json() == \
        post(ionos_emulator, "/v1/chat/completions", CHAT).json()


@pytest.mark.parametrize("change", [
    {"model": "mistralai/Mistral-Nemo-Instruct-2407"},
    {"messages": [{"role": "user", "content": "Say hello"}]},
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi"}]},
    {"max_tokens": 41},
    {"temperature": 0.3},
    {"top_p": 0.8},
    {"top_k": 5},
])
def test_any_differing_field_changes_the_answer(ionos_emulator: str, change: dict) -> None:
    base = post(ionos_emulator, "/v1/chat/completions", CHAT).json()
    other = post(ionos_emulator, "/v1/chat/completions", {**CHAT, **change}).json()
    assert other["id"] != base["id"]
    assert other["choices"][0]["message"]["content"] != base["choices"][0]["message"]["content"]


def test_missing_max_tokens_means_the_spec_default_of_16(ionos_emulator: str) -> None:
    body = {k: v for k, v in CHAT.items() if k != "max_tokens"}
    answer = post(ionos_emulator, "/v1/chat/completions", body).json()
    assert answer["usage"]["completion_tokens"] == 16
    assert answer["choices"][0]["finish_reason"] == "length"


def test_image_size_spellings_are_one_request_and_size_matters(ionos_emulator: str) -> None:
    body = {"model": "black-forest-labs/FLUX.1-schnell", "prompt": "a cat", "n": 1, "response_format": "b64_json"}
    star = post(ionos_emulator, "/v1/images/generations", {**body, "size": "1024*1024"}).json()
    ex = post(ionos_emulator, "/v1/images/generations", {**body, "size": "1024x1024"}).json()
    small = post(ionos_emulator, "/v1/images/generations", {**body, "size": "512x512"}).json()
    assert star == ex
    assert small["data"][0]["b64_json"] != ex["data"][0]["b64_json"]
    bad = post(ionos_emulator, "/v1/images/generations", {**body, "size": "big"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "size"


def test_base64_embedding_is_little_endian_float32(ionos_emulator: str) -> None:
    body = {"model": "e", "input": "text"}
    as_floats = post(ionos_emulator, "/v1/embeddings", body).json()["data"][0]["embedding"]
    as_b64 = post(ionos_emulator, "/v1/embeddings", {**body, "encoding_format": "base64"}).json()["data"][0]["embedding"]
    raw = base64.b64decode(as_b64)
    assert list(struct.unpack(f"<{len(raw) // 4}f", raw)) == as_floats


# --- errors, legacy host, knobs, journal -------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}])
def test_token_required_openai_style(ionos_emulator: str, headers: dict) -> None:
    response = post(ionos_emulator, "/v1/chat/completions", CHAT, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


@pytest.mark.parametrize("body, param", [
    ({"messages": [{"role": "user", "content": "x"}]}, "model"),
    ({"model": "m", "messages": [{"role": "robot", "content": "x"}]}, "messages.0.role"),
    ({"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": "many"}, "max_tokens"),
    ([1, 2], None),
    ({**CHAT, "temperature": 2.5}, "temperature"),
    ({**CHAT, "top_p": -0.1}, "top_p"),
    ({**CHAT, "max_tokens": 0}, "max_tokens"),
])
def test_bad_bodies_get_openai_style_400(ionos_emulator: str, body, param) -> None:
    response = post(ionos_emulator, "/v1/chat/completions", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error.get("param") == param


def test_unparsable_body_is_400_and_journalled_raw(ionos_emulator: str, ionos_emulator_app) -> None:
    response = httpx.post(ionos_emulator + "/v1/chat/completions", content=b"{not json", headers=AUTH)
    assert response.status_code == 400 and "JSON" in response.json()["error"]["message"]
    entry = ionos_emulator_app.state.journal.entries()[-1]
    assert entry["raw_body"] == "{not json" and entry["body"] is None


@pytest.mark.parametrize("method, path", [("GET", "/models"), ("POST", "/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"),
                                          ("POST", "/models/meta-llama/Meta-Llama-3.1-8B-Instruct/predictions")])
def test_retired_legacy_endpoints_answer_404_legacy_style(ionos_emulator: str, method: str, path: str) -> None:
    response = httpx.request(method, ionos_emulator + path, json={"properties": {"input": "x"}}, headers=AUTH)
    assert response.status_code == 404
    body = response.json()
    assert body["httpStatus"] == 404 and "retired 2026-05-05" in body["messages"][0]["message"].replace("retired on", "retired")
    assert response.headers["x-trace-id"]


def test_collection_query_derived_documents_are_stable_and_ranked(ionos_emulator: str) -> None:
    first = post(ionos_emulator, "/collections/any-id/query", {"query": "tell me", "limit": 2}).json()
    again = post(ionos_emulator, "/collections/any-id/query", {"query": "tell me", "limit": 2}).json()
    other = post(ionos_emulator, "/collections/other-id/query", {"query": "tell me", "limit": 2}).json()
    assert first == again and len(first["properties"]["matches"]) == 2
    assert first != other
    text = base64.b64decode(first["properties"]["matches"][0]["document"]["properties"]["content"]).decode()
    assert "collection any-id" in text


def test_seeded_collection_ranks_by_overlap() -> None:
    app = create_app(collections={"kb": ["Paris is the capital of France.", {"id": "d2", "name": "b.txt", "text": "Berlin is in Germany."}]})
    with serve_in_thread(app) as url:
        response = post(url, "/collections/kb/query", {"query": "capital of France", "limit": 1}).json()
        unauthorised = post(url, "/collections/kb/query", {"query": "x", "limit": 1}, headers={})
        bad = post(url, "/collections/kb/query", {"limit": 1})
    match = response["properties"]["matches"][0]
    assert base64.b64decode(match["document"]["properties"]["content"]).decode() == "Paris is the capital of France."
    assert match["score"] > 0
    assert unauthorised.status_code == 401 and unauthorised.json()["messages"][0]["errorCode"] == "paas-auth-1"
    assert bad.status_code == 400 and bad.json()["httpStatus"] == 400


def test_forced_429_with_retry_after_then_recovers() -> None:
    app = create_app(force_429=1, retry_after=7)
    with serve_in_thread(app) as url:
        client = OpenAI(base_url=url + "/v1", api_key="t", max_retries=0)
        with pytest.raises(RateLimitError) as caught:
            client.chat.completions.create(**CHAT)
        assert caught.value.response.headers["retry-after"] == "7"
        assert client.chat.completions.create(**CHAT).choices


def test_error_rate_one_always_fails_zero_never() -> None:
    app = create_app(error_rate=1.0)
    with serve_in_thread(app) as url:
        client = OpenAI(base_url=url + "/v1", api_key="t", max_retries=0)
        with pytest.raises(APIStatusError) as caught:
            client.chat.completions.create(**CHAT)
        assert caught.value.status_code == 500
        app.state.settings.error_rate = 0
        assert client.chat.completions.create(**CHAT).choices


def test_fail_switch_answers_every_api_request_with_the_status(monkeypatch) -> None:
    monkeypatch.setenv("IONOS_MIGRATE_EMULATOR_FAIL", "401")
    app = create_app()
    with serve_in_thread(app) as url:
        client = OpenAI(base_url=url + "/v1", api_key="t", max_retries=0)
        for _ in range(2):
            with pytest.raises(AuthenticationError):
                client.chat.completions.create(**CHAT)
        with pytest.raises(AuthenticationError):
            client.models.list()
        query = post(url, "/collections/kb/query", {"query": "x", "limit": 1})  # the live legacy API keeps working
    assert query.status_code == 200
    assert [e["status"] for e in app.state.journal.entries()] == [401, 401, 401, 200]


def test_fail_switch_for_the_nth_request_only() -> None:
    app = create_app(fail="500@2")
    with serve_in_thread(app) as url:
        client = OpenAI(base_url=url + "/v1", api_key="t", max_retries=0)
        assert client.chat.completions.create(**CHAT).choices
        with pytest.raises(APIStatusError) as caught:
            client.chat.completions.create(**CHAT)
        assert caught.value.status_code == 500
        assert client.chat.completions.create(**CHAT).choices


@pytest.mark.parametrize("value", ["200", "oops", "401@x", "600", "500@-1"])
def test_fail_switch_rejects_what_is_not_an_error_status(value, monkeypatch) -> None:
    with pytest.raises(ValueError, match="error status"):
        create_app(fail=value)
    monkeypatch.setenv("IONOS_MIGRATE_EMULATOR_FAIL", value)
    with pytest.raises(ValueError, match="IONOS_MIGRATE_EMULATOR_FAIL"):
        create_app()


def test_journal_records_every_request_without_the_token(ionos_emulator: str, ionos_emulator_app) -> None:
    post(ionos_emulator, "/v1/chat/completions", CHAT)
    post(ionos_emulator, "/models/x/predictions", {"properties": {"input": "x"}})
    httpx.get(ionos_emulator + "/v1/models")
    entries = ionos_emulator_app.state.journal.entries()
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/v1/chat/completions", 200), ("POST", "/models/x/predictions", 404), ("GET", "/v1/models", 401)]
    assert entries[0]["body"] == CHAT
    assert "test-token" not in repr(entries)
    over_http = httpx.get(ionos_emulator + "/_emulator/journal").json()
    assert over_http == entries


def test_journal_limit_keeps_the_newest() -> None:
    app = create_app(journal_limit=2)
    with serve_in_thread(app) as url:
        for tokens in (1, 2, 3):
            post(url, "/v1/chat/completions", {**CHAT, "max_tokens": tokens})
    assert [e["body"]["max_tokens"] for e in app.state.journal.entries()] == [2, 3]


def test_recorder_passes_streams_through_and_records(ionos_emulator: str) -> None:
    from ionos_migrate.compat.recorder import create_recorder

    recorder = create_recorder(ionos_emulator + "/v1", ionos_emulator)
    with serve_in_thread(recorder) as url:
        with httpx.stream("POST", url + "/v1/chat/completions", json={**CHAT, "stream": True}, headers=AUTH) as r:
            events = [line for line in r.iter_lines() if line]
        direct = post(ionos_emulator, "/v1/chat/completions", CHAT).json()
        hits = post(url, "/collections/c1/query", {"query": "q", "limit": 1})
        retired = post(url, "/models", {})
    assert events[-1] == "data: [DONE]"
    streamed = "".join(json.loads(e[6:])["choices"][0]["delta"].get("content", "") for e in events[:-1])
    assert streamed == direct["choices"][0]["message"]["content"]
    assert hits.status_code == 200 and retired.status_code == 404 and retired.json()["httpStatus"] == 404
    assert [(e["path"], e["status"]) for e in recorder.state.journal.entries()] == [
        ("/v1/chat/completions", 200), ("/collections/c1/query", 200), ("/models", 404)]


def test_recorder_reports_an_unreachable_upstream() -> None:
    from ionos_migrate.compat.recorder import create_recorder

    recorder = create_recorder("http://127.0.0.1:9/v1", "http://127.0.0.1:9")
    with serve_in_thread(recorder) as url:
        response = post(url, "/v1/chat/completions", CHAT)
    assert response.status_code == 502 and "unreachable" in response.json()["error"]["message"]
    assert recorder.state.journal.entries()[0]["status"] == 502
