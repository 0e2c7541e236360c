"""Experiment(replay=True) against an upstream on loopback that answers every call with fresh random text.

The control is the legacy call kept alive by the in-process shim (or already
migrated code); the candidate is what `ionos-migrate apply` makes of it. The
upstream counts its hits: the candidate must never add one.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import json
import os
import random
import string
import threading
import urllib.request
from collections import Counter
from typing import Any, Callable, Iterator

import aiohttp
import httpx
import pytest
import requests
from openai import AsyncOpenAI, OpenAI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ionos_migrate.compat import Experiment, install, uninstall
from ionos_migrate.compat.experiment import ExperimentResult
from ionos_migrate.compat.replay import show
from ionos_migrate.compat.serving import serve_in_thread

LEGACY = "https://inference.de-txl.ionos.com"
OPENAI = "https://openai.inference.de-txl.ionos.com/v1"
TOKEN = "tok-SECRET-replay-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT_MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # bundled: meta-llama/Llama-3.3-70B-Instruct
TEXT_NAME = "meta-llama/Llama-3.3-70B-Instruct"
IMAGE_MODEL = "6cbc28c9-217d-421c-85fb-754d79c61423"  # bundled: FLUX.1-schnell
IMAGE_NAME = "black-forest-labs/FLUX.1-schnell"
COLLECTION = "7a3c7c2e-1111-4444-8888-123456789abc"
QUESTION = "What is the capital of Germany?"


# --- an upstream that never answers the same way twice -------------------------------------


def _words(n: int) -> str:
    return " ".join("".join(random.choices(string.ascii_lowercase, k=random.randint(3, 9))) for _ in range(n))


def random_upstream(hits: Counter) -> Starlette:
    async def chat(request: Request) -> JSONResponse:
        body = await request.json()
        hits["POST /v1/chat/completions"] += 1
        return JSONResponse({"id": f"chatcmpl-{random.getrandbits(64):x}", "object": "chat.completion",
                             "created": random.randint(1, 2**31), "model": body.get("model"),
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": _words(12)}}],
                             "usage": {"prompt_tokens": 5, "completion_tokens": 12, "total_tokens": 17}})

    async def images(request: Request) -> JSONResponse:
        hits["POST /v1/images/generations"] += 1
        return JSONResponse({"created": random.randint(1, 2**31),
                             "data": [{"b64_json": base64.b64encode(random.randbytes(64)).decode()}]})

    async def models(request: Request) -> JSONResponse:
        hits["GET /v1/models"] += 1
        return JSONResponse({"object": "list", "data": [{"id": TEXT_NAME, "object": "model", "created": 1,
                                                         "owned_by": "ionos"}]})

    async def query(request: Request) -> JSONResponse:
        hits["POST /collections/query"] += 1
        matches = [{"score": random.random(), "document": {"id": f"doc-{i}", "properties": {
            "name": f"doc-{i}", "content": base64.b64encode(_words(8).encode()).decode()}}} for i in range(2)]
        return JSONResponse({"properties": {"matches": matches}})

    return Starlette(routes=[
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/v1/images/generations", images, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/collections/{collection_id}/query", query, methods=["POST"]),
    ])


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Counter]]:
    hits: Counter = Counter()
    with serve_in_thread(random_upstream(hits)) as url:
        yield url, hits


@pytest.fixture
def hits(upstream: tuple[str, Counter]) -> Iterator[Counter]:
    """The shim routes both hosts to the random upstream; the counter starts at zero."""
    url, counter = upstream
    counter.clear()
    install(upstream=f"{url}/v1", legacy_upstream=url)
    try:
        yield counter
    finally:
        uninstall()


class ListPublisher:
    def __init__(self) -> None:
        self.results: list[ExperimentResult] = []
        self._lock = threading.Lock()

    def publish(self, result: ExperimentResult) -> None:
        with self._lock:
            self.results.append(result)


def replayed(control: Any = None, candidate: Any = None, **options: Any) -> tuple[Experiment, ListPublisher]:
    publisher = ListPublisher()
    experiment = Experiment("ask", replay=True, publisher=publisher, **options)
    if control is not None:
        experiment.control(control)
    if candidate is not None:
        experiment.candidate(candidate)
    return experiment, publisher


def run_many(experiment: Experiment, runs: int) -> list[Any]:
    answers = [experiment.run() for _ in range(runs)]
    assert experiment.join(timeout=30)
    return answers


# --- the code paths: legacy (through the shim) and migrated, in each library ---------------

LEGACY_BODY = {"properties": {"input": QUESTION, "options": {"max_length": "120", "temperature": "0.7"}}}
CHAT_BODY = {"model": TEXT_NAME, "messages": [{"role": "user", "content": QUESTION}], "max_tokens": 120,
             "temperature": 0.7}
PREDICTIONS = f"{LEGACY}/models/{TEXT_MODEL}/predictions"


def legacy_requests() -> str:
    r = requests.post(PREDICTIONS, json=LEGACY_BODY, headers=AUTH, timeout=10)
    r.raise_for_status()
    return r.json()["properties"]["output"]


def legacy_urllib() -> str:
    request = urllib.request.Request(PREDICTIONS, data=json.dumps(LEGACY_BODY).encode(),
                                     headers={**AUTH, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["properties"]["output"]


def migrated_requests(body: dict = CHAT_BODY) -> str:
    r = requests.post(f"{OPENAI}/chat/completions", json=body, headers=AUTH, timeout=10)
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]


def migrated_httpx() -> str:
    with httpx.Client(timeout=10) as client:
        r = client.post(f"{OPENAI}/chat/completions", json=CHAT_BODY, headers=AUTH)
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]


def migrated_urllib() -> str:
    request = urllib.request.Request(f"{OPENAI}/chat/completions", data=json.dumps(CHAT_BODY).encode(),
                                     headers={**AUTH, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["choices"][0]["message"]["content"]


def migrated_openai(client: OpenAI, max_tokens: int = 120) -> str:
    answer = client.chat.completions.create(model=TEXT_NAME, messages=[{"role": "user", "content": QUESTION}],
                                            max_tokens=max_tokens, temperature=0.7)
    return answer.choices[0].message.content


async def legacy_httpx_async() -> str:
    async with httpx.AsyncClient(timeout=10) as client:
        r = await client.post(PREDICTIONS, json=LEGACY_BODY, headers=AUTH)
        r.raise_for_status()
        return r.json()["properties"]["output"]


async def legacy_aiohttp() -> str:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        async with session.post(PREDICTIONS, json=LEGACY_BODY) as r:
            r.raise_for_status()
            return (await r.json())["properties"]["output"]


async def migrated_httpx_async(body: dict = CHAT_BODY) -> str:
    async with httpx.AsyncClient(timeout=10) as client:
        r = await client.post(f"{OPENAI}/chat/completions", json=body, headers=AUTH)
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]


async def migrated_aiohttp() -> str:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        async with session.post(f"{OPENAI}/chat/completions", json=CHAT_BODY, raise_for_status=True) as r:
            return (await r.json())["choices"][0]["message"]["content"]


def openai_client() -> OpenAI:
    return OpenAI(base_url=OPENAI, api_key=TOKEN, max_retries=0)


def migrated_async_openai(max_tokens: int = 120) -> Callable[[], Any]:
    """A candidate using one AsyncOpenAI client (made in the running loop, as the migrated module would)."""
    client = AsyncOpenAI(base_url=OPENAI, api_key=TOKEN, max_retries=0)

    async def ask() -> str:
        answer = await client.chat.completions.create(model=TEXT_NAME, messages=CHAT_BODY["messages"],
                                                      max_tokens=max_tokens, temperature=0.7)
        return answer.choices[0].message.content

    return ask


def arun_many(control: Callable[[], Any], make_candidate: Callable[[], Callable[[], Any]],
              runs: int) -> tuple[Experiment, ListPublisher]:
    """``runs`` awaited arun() calls in one event loop, then every background candidate finished."""
    async def main() -> tuple[Experiment, ListPublisher]:
        exp, published = replayed(control, make_candidate())
        for _ in range(runs):
            await exp.arun()
        await exp.ajoin()
        return exp, published

    return asyncio.run(main())


# --- a correct migration: no noise, no second bill ---------------------------------------------


def test_correct_migration_100_runs_no_mismatch_one_upstream_call_each(hits: Counter) -> None:
    exp, published = replayed(legacy_requests, migrated_requests)
    answers = run_many(exp, 100)
    assert len(set(answers)) == 100  # the upstream really answers each call differently
    assert published.results == []
    assert (exp.stats.sampled, exp.stats.matches, exp.stats.mismatches) == (100, 100, 0)
    assert hits == Counter({"POST /v1/chat/completions": 100})  # the candidate never reached it


def test_openai_sdk_candidate_100_runs(hits: Counter) -> None:
    client = openai_client()  # made once, as the migrated module does
    exp, published = replayed(legacy_requests, lambda: migrated_openai(client))
    run_many(exp, 100)
    assert [r.differences for r in published.results] == [] and exp.stats.matches == 100
    assert hits == Counter({"POST /v1/chat/completions": 100})


def test_async_100_runs(hits: Counter) -> None:
    exp, published = arun_many(legacy_httpx_async, lambda: migrated_httpx_async, 100)
    assert published.results == [] and (exp.stats.matches, exp.stats.mismatches) == (100, 0)
    assert hits == Counter({"POST /v1/chat/completions": 100})


# Each library on both sides: recorded where the control's request went on the wire, replayed where the
# candidate's would have.
SYNC_PAIRS = {
    "legacy requests -> httpx": (legacy_requests, migrated_httpx),
    "legacy urllib -> urllib": (legacy_urllib, migrated_urllib),
    "migrated requests -> openai sdk": (migrated_requests, lambda: migrated_openai(openai_client())),
    "migrated urllib -> requests": (migrated_urllib, migrated_requests),
    "migrated httpx -> urllib": (migrated_httpx, migrated_urllib),
}


@pytest.mark.parametrize("pair", list(SYNC_PAIRS))
def test_every_sync_library_is_recorded_and_replayed(hits: Counter, pair: str) -> None:
    control, candidate = SYNC_PAIRS[pair]
    exp, published = replayed(control, candidate)
    run_many(exp, 10)
    assert [r.differences for r in published.results] == [] and exp.stats.matches == 10
    assert hits == Counter({"POST /v1/chat/completions": 10})


ASYNC_PAIRS = {
    "legacy aiohttp -> aiohttp": (legacy_aiohttp, lambda: migrated_aiohttp),
    "migrated aiohttp -> async openai sdk": (migrated_aiohttp, migrated_async_openai),
    "migrated httpx async -> aiohttp": (migrated_httpx_async, lambda: migrated_aiohttp),
}


@pytest.mark.parametrize("pair", list(ASYNC_PAIRS))
def test_every_async_library_is_recorded_and_replayed(hits: Counter, pair: str) -> None:
    control, make_candidate = ASYNC_PAIRS[pair]
    exp, published = arun_many(control, make_candidate, 10)
    assert [r.differences for r in published.results] == [] and exp.stats.matches == 10
    assert hits == Counter({"POST /v1/chat/completions": 10})


# --- broken migrations: flagged on every run, the field named ------------------------------------

BROKEN = {
    "option changed": (lambda: migrated_requests({**CHAT_BODY, "max_tokens": 12}),
                       "request 1 body.max_tokens: 120 != 12"),
    "user message dropped": (lambda: migrated_requests({**CHAT_BODY, "messages": []}),
                             f"request 1 body.messages.0.content: {QUESTION!r} != <absent>"),
    "wrong answer field read": (
        lambda: requests.post(f"{OPENAI}/chat/completions", json=CHAT_BODY, headers=AUTH).json().get("output"),
        "!= None"),
    "extra request": (lambda: (requests.get(f"{OPENAI}/models", headers=AUTH), migrated_requests())[1],
                      "extra request GET /v1/models"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_migration_is_flagged_every_run_with_the_field_named(hits: Counter, case: str) -> None:
    candidate, expected = BROKEN[case]
    exp, published = replayed(legacy_requests, candidate)
    answers = run_many(exp, 20)
    assert exp.stats.matches == 0 and len(published.results) == 20
    for result in published.results:
        assert any(expected in line for line in result.differences), result.differences
        assert result.to_json()["mode"] == "replay"
    if case == "wrong answer field read":
        # the requests agree; the results, now comparable, do not (background runs publish in any order)
        assert {r.outcome for r in published.results} == {"mismatch"} and exp.stats.result_mismatches == 20
        expected_lines = sorted([f"result: {show(answer)} != None"] for answer in answers)
        assert sorted(r.differences for r in published.results) == expected_lines
    else:
        assert {r.outcome for r in published.results} == {"request_mismatch"}
        assert exp.stats.request_mismatches == 20
    assert hits == Counter({"POST /v1/chat/completions": 20})  # the extra GET /v1/models never went out


def test_a_dropped_request_is_named_missing(hits: Counter) -> None:
    exp, published = replayed(lambda: (legacy_requests(), legacy_requests())[1], migrated_requests)
    run_many(exp, 3)
    assert all("request 2 missing (POST /v1/chat/completions)" in r.differences for r in published.results)


def test_broken_openai_sdk_candidate_is_flagged_async_too(hits: Counter) -> None:
    exp, published = arun_many(legacy_aiohttp, lambda: migrated_async_openai(max_tokens=12), 10)
    assert exp.stats.request_mismatches == 10
    assert all("request 1 body.max_tokens: 120 != 12" in r.differences for r in published.results)
    assert hits == Counter({"POST /v1/chat/completions": 10})


# --- RAG and images ---------------------------------------------------------------------------------


def legacy_rag() -> str:
    body = {"properties": {"input": QUESTION, "collectionId": COLLECTION, "collectionQuery": QUESTION,
                           "options": {"max_length": "500"}}}
    return requests.post(PREDICTIONS, json=body, headers=AUTH, timeout=10).json()["properties"]["output"]


def migrated_rag(client: OpenAI, limit: int = 5) -> str:
    """What `apply --target openai` makes of legacy_rag (tests/cases/rag_collection/after_openai)."""
    hits = requests.post(f"{LEGACY}/collections/{COLLECTION}/query", json={"query": QUESTION, "limit": limit},
                         headers=AUTH, timeout=10).json()
    context = "\n\n".join(base64.b64decode(m["document"]["properties"]["content"]).decode("utf-8", "replace")
                          for m in hits["properties"]["matches"])
    answer = client.chat.completions.create(model=TEXT_NAME, max_tokens=500, messages=[
        {"role": "system", "content": context}, {"role": "user", "content": QUESTION}])
    return answer.choices[0].message.content


def test_rag_collection_query_and_chat(hits: Counter) -> None:
    client = openai_client()
    exp, published = replayed(legacy_rag, lambda: migrated_rag(client))
    run_many(exp, 20)
    assert [r.differences for r in published.results] == [] and exp.stats.matches == 20
    assert hits == Counter({"POST /collections/query": 20, "POST /v1/chat/completions": 20})

    exp.candidate(lambda: migrated_rag(client, limit=3))
    run_many(exp, 2)
    assert all("request 1 body.limit: 5 != 3" in r.differences for r in published.results)


def legacy_image() -> bytes:
    body = {"properties": {"input": "a red square", "options": {"size": "512*512"}}}
    r = requests.post(f"{LEGACY}/models/{IMAGE_MODEL}/predictions", json=body, headers=AUTH, timeout=10)
    r.raise_for_status()
    return base64.b64decode(r.json()["properties"]["output"])


def test_image_calls(hits: Counter) -> None:
    client = openai_client()
    exp, published = replayed()
    exp.control(legacy_image)
    exp.candidate(lambda: base64.b64decode(client.images.generate(
        model=IMAGE_NAME, prompt="a red square", n=1, size="512x512", response_format="b64_json").data[0].b64_json))
    images = run_many(exp, 10)
    assert len(set(images)) == 10 and published.results == [] and exp.stats.matches == 10
    assert hits == Counter({"POST /v1/images/generations": 10})


# --- concurrency: recordings never cross -------------------------------------------------------------


def test_eight_threads_never_cross_recordings(hits: Counter) -> None:
    question: Any = contextvars.ContextVar("question")  # each thread's own, as a web request's would be

    def control() -> str:
        body = {"properties": {"input": question.get(), "options": {"max_length": "120"}}}
        return requests.post(PREDICTIONS, json=body, headers=AUTH, timeout=10).json()["properties"]["output"]

    def candidate() -> str:  # runs in a worker thread, in a copy of the caller's context
        body = {"model": TEXT_NAME, "messages": [{"role": "user", "content": question.get()}], "max_tokens": 120}
        return migrated_requests(body)

    exp, published = replayed()  # one experiment shared by every thread
    exp.control(control)
    exp.candidate(candidate)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            barrier.wait()
            for run in range(25):
                question.set(f"thread {number} run {run}")
                exp.run()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and exp.join(timeout=30)
    assert [r.differences for r in published.results] == []
    assert (exp.stats.matches, exp.stats.mismatches) == (200, 0)
    assert hits == Counter({"POST /v1/chat/completions": 200})


def test_concurrent_async_experiments_never_cross_recordings(hits: Counter) -> None:
    question: Any = contextvars.ContextVar("question")

    async def control() -> str:
        body = {"properties": {"input": question.get(), "options": {"max_length": "120"}}}
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(PREDICTIONS, json=body, headers=AUTH)).json()["properties"]["output"]

    async def candidate() -> str:
        return await migrated_httpx_async({"model": TEXT_NAME, "max_tokens": 120,
                                           "messages": [{"role": "user", "content": question.get()}]})

    async def main() -> tuple[Experiment, ListPublisher]:
        exp, published = replayed(control, candidate)

        async def request(number: int) -> None:
            question.set(f"request {number}")
            await exp.arun()

        await asyncio.gather(*(request(n) for n in range(40)))
        await exp.ajoin()
        return exp, published

    exp, published = asyncio.run(main())
    assert [r.differences for r in published.results] == [] and exp.stats.matches == 40
    assert hits == Counter({"POST /v1/chat/completions": 40})


# --- outcomes, stats, records ----------------------------------------------------------------------


def test_the_caller_gets_the_control_before_the_candidate_has_run(hits: Counter) -> None:
    release = threading.Event()
    exp, published = replayed(legacy_requests, lambda: release.wait(10) and migrated_requests())
    answer = exp.run()  # returns although the candidate is still blocked
    assert answer and not exp.join(timeout=0.05)
    release.set()
    assert exp.join(timeout=10) and exp.stats.matches == 1


def test_candidate_errors_timeouts_and_request_mismatches_are_told_apart(hits: Counter, tmp_path) -> None:
    from ionos_migrate.compat.experiment import JsonLinesPublisher

    log = tmp_path / "experiments.jsonl"
    exp = Experiment("ask", replay=True, publisher=JsonLinesPublisher(log))
    exp.control(legacy_requests)
    exp.candidate(lambda: 1 / 0)
    exp.run()
    assert exp.join(timeout=10)
    exp.timeout = 0.2  # read when the background candidate ends; only this one overruns it
    exp.candidate(lambda: threading.Event().wait(1) or migrated_requests())
    exp.run()
    assert exp.join(timeout=10)
    exp.timeout = 5
    exp.candidate(lambda: migrated_requests({**CHAT_BODY, "temperature": 0.1}))
    exp.run()
    assert exp.join(timeout=10)
    stats = exp.stats
    assert (stats.candidate_errors, stats.timeouts, stats.request_mismatches, stats.mismatches) == (1, 1, 1, 3)
    records = {r["outcome"]: r for r in map(json.loads, log.read_text("utf-8").splitlines())}
    assert set(records) == {"candidate_error", "timeout", "request_mismatch"}
    assert records["request_mismatch"]["differences"] == ["request 1 body.temperature: 0.7 != 0.1"]
    assert records["request_mismatch"]["requests"] == {"control": 1, "candidate": 1}
    assert "ZeroDivisionError" in records["candidate_error"]["candidate"]["exception"]
    assert TOKEN not in log.read_text("utf-8")  # never stored, never published


def test_tokens_are_never_compared(hits: Counter) -> None:
    exp, published = replayed()
    exp.control(legacy_requests)
    exp.candidate(lambda: requests.post(f"{OPENAI}/chat/completions", json=CHAT_BODY, timeout=10,
                                        headers={"Authorization": "Bearer another-token"}).json()
                  ["choices"][0]["message"]["content"])
    run_many(exp, 2)
    assert published.results == []
    exp.candidate(lambda: requests.post(f"{OPENAI}/chat/completions", json=CHAT_BODY, timeout=10).json()
                  ["choices"][0]["message"]["content"])
    run_many(exp, 1)  # no Authorization at all is a difference, and says so without a token
    assert "request 1 headers.authorization: 'Bearer ***' != <absent>" in published.results[0].differences


def test_an_experiment_inside_a_replayed_candidate_runs_only_its_control(hits: Counter) -> None:
    inner, inner_published = replayed()
    inner.control(migrated_requests)  # answered by the outer replay: no upstream call
    inner.candidate(migrated_requests)
    outer, published = replayed()
    outer.control(legacy_requests)
    outer.candidate(inner.run)
    run_many(outer, 3)
    assert outer.stats.matches == 3 and inner.stats.skipped == 3 and inner.stats.sampled == 0
    assert hits == Counter({"POST /v1/chat/completions": 3})


def test_live_mode_arun_with_coroutines_does_not_wait_for_the_candidate(hits: Counter) -> None:
    async def main() -> tuple[Experiment, ListPublisher]:
        release = asyncio.Event()
        publisher = ListPublisher()
        exp = Experiment("live", publisher=publisher)

        async def control() -> str:
            return "Berlin"

        async def candidate() -> None:
            await release.wait()
            return None

        exp.control(control)
        exp.candidate(candidate)
        assert await exp.arun() == "Berlin"  # the candidate is still waiting
        assert publisher.results == []
        release.set()
        await exp.ajoin()
        return exp, publisher

    exp, published = asyncio.run(main())
    assert [r.differences for r in published.results] == [["result: 'Berlin' != None"]]
    assert published.results[0].to_json()["mode"] == "live" and exp.stats.result_mismatches == 1


# --- the tap and the shim both patch aiohttp: any order works -------------------------------------

ORDER_SCRIPT = '''
import asyncio, json, sys
from ionos_migrate.compat import Experiment, install, uninstall
from ionos_migrate.compat.emulator import create_app
from ionos_migrate.compat.serving import serve_in_thread

LEGACY = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
CHAT = "https://openai.inference.de-txl.ionos.com/v1/chat/completions"
AUTH = {"Authorization": "Bearer t"}
app = create_app()
with serve_in_thread(app) as url:
    if sys.argv[1] == "shim-first":
        install(upstream=url + "/v1", legacy_upstream=url)
        import aiohttp
        experiment = Experiment("order", replay=True)  # enables the tap: the shim's patches are laid again on top
    elif sys.argv[1] == "shim-first-aiohttp-last":
        install(upstream=url + "/v1", legacy_upstream=url)
        experiment = Experiment("order", replay=True)
        import aiohttp  # both post-import hooks fire; the tap must still end up beneath the shim
    else:
        experiment = Experiment("order", replay=True)
        import aiohttp
        install(upstream=url + "/v1", legacy_upstream=url)

    async def control():
        async with aiohttp.ClientSession(headers=AUTH) as s:
            async with s.post(LEGACY, json={"properties": {"input": "Hi", "options": {"max_length": "20"}}}) as r:
                return (await r.json())["properties"]["output"]

    async def candidate():
        body = {"model": "meta-llama/Llama-3.3-70B-Instruct", "messages": [{"role": "user", "content": "Hi"}],
                "max_tokens": 20}
        async with aiohttp.ClientSession(headers=AUTH) as s:
            async with s.post(CHAT, json=body) as r:
                return (await r.json())["choices"][0]["message"]["content"]

    async def main():
        experiment.control(control)
        experiment.candidate(candidate)
        for _ in range(3):
            await experiment.arun()
        await experiment.ajoin()

    asyncio.run(main())
    uninstall()
    print(json.dumps({"upstream_calls": len(app.state.journal), "matches": experiment.stats.matches,
                      "left_patched": aiohttp.ClientSession._request.__qualname__}))
'''


@pytest.mark.parametrize("order", ["shim-first", "shim-first-aiohttp-last", "tap-first"])
def test_shim_and_tap_on_aiohttp_in_any_order(tmp_path, order: str) -> None:
    import subprocess
    import sys

    script = tmp_path / "order.py"
    script.write_text(ORDER_SCRIPT, "utf-8")
    env = {**os.environ, "IONOS_MIGRATE_EXPERIMENT_LOG": str(tmp_path / "log.jsonl")}
    done = subprocess.run([sys.executable, str(script), order], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["upstream_calls"] == 3 and result["matches"] == 3
    assert result["left_patched"] == "_hook_aiohttp.<locals>._request"  # the shim is gone, the inert tap stays


def test_a_get_is_compared_without_a_content_type_and_with_its_query(hits: Counter) -> None:
    # the shim sends its GET /v1/models with a JSON content type; a bodyless GET's content type means nothing
    exp, published = replayed(
        lambda: [m["properties"]["name"] for m in requests.get(f"{LEGACY}/models", headers=AUTH).json()["items"]],
        lambda: [m["id"] for m in requests.get(f"{OPENAI}/models", headers=AUTH).json()["data"]])
    assert run_many(exp, 3) == [[TEXT_NAME]] * 3
    assert published.results == [] and hits == Counter({"GET /v1/models": 3})

    exp.candidate(lambda: [m["id"] for m in requests.get(f"{OPENAI}/models", params={"limit": 1},
                                                         headers=AUTH).json()["data"]])
    run_many(exp, 1)
    assert published.results[0].differences == ["request 1 query.limit: <absent> != '1'"]


def test_coroutine_functions_in_run_are_refused_with_the_way_out() -> None:
    async def control() -> str:
        return "a"

    exp, _ = replayed()
    exp.control(control)
    with pytest.raises(TypeError, match="arun"):
        exp.run()
