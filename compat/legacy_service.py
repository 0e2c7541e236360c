"""The one translate-and-call core behind the in-process shim and the proxy.

A legacy request becomes an *exchange*: a generator that yields the upstream
HTTP calls it needs (:class:`Outgoing`) and receives their answers
(:class:`Answer`), then returns the legacy answer. It does no I/O itself, so
the sync shim (requests, httpx, urllib), the async shim (httpx, aiohttp) and
the proxy (aiohttp) all drive the very same code with :func:`run_sync` or
:func:`run_async` and cannot drift apart. Retries live in the drivers, from
one pure policy (:func:`retry_delay`).
"""

from __future__ import annotations

import asyncio
import http
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import quote
from typing import Awaitable, Callable, Generator, Literal, Mapping, Optional

from pydantic import ValidationError

from . import rules, translate
from .model_map import ModelMap
from .runtime_defaults import DEFAULT_BACKOFF, DEFAULT_RETRIES, DEFAULT_TIMEOUT, MAX_RETRY_AFTER
from .schemas import ImageGenerationRequest, LegacyError
from .translate import RagPlan, TranslationError

LOG = logging.getLogger("ionos_migrate.compat")
JSON_TYPE = "application/json"
TRACE_HEADER = "x-trace-id"


@dataclass(frozen=True)
class Outgoing:
    """One HTTP call the core wants made. ``url`` is always built from configuration."""

    method: str
    url: str
    headers: dict[str, str] = field(repr=False)  # they carry the bearer token
    body: Optional[bytes] = None


@dataclass
class Answer:
    """An HTTP answer: upstream's to the core, or the core's legacy one. Header names lower-case."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)

    @property
    def reason(self) -> str:
        """The status's standard phrase (``Too Many Requests``), or "" for a status with none."""
        try:
            return http.HTTPStatus(self.status).phrase
        except ValueError:
            return ""


FailureKind = Literal["connect", "timeout", "protocol"]

# What went wrong, as logs, metrics and the legacy error message name it.
CAUSES = {
    "refused": "connection refused",
    "dns": "DNS lookup failed",
    "tls": "TLS handshake failed",
    "connect_timeout": "connect timed out",
    "connect": "connect failed",
    "reset": "connection reset",
    "timeout": "timed out",
    "too_large": "answer too large",
    "protocol": "broken answer",
}


class UpstreamFailure(Exception):
    """The upstream could not be reached or did not answer properly.

    ``kind`` decides retries: ``connect``: nothing was delivered (safe to
    retry). ``timeout`` and ``protocol`` (connection reset, garbage on the
    wire, an answer over the size cap): the request may have been delivered,
    so a prediction is never retried after them. ``cause`` (a key of
    :data:`CAUSES`) and ``host`` say what happened where.
    """

    def __init__(self, kind: FailureKind, detail: str = "", *, cause: str = "", host: str = ""):
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail
        self.cause = cause or {"connect": "connect", "timeout": "timeout"}.get(kind, "protocol")
        self.host = host

    def describe(self) -> str:
        """One line for a log: ``connection refused (127.0.0.1:9, ClientConnectorError)``."""
        where = ", ".join(part for part in (self.host, self.detail) if part)
        return f"{CAUSES.get(self.cause, self.cause)} ({where})" if where else CAUSES.get(self.cause, self.cause)


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = DEFAULT_RETRIES  # extra attempts after the first
    backoff: float = DEFAULT_BACKOFF  # seconds, doubled per attempt, when upstream gives no Retry-After
    max_retry_after: float = MAX_RETRY_AFTER  # a longer Retry-After is handed to the caller instead of waited out


Exchange = Generator[Outgoing, Answer, Answer]


@dataclass
class Result:
    answer: Answer
    upstream_seconds: float = 0.0  # time spent waiting on upstream calls, retries included
    attempts: int = 0
    upstream_status: Optional[int] = None  # the last upstream answer's status (None: no answer came)
    failures: list[UpstreamFailure] = field(default_factory=list)  # one per attempt that got no answer


# --- answers --------------------------------------------------------------


def new_trace_id() -> str:
    return uuid.uuid4().hex


