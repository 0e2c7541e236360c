"""The offline emulator: a deterministic IONOS AI Model Hub, as an ASGI app.

It speaks the OpenAI-compatible API (``/v1/models``, ``/v1/chat/completions``
with and without ``stream``, ``/v1/completions``, ``/v1/embeddings``,
``/v1/images/generations``) and the legacy host's still-live
``POST /collections/{id}/query``. The retired legacy ``/models`` endpoints
answer 404, legacy-style, as the real host does now.

Answers are functions of the request only (see ``emulator_content``), so two
runs compare equal. Every request received is recorded in
``app.state.journal`` (method, path, query, parsed JSON body, status; never
a header, so never a token), which ``verify`` compares.

Knobs for tests live in ``app.state.settings`` and may be changed while the
app runs: ``latency`` (seconds added to each answer), ``error_rate``
(fraction of API requests answered 500, drawn from a seeded RNG),
``force_429`` (``True``: every API request gets 429; a number N: the next N
do), ``retry_after`` (the 429's ``Retry-After``), ``fail_status`` /
``fail_request`` (answer that error status to every request of the
OpenAI-compatible API, or only to the Nth: how a migrated program's error
path is checked). ``create_app`` reads the last two from
``IONOS_MIGRATE_EMULATOR_FAIL`` (``"401"``: every request, ``"500@2"``: the
second) when not given, so ``verify`` and ``emulator serve`` get them too.

    from ionos_migrate.compat.emulator import create_app
    from ionos_migrate.compat.serving import serve_in_thread
    with serve_in_thread(create_app()) as url:
        OpenAI(base_url=url + "/v1", api_key="any").models.list()
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import random
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterator, Mapping, Sequence, Union

from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from . import emulator_content as content
from . import rules
from .schemas import (
    ChatCompletionRequest,
    CollectionQueryRequest,
    CompletionRequest,
    EmbeddingRequest,
    ImageGenerationRequest,
    dump,
)
from .translate import legacy_error, openai_error

RETIRED_MESSAGE = (
    "The native model API was retired on 2026-05-05. Use the OpenAI-compatible API at "
    f"{rules.OPENAI_BASE_URL} (see the IONOS migration guide)."
)
JOURNAL_PATH = "/_emulator/journal"
FAIL_ENV = "IONOS_MIGRATE_EMULATOR_FAIL"
FAIL_MESSAGES = {
    401: "Unauthorized, wrong or no api key provided to process this request",
    500: "Internal server error (emulated)",
}

Seed = Mapping[str, Sequence[Union[str, Mapping[str, Any]]]]


# --- state ----------------------------------------------------------------


class Journal:
    """Every request the emulator received, in arrival order; thread-safe.

    ``limit`` keeps only the newest entries (a long-running ``emulator serve``
    must not grow without bound); None keeps all (``verify``).
    """

    def __init__(self, limit: int | None = None) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


@dataclass
class Settings:
    latency: float = 0.0
    error_rate: float = 0.0
    force_429: Union[bool, int] = False
    retry_after: int = 1
    seed: int = 0
    fail_status: int | None = None  # answer this status to requests of the OpenAI-compatible API ...
    fail_request: int = 0  # ... to every one (0), or only to the Nth (counted from 1)
    rng: random.Random = field(init=False, repr=False)
    api_requests: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def take_fail(self) -> int | None:
        """The error status to answer this request with, if the fail switch says so."""
        if self.fail_status is None:
            return None
        self.api_requests += 1
        return self.fail_status if self.fail_request in (0, self.api_requests) else None

    def take_429(self) -> bool:
        if self.force_429 is True:
            return True
        if isinstance(self.force_429, int) and self.force_429 > 0:
            self.force_429 -= 1
            return True
        return False

    def take_error(self) -> bool:
        return self.error_rate > 0 and self.rng.random() < self.error_rate


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, param: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.param, self.headers = status, message, param, headers or {}


# --- plumbing: parse, record, check, answer -----------------------------------


Handler = Callable[[Request, Any], Awaitable[Response]]


def _error_response(style: str, exc: ApiError, trace: str) -> Response:
    if style == "legacy":
        body = legacy_error(exc.status, exc.message).model_dump(mode="json")
        return JSONResponse(body, status_code=exc.status, headers={"x-trace-id": trace, **exc.headers})
    body = openai_error(exc.status, exc.message, param=exc.param).model_dump(mode="json", exclude_none=True)
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


def _parse_body(raw: bytes) -> tuple[Any, str | None]:
    """(parsed JSON or None, the raw text if it was not JSON)."""
    if not raw:
        return None, None
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError):
        return None, raw.decode("utf-8", "replace")


def journal_entry(request: Request, raw: bytes) -> dict[str, Any]:
    """What the journal keeps of a request (``status`` is added once answered): never a header, so never
    a token. A body that is not JSON is kept as text under ``raw_body``."""
    body, raw_text = _parse_body(raw)
    entry: dict[str, Any] = {"method": request.method, "path": request.url.path, "query": request.url.query,
                             "body": body}
    if raw_text is not None:
        entry["raw_body"] = raw_text
    return entry


def _bearer_ok(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def endpoint(style: str, handler: Handler, *, simulate: bool = True) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler: record the request, check the token, apply the knobs, render errors in ``style``."""

    async def run(request: Request) -> Response:
        raw = await request.body()
        entry = journal_entry(request, raw)
        settings: Settings = request.app.state.settings
        trace = hashlib.sha256(request.method.encode() + request.url.path.encode() + raw).hexdigest()[:32]
        try:
            if settings.latency > 0:
                await asyncio.sleep(settings.latency)
            if not _bearer_ok(request):
                raise ApiError(401, FAIL_MESSAGES[401])
            failed = settings.take_fail() if simulate and style == "openai" else None
            if failed is not None:
                raise ApiError(failed, FAIL_MESSAGES.get(failed, f"Error {failed} (emulated)"))
            if simulate and settings.take_429():
                raise ApiError(429, "Rate limit exceeded (emulated)", headers={"Retry-After": str(settings.retry_after)})
            if simulate and settings.take_error():
                raise ApiError(500, "Internal server error (emulated)")
            if "raw_body" in entry:
                raise ApiError(400, "request body is not valid JSON")
            response = await handler(request, entry["body"])
        except ApiError as exc:
            response = _error_response(style, exc, trace)
        except Exception as exc:  # noqa: BLE001 - an emulator bug still answers, in shape, and is journalled
            response = _error_response(style, ApiError(500, f"emulator error: {type(exc).__name__}: {exc}"), trace)
        entry["status"] = response.status_code
        request.app.state.journal.record(entry)
        return response

    return run


