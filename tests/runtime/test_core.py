"""The shared translate-and-call core: retry policy, drivers, and that bad input never escapes as an exception."""

from __future__ import annotations

import asyncio
import json
import time
from email.utils import formatdate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ionos_migrate.compat.legacy_service import (
    Answer,
    LegacyService,
    Outgoing,
    RetryPolicy,
    UpstreamFailure,
    parse_retry_after,
    retry_delay,
    run_async,
    run_sync,
)
from ionos_migrate.compat.schemas import LegacyError

from .conftest import TEXT_MODEL

POLICY = RetryPolicy(retries=2, backoff=0.01, max_retry_after=5)


def answer(status: int, **headers: str) -> Answer:
    return Answer(status, {k.replace("_", "-"): v for k, v in headers.items()}, b"{}")


def test_retry_only_where_safe() -> None:
    assert retry_delay(POLICY, 0, answer(429, retry_after="1"), None) == 1.0
    assert retry_delay(POLICY, 0, answer(503), None) == 0.01
    assert retry_delay(POLICY, 1, answer(503), None) == 0.02  # backoff doubles
    assert retry_delay(POLICY, 0, None, UpstreamFailure("connect")) == 0.01
    for not_safe in (answer(500), answer(502), answer(400), answer(200)):
        assert retry_delay(POLICY, 0, not_safe, None) is None
    assert retry_delay(POLICY, 0, None, UpstreamFailure("timeout")) is None  # may have been delivered
    assert retry_delay(POLICY, 0, None, UpstreamFailure("protocol")) is None
    assert retry_delay(POLICY, 2, answer(429, retry_after="0"), None) is None  # the bound
    assert retry_delay(POLICY, 0, answer(429, retry_after="60"), None) is None  # too long: the caller decides


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = parse_retry_after(formatdate(time.time() + 30, usegmt=True))
    assert later is not None and 25 < later <= 30
    assert parse_retry_after(formatdate(time.time() - 30, usegmt=True)) == 0.0


def test_retry_after_zero_negative_past_or_unreadable_waits_the_backoff() -> None:
    past = formatdate(time.time() - 30, usegmt=True)
    for value in ("0", "-5", past, "nan", "soon"):
        assert retry_delay(POLICY, 0, answer(429, retry_after=value), None) == 0.01, value
        assert retry_delay(POLICY, 1, answer(503, retry_after=value), None) == 0.02, value
    assert retry_delay(POLICY, 0, answer(429, retry_after="inf"), None) is None  # never waited out


def models_answer() -> Answer:
    return Answer(200, {}, json.dumps({"object": "list", "data": [{"id": "m"}]}).encode())


def test_sync_and_async_drivers_agree_and_stop_at_the_bound() -> None:
    service = LegacyService(retry=POLICY)
    calls: list[Outgoing] = []

    def send(outgoing: Outgoing) -> Answer:
        calls.append(outgoing)
        return Answer(429, {"retry-after": "0"}, b'{"error": {"message": "busy"}}')

    async def asend(outgoing: Outgoing) -> Answer:
        return send(outgoing)

    sync = run_sync(service.models({}), send, POLICY)
    asynchronous = asyncio.run(run_async(service.models({}), asend, POLICY))
    assert (sync.answer.status, sync.attempts) == (asynchronous.answer.status, asynchronous.attempts) == (429, 3)
    assert sync.answer.body == asynchronous.answer.body
    assert len(calls) == 6


def test_failure_kinds_map_to_legacy_statuses() -> None:
    service = LegacyService(retry=POLICY)
    for kind, status in (("timeout", 504), ("connect", 502), ("protocol", 502)):
        def fail(outgoing: Outgoing, kind: str = kind) -> Answer:
            raise UpstreamFailure(kind)  # type: ignore[arg-type]

        result = run_sync(service.predictions(TEXT_MODEL, {}, b'{"properties": {"input": "x"}}'), fail, POLICY)
        assert result.answer.status == status
        assert result.attempts == (3 if kind == "connect" else 1)
        LegacyError.model_validate_json(result.answer.body)