def json_answer(status: int, body: bytes, *, trace_id: str | None = None, extra: Mapping[str, str] | None = None) -> Answer:
    headers = {"content-type": JSON_TYPE, TRACE_HEADER: trace_id or new_trace_id()}
    if extra:
        headers.update(extra)
    return Answer(status, headers, body)


def error_answer(status: int, message: str, *, trace_id: str | None = None, extra: Mapping[str, str] | None = None) -> Answer:
    """A legacy error body (``{"httpStatus", "messages"}``) with an ``x-trace-id``."""
    body = translate.legacy_error(status, message).model_dump_json().encode()
    return json_answer(status, body, trace_id=trace_id, extra=extra)


def upstream_error_answer(answer: Answer, *, trace_id: str | None = None) -> Answer:
    """An upstream error answer -> the legacy error shape, same status; Retry-After kept."""
    extra = {"retry-after": answer.headers["retry-after"]} if "retry-after" in answer.headers else None
    trace_id = trace_id or _trace(answer)
    if _is_legacy_error(answer.body):  # the collections API already speaks it
        return json_answer(answer.status, answer.body, trace_id=trace_id, extra=extra)
    legacy = translate.error_to_legacy(answer.status, answer.body)
    return json_answer(answer.status, legacy.model_dump_json().encode(), trace_id=trace_id, extra=extra)


def failure_answer(failure: UpstreamFailure) -> Answer:
    """The legacy error for a failed upstream call, naming the upstream host and what went wrong."""
    return error_answer(*failure_message(failure))


def failure_message(failure: UpstreamFailure) -> tuple[int, str]:
    host = failure.host or "?"
    cause = CAUSES.get(failure.cause, failure.cause)
    if failure.kind == "timeout":
        return 504, f"the upstream {host} did not answer in time: {failure.detail or cause}"
    if failure.kind == "connect":
        return 502, f"the upstream {host} could not be reached: {cause}"
    if failure.cause == "too_large":
        return 502, f"the answer of the upstream {host} was not passed on: {failure.detail}"
    return 502, f"the connection to the upstream {host} failed before a complete answer arrived: {cause}"


def _is_legacy_error(body: bytes) -> bool:
    if not body.startswith(b"{") or b"httpStatus" not in body:
        return False
    try:
        LegacyError.model_validate_json(body)
    except ValidationError:
        return False
    return True


# --- the service ----------------------------------------------------------