def validate(model: type[BaseModel], body: Any) -> BaseModel:
    if not isinstance(body, Mapping):
        raise ApiError(400, "request body must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or None
        if error["type"] == "missing":
            message = f"{where}: field required"
        else:
            message = f"{where}: {error['msg']} (got {json.dumps(error.get('input'), default=str)[:200]})"
        raise ApiError(400, message, param=where) from None


def _sse(events: Iterator[dict[str, Any]]) -> StreamingResponse:
    def lines() -> Iterator[str]:
        for event in events:
            yield f"data: {json.dumps(event, separators=(',', ':'))}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(lines(), media_type="text/event-stream", headers={"cache-control": "no-cache"})


# Ranges the OpenAI API documents; out of range is a 400, as upstream.
SAMPLING_RANGES = {"temperature": (0.0, 2.0), "top_p": (0.0, 1.0), "presence_penalty": (-2.0, 2.0),
                   "frequency_penalty": (-2.0, 2.0)}


def check_sampling(parsed: BaseModel) -> None:
    for name, (low, high) in SAMPLING_RANGES.items():
        value = getattr(parsed, name, None)
        if value is not None and not low <= value <= high:
            raise ApiError(400, f"{name}: must be between {low:g} and {high:g} (got {value:g})", param=name)
    for name in ("max_tokens", "max_completion_tokens"):
        value = getattr(parsed, name, None)
        if value is not None and value < 1:
            raise ApiError(400, f"{name}: must be at least 1 (got {value})", param=name)


def _choice_digest(digest: str, index: int) -> str:
    return digest if index == 0 else hashlib.sha256(f"{digest}:{index}".encode()).hexdigest()


def _usage(prompt: int, texts: list[tuple[str, str, int]]) -> dict[str, int]:
    """Token counts of an answer whose choices are ``(text, finish reason, words)``."""
    completion = sum(count for _, _, count in texts)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _choice_count(n: int | None) -> int:
    if n is not None and not 1 <= n <= 10:
        raise ApiError(400, f"n: must be between 1 and 10 (got {n})", param="n")
    return n or 1


# --- OpenAI-compatible endpoints --------------------------------------------


async def chat_completions(request: Request, body: Any) -> Response:
    parsed = validate(ChatCompletionRequest, body)
    check_sampling(parsed)
    understood = dump(parsed)
    digest = content.request_digest("chat.completions", understood)
    limit = parsed.max_completion_tokens if parsed.max_completion_tokens is not None else parsed.max_tokens
    answers = [content.generate_words(_choice_digest(digest, i), limit) for i in range(_choice_count(parsed.n))]
    texts = [(content.answer_text(words), finish, len(words)) for words, finish in answers]
    usage = _usage(content.prompt_tokens(understood["messages"]), texts)
    head = {"id": content.response_id("chatcmpl", digest), "created": content.created_at(digest), "model": parsed.model}
    if parsed.stream:
        include_usage = bool((understood.get("stream_options") or {}).get("include_usage"))
        return _sse(_chat_chunks(head, texts, usage if include_usage else None))
    choices = [
        {"index": i, "message": {"role": "assistant", "content": text}, "finish_reason": finish, "logprobs": None}
        for i, (text, finish, _) in enumerate(texts)
    ]
    return JSONResponse({**head, "object": "chat.completion", "choices": choices, "usage": usage})


def _chat_chunks(head: dict[str, Any], texts: list[tuple[str, str, int]], usage: dict[str, int] | None) -> Iterator[dict[str, Any]]:
    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "object": "chat.completion.chunk",
                "choices": [{"index": index, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    for index, (text, finish, _) in enumerate(texts):
        yield chunk(index, {"role": "assistant", "content": ""})
        for piece in content.stream_pieces(text):
            yield chunk(index, {"content": piece})
        yield chunk(index, {}, finish)
    if usage is not None:
        yield {**head, "object": "chat.completion.chunk", "choices": [], "usage": usage}


async def completions(request: Request, body: Any) -> Response:
    parsed = validate(CompletionRequest, body)
    check_sampling(parsed)
    understood = dump(parsed)
    digest = content.request_digest("completions", understood)
    answers = [content.generate_words(_choice_digest(digest, i), parsed.max_tokens) for i in range(_choice_count(parsed.n))]
    texts = [(" " + " ".join(words) if words else "", finish, len(words)) for words, finish in answers]
    usage = _usage(content.count_tokens(parsed.prompt), texts)
    head = {"id": content.response_id("cmpl", digest), "object": "text_completion",
            "created": content.created_at(digest), "model": parsed.model}
    if parsed.stream:
        def chunks() -> Iterator[dict[str, Any]]:
            for index, (text, finish, _) in enumerate(texts):
                for piece in content.stream_pieces(text):
                    yield {**head, "choices": [{"index": index, "text": piece, "finish_reason": None, "logprobs": None}]}
                yield {**head, "choices": [{"index": index, "text": "", "finish_reason": finish, "logprobs": None}]}
        return _sse(chunks())
    choices = [{"index": i, "text": text, "finish_reason": finish, "logprobs": None} for i, (text, finish, _) in enumerate(texts)]
    return JSONResponse({**head, "choices": choices, "usage": usage})


async def embeddings(request: Request, body: Any) -> Response:
    parsed = validate(EmbeddingRequest, body)
    inputs = [parsed.input] if isinstance(parsed.input, str) else list(parsed.input)
    if not inputs:
        raise ApiError(400, "input: must not be empty", param="input")
    dimensions = (parsed.model_extra or {}).get("dimensions", content.EMBEDDING_DIMENSIONS)
    if not isinstance(dimensions, int) or isinstance(dimensions, bool) or not 1 <= dimensions <= 4096:
        raise ApiError(400, f"dimensions: must be an integer from 1 to 4096 (got {json.dumps(dimensions)})", param="dimensions")
    if parsed.encoding_format not in (None, "float", "base64"):
        raise ApiError(400, f"encoding_format: must be 'float' or 'base64' (got {parsed.encoding_format!r})",
                       param="encoding_format")
    data = []
    for index, text in enumerate(inputs):
        vector = content.embedding_vector(parsed.model, text, dimensions)
        encoded: Any = content.embedding_base64(vector) if parsed.encoding_format == "base64" else vector
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(content.count_tokens(text) for text in inputs)
    return JSONResponse({"object": "list", "data": data, "model": parsed.model,
                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


async def images_generations(request: Request, body: Any) -> Response:
    parsed = validate(ImageGenerationRequest, body)
    understood = dump(parsed)
    if parsed.size is not None:
        size = rules.normalise_image_size(parsed.size)
        if size is None:
            raise ApiError(400, f'size: {parsed.size!r} is not a size like "1024x1024"', param="size")
        understood["size"] = size  # "1024*1024" and "1024x1024" are the same request
    response_format = parsed.response_format or rules.IMAGE_RESPONSE_FORMAT
    if response_format not in ("b64_json", "url"):
        raise ApiError(400, f"response_format: must be 'b64_json' or 'url' (got {response_format!r})", param="response_format")
    understood["response_format"] = response_format
    digest = content.request_digest("images.generations", understood)
    data = []
    for index in range(_choice_count(parsed.n)):
        image = content.png_image(_choice_digest(digest, index), understood.get("size"))
        encoded = base64.b64encode(image).decode("ascii")
        data.append({"b64_json": encoded} if response_format == "b64_json" else {"url": f"data:image/png;base64,{encoded}"})
    return JSONResponse({"created": content.created_at(digest), "data": data})


def _model_entry(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": content.EPOCH, "owned_by": "ionos-migrate-emulator"}


async def list_models(request: Request, body: Any) -> Response:
    return JSONResponse({"object": "list", "data": [_model_entry(name) for name in request.app.state.models]})


async def get_model(request: Request, body: Any) -> Response:
    name = request.path_params["model"]
    if name not in request.app.state.models:
        raise ApiError(404, f"The model {name!r} does not exist", param="model")
    return JSONResponse(_model_entry(name))


async def openai_not_found(request: Request, body: Any) -> Response:
    raise ApiError(404, f"{request.method} {request.url.path} is not an endpoint of this API")


# --- legacy host -------------------------------------------------------------


async def collection_query(request: Request, body: Any) -> Response:
    collection_id = request.path_params["collection_id"]
    if isinstance(body, Mapping) and "limit" not in body:
        body = {**body, "limit": rules.RAG_QUERY_LIMIT}
    parsed = validate(CollectionQueryRequest, body)
    seeded = request.app.state.collections.get(collection_id)
    documents = seeded if seeded is not None else content.derived_documents(collection_id)
    matches = content.rank_documents(parsed.query, documents, parsed.limit)
    return JSONResponse({"id": collection_id, "type": "collection", "properties": {"matches": matches}})


async def legacy_retired(request: Request, body: Any) -> Response:
    raise ApiError(404, RETIRED_MESSAGE)


async def legacy_not_found(request: Request, body: Any) -> Response:
    raise ApiError(404, f"{request.method} {request.url.path} not found")


# --- the journal over HTTP (for `emulator serve` users) -----------------------


async def journal_endpoint(request: Request) -> Response:
    if request.method == "DELETE":
        request.app.state.journal.clear()
        return Response(status_code=204)
    return JSONResponse(request.app.state.journal.entries())


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def parse_fail(text: str) -> tuple[int, int]:
    """``"401"`` -> (401, 0): every request; ``"500@2"`` -> (500, 2): the second. ValueError on anything else."""
    status, _, nth = text.strip().partition("@")
    try:
        code, request = int(status), int(nth) if nth else 0
    except ValueError:
        code, request = 0, -1
    if not 400 <= code <= 599 or request < 0:
        raise ValueError(f"{text!r} is not an error status (400-599), optionally with @N for the Nth request only")
    return code, request


def create_app(
    *,
    latency: float = 0.0,
    error_rate: float = 0.0,
    force_429: Union[bool, int] = False,
    retry_after: int = 1,
    collections: Seed | None = None,
    models: Sequence[str] | None = None,
    seed: int = 0,
    journal_limit: int | None = None,
    fail: str | None = None,
) -> Starlette:
    """A fresh emulator. ``collections``: id -> documents (texts or ``{id, name, text}``);
    ``journal_limit``: keep only that many newest journal entries (None: all); ``fail``:
    ``"STATUS[@N]"``, default ``$IONOS_MIGRATE_EMULATOR_FAIL`` (see the module docstring)."""
    from_env = fail is None
    fail = os.environ.get(FAIL_ENV) if from_env else fail
    try:
        fail_status, fail_request = parse_fail(fail) if fail else (None, 0)
    except ValueError as exc:
        raise ValueError(f"{FAIL_ENV}: {exc}" if from_env else str(exc)) from None
    routes = [
        Route(JOURNAL_PATH, journal_endpoint, methods=["GET", "DELETE"]),
        Route(rules.OPENAI_MODELS_PATH, endpoint("openai", list_models), methods=["GET"]),
        Route(rules.OPENAI_MODELS_PATH + "/{model:path}", endpoint("openai", get_model), methods=["GET"]),
        Route(rules.OPENAI_CHAT_PATH, endpoint("openai", chat_completions), methods=["POST"]),
        Route(rules.OPENAI_COMPLETIONS_PATH, endpoint("openai", completions), methods=["POST"]),
        Route(rules.OPENAI_EMBEDDINGS_PATH, endpoint("openai", embeddings), methods=["POST"]),
        Route(rules.OPENAI_IMAGES_PATH, endpoint("openai", images_generations), methods=["POST"]),
        Route("/v1/{rest:path}", endpoint("openai", openai_not_found, simulate=False), methods=ALL_METHODS),
        Route(rules.LEGACY_COLLECTION_QUERY_PATH.replace("{collection_id}", "{collection_id:str}"),
              endpoint("legacy", collection_query), methods=["POST"]),
        Route(rules.LEGACY_MODELS_PATH, endpoint("legacy", legacy_retired, simulate=False), methods=ALL_METHODS),
        Route(rules.LEGACY_MODELS_PATH + "/{rest:path}", endpoint("legacy", legacy_retired, simulate=False), methods=ALL_METHODS),
        Route("/{rest:path}", endpoint("legacy", legacy_not_found, simulate=False), methods=ALL_METHODS),
    ]
    app = Starlette(routes=routes)
    app.state.settings = Settings(latency=latency, error_rate=error_rate, force_429=force_429,
                                  retry_after=retry_after, seed=seed, fail_status=fail_status, fail_request=fail_request)
    app.state.journal = Journal(journal_limit)
    app.state.models = list(models) if models is not None else list(content.DEFAULT_MODELS)
    app.state.collections = {cid: content.seeded_documents(cid, docs) for cid, docs in (collections or {}).items()}
    return app