def test_upstream_urls_come_from_configuration_only() -> None:
    service = LegacyService(upstream="http://up.example/v1/", legacy_upstream="http://legacy.example")
    seen: list[str] = []

    def send(outgoing: Outgoing) -> Answer:
        seen.append(outgoing.url)
        if "collections" in outgoing.url:
            return Answer(200, {}, b'{"properties": {"matches": []}}')
        return Answer(200, {}, b'{"id": "1", "created": 0, "model": "m", "choices": [{"message": {"role": "assistant", "content": "ok"}}]}')

    body = b'{"properties": {"input": "x", "collectionId": "c 1?x=#y"}}'
    run_sync(service.predictions("http://evil.example/x", {}, body), send, POLICY)
    assert seen == ["http://legacy.example/collections/c%201%3Fx%3D%23y/query", "http://up.example/v1/chat/completions"]


@pytest.mark.parametrize("collection_id", ["..", ".", "../../evil", "a/b", "a\\b", "%2e%2e", "%2F", "x\n"])
def test_collection_ids_that_would_move_the_query_are_a_400(collection_id: str) -> None:
    service = LegacyService(legacy_upstream="http://legacy.example")
    seen: list[str] = []

    def send(outgoing: Outgoing) -> Answer:
        seen.append(outgoing.url)
        return Answer(200, {}, b"{}")

    body = json.dumps({"properties": {"input": "x", "collectionId": collection_id}}).encode()
    result = run_sync(service.predictions(TEXT_MODEL, {}, body), send, POLICY)
    assert result.answer.status == 400 and seen == []
    assert LegacyError.model_validate_json(result.answer.body).messages[0].message.startswith("properties.collectionId: ")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                              lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
                              max_leaves=10).map(lambda value: json.dumps({"properties": value}).encode())))
def test_any_body_gives_an_answer_never_an_exception(body: bytes) -> None:
    service = LegacyService(retry=POLICY)

    def send(outgoing: Outgoing) -> Answer:
        return Answer(200, {}, b'{"id": "1", "created": 0, "model": "m", "choices": [{"message": {"role": "assistant", "content": "ok"}}]}')

    result = run_sync(service.predictions(TEXT_MODEL, {}, body), send, POLICY)
    assert result.answer.status in (200, 400, 502)
    if result.answer.status != 200:
        LegacyError.model_validate_json(result.answer.body)


def test_a_bug_in_a_step_still_gives_a_legacy_500(caplog: object) -> None:
    def broken_exchange():  # type: ignore[no-untyped-def]
        yield Outgoing("GET", "http://up/x", {})
        raise RuntimeError("boom")

    result = run_sync(broken_exchange(), lambda outgoing: Answer(200, {}, b"{}"), POLICY)
    assert result.answer.status == 500
    LegacyError.model_validate_json(result.answer.body)


def test_env_proxy_honours_no_proxy(monkeypatch: object) -> None:
    from ionos_migrate.compat.upstream import env_proxy

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")  # type: ignore[attr-defined]
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")  # type: ignore[attr-defined]
    assert env_proxy("https", "openai.inference.de-txl.ionos.com") == "http://proxy.corp:3128"
    assert env_proxy("http", "127.0.0.1:8080") is None
    assert env_proxy("https", "127.0.0.1:8443") is None


def test_options_that_collide_with_the_translation_are_a_400_naming_them() -> None:
    service = LegacyService(retry=POLICY)
    for option in ("model", "messages", "stream"):
        body = json.dumps({"properties": {"input": "x", "options": {option: "true"}}}).encode()
        result = run_sync(service.predictions(TEXT_MODEL, {}, body), lambda outgoing: Answer(500, {}, b""), POLICY)
        assert result.answer.status == 400
        assert LegacyError.model_validate_json(result.answer.body).messages[0].message.startswith(f"properties.options.{option}:")


def test_the_configured_token_is_not_in_any_repr() -> None:
    """A repr reaches logs and tracebacks (rich and pytest show locals); a bearer token must not."""
    from ionos_migrate.compat.shim import make_router

    secret = "tok-SECRET-in-config"
    router = make_router(token=secret)
    outgoing = router.service.models({}).send(None)  # the first upstream call, with the configured token
    assert outgoing.headers["authorization"] == f"Bearer {secret}"
    for holder in (LegacyService(token=secret), router.config, router.service, outgoing):
        assert secret not in repr(holder), type(holder).__name__