@dataclass
class LegacyService:
    """What the legacy API did, done on top of the OpenAI-compatible one.

    ``upstream`` is an OpenAI-compatible base URL ending in ``/v1``;
    ``legacy_upstream`` is where collection queries (server-side RAG) go.
    ``token`` is used only when a caller sends no ``Authorization``.
    """

    upstream: str = rules.OPENAI_BASE_URL
    legacy_upstream: str = rules.LEGACY_BASE_URL
    model_map: ModelMap = field(default_factory=ModelMap.bundled)
    token: Optional[str] = field(default=None, repr=False)  # a repr reaches logs and tracebacks
    timeout: float = DEFAULT_TIMEOUT
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        self.upstream = self.upstream.rstrip("/")
        self.legacy_upstream = self.legacy_upstream.rstrip("/")

    # --- routing -----------------------------------------------------------

    def exchange(self, method: str, path: str, headers: Mapping[str, str], body: bytes | None,
                 *, base_url: str = rules.LEGACY_BASE_URL) -> Exchange | None:
        """The exchange for a translated legacy endpoint, or None when ``path`` is not one."""
        if path.rstrip("/") == rules.LEGACY_MODELS_PATH:
            return self.models(headers, base_url=base_url) if method == "GET" else self.method_not_allowed(method, path)
        match = _PREDICTIONS_PATH.match(path)
        if match:
            if method != "POST":
                return self.method_not_allowed(method, path)
            return self.predictions(match["model_id"], headers, body or b"")
        return None

    def passthrough(self, outgoing: Outgoing) -> Exchange:
        """A request the legacy host still serves (``/collections``): sent as it is, answered as it is."""
        answer = yield outgoing
        return answer

    def method_not_allowed(self, method: str, path: str) -> Exchange:
        return _done(error_answer(405, f"{method} is not allowed on {path}"))

    # --- endpoints -----------------------------------------------------------

    def models(self, headers: Mapping[str, str], *, base_url: str = rules.LEGACY_BASE_URL) -> Exchange:
        answer = yield Outgoing("GET", self.openai_url(rules.OPENAI_MODELS_PATH), self.upstream_headers(headers))
        if answer.status >= 400:
            return upstream_error_answer(answer)
        try:
            collection = translate.models_to_legacy(_json(answer.body, "models list"), self.model_map, base_url=base_url)
        except TranslationError as exc:
            return error_answer(exc.status, exc.message)
        return json_answer(200, collection.model_dump_json(exclude_none=True).encode(), trace_id=_trace(answer))

    def predictions(self, model_id: str, headers: Mapping[str, str], body: bytes) -> Exchange:
        started = time.perf_counter()
        try:
            request = translate.parse_legacy_request(body)
            plan = translate.to_openai(request, model_id, self.model_map)
        except TranslationError as exc:
            return error_answer(exc.status, exc.message)
        upstream_headers = self.upstream_headers(headers)
        if isinstance(plan, RagPlan):
            found = yield Outgoing("POST", self.collection_query_url(plan.collection_id), upstream_headers,
                                   plan.query.model_dump_json().encode())
            if found.status >= 400:
                return upstream_error_answer(found)
            try:
                plan = plan.build(_json(found.body, "collection query answer"))
            except TranslationError as exc:
                return error_answer(exc.status, exc.message)
        path = rules.OPENAI_IMAGES_PATH if isinstance(plan, ImageGenerationRequest) else rules.OPENAI_CHAT_PATH
        answer = yield Outgoing("POST", self.openai_url(path), upstream_headers, translate.openai_request_json(plan))
        if answer.status >= 400:
            return upstream_error_answer(answer)
        try:
            legacy = translate.to_legacy_json(answer.body, request, duration=time.perf_counter() - started)
        except TranslationError as exc:
            return error_answer(exc.status, exc.message, trace_id=_trace(answer))
        return json_answer(200, legacy, trace_id=_trace(answer))

    # --- helpers -------------------------------------------------------------

    def openai_url(self, path: str) -> str:
        """``/v1/chat/completions`` -> ``<upstream>/chat/completions`` (upstream ends in /v1)."""
        return self.upstream + path.removeprefix("/v1")

    def collection_query_url(self, collection_id: str) -> str:
        """The id comes from the request body: percent-encoded, so it stays one path segment."""
        return self.legacy_upstream + rules.LEGACY_COLLECTION_QUERY_PATH.format(collection_id=quote(collection_id, safe=""))

    def upstream_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Only what upstream needs: the caller's bearer token (or the configured one) and JSON."""
        out = {"content-type": JSON_TYPE, "accept": JSON_TYPE}
        authorization = headers.get("authorization")
        if authorization:
            out["authorization"] = authorization
        elif self.token:
            out["authorization"] = f"Bearer {self.token}"
        return out


def is_translated_path(path: str) -> bool:
    """``/models`` or ``/models/{id}/predictions`` (any id, even an empty or a bad one: that is a 400, not a 404)."""
    return path.rstrip("/") == rules.LEGACY_MODELS_PATH or _PREDICTIONS_PATH.match(path) is not None


# Looser than rules.PREDICTIONS_PATH_RE: an empty or multi-line model id is still a
# predictions request, answered with a 400 naming the model id (translate.resolve_model).
_PREDICTIONS_PATH = re.compile(r"^/models/(?P<model_id>.*)/predictions/?$", re.DOTALL)


def _done(answer: Answer) -> Exchange:
    return answer
    yield  # pragma: no cover - makes this a generator


def _json(body: bytes, what: str) -> object:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise TranslationError(f"{what} from upstream is not JSON", status=502) from None


def _trace(answer: Answer) -> str | None:
    return answer.headers.get(TRACE_HEADER) or answer.headers.get("x-request-id")


# --- retries ----------------------------------------------------------------


def retry_delay(policy: RetryPolicy, attempt: int, answer: Answer | None, failure: UpstreamFailure | None) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None for no retry.

    Retried: 429 and 503 (the server refused before doing anything) and
    connect errors (nothing was sent). Never retried: timeouts, resets and
    other statuses, because a prediction is not idempotent.
    """
    if attempt >= policy.retries:
        return None
    if failure is not None:
        return policy.backoff * 2**attempt if failure.kind == "connect" else None
    if answer is None or answer.status not in (429, 503):
        return None
    floor = policy.backoff * 2**attempt
    wait = parse_retry_after(answer.headers.get("retry-after"))
    if wait is None:
        return floor
    # A Retry-After of zero, in the past or negative still waits the back-off:
    # retrying at once would spend every attempt in the same millisecond.
    return max(wait, floor) if wait <= policy.max_retry_after else None


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After``: seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is unreadable
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


# --- drivers ----------------------------------------------------------------

SyncSend = Callable[[Outgoing], Answer]
AsyncSend = Callable[[Outgoing], Awaitable[Answer]]


def run_sync(exchange: Exchange, send: SyncSend, policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> Result:
    result = Result(Answer(0, {}, b""))
    try:
        outgoing = next(exchange)
        while True:
            for attempt in range(policy.retries + 1):
                started = time.perf_counter()
                answer, failure = _call_sync(send, outgoing)
                result.upstream_seconds += time.perf_counter() - started
                _count(result, answer, failure)
                wait = retry_delay(policy, attempt, answer, failure)
                if wait is None:
                    break
                sleep(wait)
            if failure is not None:
                result.answer = failure_answer(failure)
                return result
            outgoing = exchange.send(answer)
    except StopIteration as done:
        result.answer = done.value
        return result
    except Exception as exc:  # a bug, not bad input: the caller still gets a legacy answer
        return _internal_error(result, exc)


async def run_async(exchange: Exchange, send: AsyncSend, policy: RetryPolicy) -> Result:
    result = Result(Answer(0, {}, b""))
    try:
        outgoing = next(exchange)
        while True:
            for attempt in range(policy.retries + 1):
                started = time.perf_counter()
                answer, failure = await _call_async(send, outgoing)
                result.upstream_seconds += time.perf_counter() - started
                _count(result, answer, failure)
                wait = retry_delay(policy, attempt, answer, failure)
                if wait is None:
                    break
                await asyncio.sleep(wait)
            if failure is not None:
                result.answer = failure_answer(failure)
                return result
            outgoing = exchange.send(answer)
    except StopIteration as done:
        result.answer = done.value
        return result
    except Exception as exc:  # a bug, not bad input: the caller still gets a legacy answer
        return _internal_error(result, exc)


def _count(result: Result, answer: Answer | None, failure: UpstreamFailure | None) -> None:
    result.attempts += 1
    if answer is not None:
        result.upstream_status = answer.status
    if failure is not None:
        result.failures.append(failure)


def _internal_error(result: Result, exc: BaseException) -> Result:
    result.answer = internal_error_answer(exc)
    return result


def internal_error_answer(exc: BaseException) -> Answer:
    """A legacy 500, and one log line naming the error and where it was raised.

    One line, not a traceback: a request that trips a bug can be sent again and
    again, and must not flood the log (the traceback is logged at DEBUG level).
    """
    answer = error_answer(500, "internal error in the ionos-migrate compat layer")
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f" at {frame.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.tb_lineno}" if frame else ""
    message = str(exc).replace("\n", " ")[:300]
    LOG.error("ionos-migrate: internal error%s: %s: %s (x-trace-id %s)", where, type(exc).__name__, message,
              answer.headers[TRACE_HEADER])
    LOG.debug("traceback of the internal error above", exc_info=exc)
    return answer


def _call_sync(send: SyncSend, outgoing: Outgoing) -> tuple[Answer | None, UpstreamFailure | None]:
    try:
        return send(outgoing), None
    except UpstreamFailure as failure:
        return None, failure


async def _call_async(send: AsyncSend, outgoing: Outgoing) -> tuple[Answer | None, UpstreamFailure | None]:
    try:
        return await send(outgoing), None
    except UpstreamFailure as failure:
        return None, failure
