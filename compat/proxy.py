"""The legacy-API proxy: a Starlette app that speaks the retired native API.

``GET /models`` and ``POST /models/{id}/predictions`` are answered by the
shared core (``legacy_service``) on top of the OpenAI-compatible upstream;
``/collections/**`` is forwarded unchanged to the legacy host, which still
serves it. Stateless: run more uvicorn workers or more replicas to scale.

Guarantees: the upstream hosts come from configuration only (nothing in a
request can change them); the caller's bearer token is passed on (or the
configured one when the caller sends none) and never logged; bodies above
``max_body_bytes`` get 413; every error is a legacy error body with an
``x-trace-id``, whatever the method, path or body; each answer carries
``x-ionos-migrate-overhead-ms`` and ``Server-Timing`` with the time the proxy
itself added. For operations: ``/healthz``, ``/readyz`` (the upstream
answers), ``/metrics`` (Prometheus, ``compat.metrics``) and one JSON access
line per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Literal, Mapping

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from . import rules
from .legacy_service import (
    TRACE_HEADER,
    Answer,
    LegacyService,
    Outgoing,
    Result,
    RetryPolicy,
    UpstreamFailure,
    error_answer,
    failure_message,
    internal_error_answer,
    is_translated_path,
    json_answer,
    new_trace_id,
    run_async,
)
from .model_map import ModelMap
from .runtime_defaults import DEFAULT_MAX_ANSWER, DEFAULT_MAX_BODY, DEFAULT_RETRIES, DEFAULT_TIMEOUT

ACCESS_LOG = logging.getLogger("ionos_migrate.proxy.access")
OVERHEAD_HEADER = "x-ionos-migrate-overhead-ms"
CONFIG_ENV = "IONOS_MIGRATE_PROXY_CONFIG"  # JSON, for uvicorn worker processes (--workers N)
READY_CACHE_SECONDS = 5.0  # /readyz asks the upstream at most this often
READY_PROBE_TIMEOUT = 3.0

# Never forwarded: connection-level headers, and ones the forwarder sets itself.
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
    "trailer", "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
    "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded",
})
SERVER_SET = frozenset({"date", "server"})  # uvicorn adds its own
ClientKind = Literal["aiohttp", "httpx"]
Handler = Callable[[Request, float], Awaitable[Response]]


class BodyTooLarge(Exception):
    pass


def create_app(
    *,
    upstream: str = rules.OPENAI_BASE_URL,
    collections_upstream: str = rules.LEGACY_BASE_URL,
    model_map: ModelMap | None = None,
    token: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    max_answer_bytes: int = DEFAULT_MAX_ANSWER,
    client: ClientKind = "aiohttp",
    connection_limit: int = 512,
    metrics: bool = True,
    ready_cache_seconds: float = READY_CACHE_SECONDS,
) -> Starlette:
    """The proxy app. ``client``: the pooled upstream client (aiohttp measured faster; httpx for comparison).

    ``timeout``: deadline in seconds for each upstream call, the whole answer
    included (504 after); ``max_answer_bytes``: larger upstream answers are a 502.
    """
    service = LegacyService(
        upstream=upstream,
        legacy_upstream=collections_upstream,
        model_map=model_map if model_map is not None else ModelMap.bundled(),
        token=token,
        timeout=timeout,
        retry=RetryPolicy(retries=retries),
    )
    sender = _sender(client, timeout, connection_limit, max_answer_bytes)
    proxy = _Proxy(service, sender, max_body_bytes, metrics=_metrics() if metrics else None,
                   ready_cache_seconds=ready_cache_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await sender.start()  # one pooled client per worker, made in the worker's own loop
        try:
            yield
        finally:
            await sender.close()

    app = Starlette(lifespan=lifespan)
    # Every request, whatever its method or target (``*``, a path with CR/LF in it),
    # reaches _Proxy, which routes it itself: Starlette's own 404/405/500 answers
    # are plain text without an x-trace-id, and the legacy API never answered so.
    app.router.default = proxy
    app.state.service = service
    app.state.metrics = proxy.metrics
    return app


def _metrics() -> Any:
    from .metrics import ProxyMetrics

    return ProxyMetrics()


def _sender(client: ClientKind, timeout: float, limit: int, max_answer_bytes: int) -> Any:
    from .upstream import AiohttpSender, HttpxClientSender

    if client == "aiohttp":
        return AiohttpSender(timeout, limit=limit, max_answer_bytes=max_answer_bytes)
    if client == "httpx":
        return HttpxClientSender(timeout, limit=limit, max_answer_bytes=max_answer_bytes)
    raise ValueError(f"client must be 'aiohttp' or 'httpx', not {client!r}")


class _Proxy:
    """The ASGI endpoint behind every request: routing, answers, access log, metrics."""

    def __init__(self, service: LegacyService, sender: Any, max_body_bytes: int, *, metrics: Any,
                 ready_cache_seconds: float):
        self.service = service
        self.sender = sender
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics
        self.readiness = _Readiness(service, sender, ready_cache_seconds)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":  # a websocket: the legacy API had none
            await send({"type": "websocket.close", "code": 1008})
            return
        started = time.perf_counter()
        request = Request(scope, receive)
        route, handler = self._route(scope["path"])
        if self.metrics is not None and route is not None:
            self.metrics.in_flight.inc()
        try:
            try:
                response = await handler(request, started)
            except Exception as exc:  # a bug: still a legacy answer, and one log line
                response = self._respond(request, route, Result(internal_error_answer(exc)), started)
            except asyncio.CancelledError:  # uvicorn's graceful shutdown ran out of time for this request
                message = "the proxy is shutting down and stopped waiting for the upstream (graceful timeout)"
                response = self._respond(request, route, Result(error_answer(503, message)), started)
            await response(scope, receive, send)
        finally:
            if self.metrics is not None and route is not None:
                self.metrics.in_flight.dec()

    def _route(self, path: str) -> tuple[str | None, Handler]:
        """(metrics route label, handler). Probes and /metrics have no label: they are not legacy traffic."""
        if path.startswith("/models"):
            if is_translated_path(path):
                return ("models" if path.rstrip("/") == rules.LEGACY_MODELS_PATH else "predictions"), self.translated
        elif path == "/collections" or path.startswith("/collections/"):
            return "collections", self.forward
        elif path in ("/healthz", "/readyz") or (path == "/metrics" and self.metrics is not None):
            return None, self.operations
        return "other", self.not_found

    # --- endpoints -----------------------------------------------------------

    async def operations(self, request: Request, started: float) -> Response:
        """``/healthz`` (the process answers), ``/readyz`` (the upstream does too), ``/metrics``."""
        path = request.scope["path"]
        if request.method not in ("GET", "HEAD"):
            return self._respond(request, None, Result(error_answer(405, f"{request.method} is not allowed on {path}")),
                                 started)
        if path == "/healthz":
            answer = json_answer(200, b'{"status":"ok"}')
        elif path == "/readyz":
            answer = await self.readiness.answer()
        else:
            body, content_type = self.metrics.exposition()
            answer = Answer(200, {"content-type": content_type, TRACE_HEADER: new_trace_id()}, body)
        return self._respond(request, None, Result(answer), started)

    async def translated(self, request: Request, started: float) -> Response:
        """``/models`` and ``/models/{id}/predictions``: the shared core decides (a wrong method is a legacy 405)."""
        body = await self._body_or_refusal(request, started)
        if isinstance(body, Response):
            return body
        path = request.scope["path"]
        base_url = str(request.base_url).rstrip("/") if path.rstrip("/") == rules.LEGACY_MODELS_PATH else ""
        exchange = self.service.exchange(request.method, path, request.headers, body, base_url=base_url)
        if exchange is None:  # _route sends only the core's own paths here
            return await self.not_found(request, started)
        result = await run_async(exchange, self.sender, self.service.retry)
        return self._respond(request, _route_label(path), result, started)

    async def forward(self, request: Request, started: float) -> Response:
        """``/collections/**``: to the configured legacy host, path and query kept, host fixed."""
        raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
        path = request.scope["path"]
        segments = path.split("/")
        if ".." in segments or "." in segments or "\\" in path:
            return self._respond(request, "collections", Result(error_answer(400, "path may not contain '..' segments")),
                                 started)
        body = await self._body_or_refusal(request, started)
        if isinstance(body, Response):
            return body
        query = request.scope.get("query_string", b"")
        url = self.service.legacy_upstream + raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        outgoing = Outgoing(request.method, url, self._forward_headers(request.headers), body or None)
        result = await run_async(self.service.passthrough(outgoing), self.sender, self.service.retry)
        answer = result.answer
        answer.headers = {k: v for k, v in answer.headers.items() if k not in HOP_BY_HOP and k not in SERVER_SET}
        return self._respond(request, "collections", result, started)

    async def not_found(self, request: Request, started: float) -> Response:
        message = f"{request.method} {request.scope['path']} is not an endpoint of the legacy API"
        return self._respond(request, "other", Result(error_answer(404, message)), started)

    # --- helpers -------------------------------------------------------------

    async def _body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise BodyTooLarge
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    async def _body_or_refusal(self, request: Request, started: float) -> bytes | Response:
        """The body, or the answer that refuses it (413 over the limit, 400 if the client went away)."""
        route = _route_label(request.scope["path"])
        try:
            return await self._body(request)
        except BodyTooLarge:
            message = f"request body is larger than {self.max_body_bytes} bytes"
            return self._respond(request, route, Result(error_answer(413, message)), started)
        except ClientDisconnect:
            message = "the client closed the connection before its request body arrived"
            return self._respond(request, route, Result(error_answer(400, message)), started)

    def _forward_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        out = {name: value for name, value in headers.items() if name not in HOP_BY_HOP}
        if "authorization" not in out and self.service.token:
            out["authorization"] = f"Bearer {self.service.token}"
        return out

    def _respond(self, request: Request, route: str | None, result: Result, started: float) -> Response:
        answer: Answer = result.answer
        total = time.perf_counter() - started
        own = max(0.0, total - result.upstream_seconds)
        own_ms, upstream_ms = own * 1000, result.upstream_seconds * 1000
        headers = dict(answer.headers)
        if TRACE_HEADER not in headers:  # the core's answers have one; forwarded ones may not
            headers[TRACE_HEADER] = new_trace_id()
        headers[OVERHEAD_HEADER] = f"{own_ms:.3f}"
        headers["server-timing"] = f"shim;dur={own_ms:.3f}, upstream;dur={upstream_ms:.3f}"
        media_type = headers.pop("content-type", None)
        if route is not None:  # legacy traffic; probes and scrapes are neither logged nor counted
            if self.metrics is not None:
                self.metrics.observe(route, request.method, answer.status, total, own, result)
            if ACCESS_LOG.isEnabledFor(logging.INFO):
                ACCESS_LOG.info(access_line(request.method, request.scope["path"], answer.status, result, upstream_ms,
                                            own_ms, headers[TRACE_HEADER]))
        return Response(answer.body, status_code=answer.status, headers=headers, media_type=media_type)


def access_line(method: str, path: str, status: int, result: Result, upstream_ms: float, own_ms: float,
                trace_id: str) -> str:
    """One JSON access-log line. No headers (tokens), no query string (it may carry secrets)."""
    line: dict[str, Any] = {
        "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "method": method,
        "path": path,
        "status": status,
        "upstream_status": result.upstream_status,
        "attempts": result.attempts,
        "upstream_ms": round(upstream_ms, 3),
        "own_ms": round(own_ms, 3),
        "trace_id": trace_id,
    }
    if result.failures:
        line["error"] = result.failures[-1].describe()
    return json.dumps(line, separators=(",", ":"))


def _route_label(path: str) -> str:
    if path.startswith("/collections"):
        return "collections"
    return "models" if path.rstrip("/") == rules.LEGACY_MODELS_PATH else "predictions"


class _Readiness:
    """``/readyz``: does the upstream answer at all? Asked at most every ``cache_seconds``, one probe at a time.

    Any HTTP answer below 500 counts (a 401 still proves the upstream is there);
    a refused connection, a DNS or TLS failure, a timeout or a 5xx does not.
    """

    def __init__(self, service: LegacyService, sender: Any, cache_seconds: float):
        self.service = service
        self.sender = sender
        self.cache_seconds = cache_seconds
        self._checked_at = -float("inf")
        self._answer: Answer | None = None
        self._lock: asyncio.Lock | None = None  # made in the worker's own loop

    async def answer(self) -> Answer:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._answer is None or time.monotonic() - self._checked_at >= self.cache_seconds:
                self._answer = await self._probe()
                self._checked_at = time.monotonic()
        return Answer(self._answer.status, {**self._answer.headers, TRACE_HEADER: new_trace_id()}, self._answer.body)

    async def _probe(self) -> Answer:
        from .upstream import host_of

        url = self.service.openai_url(rules.OPENAI_MODELS_PATH)
        outgoing = Outgoing("GET", url, self.service.upstream_headers({}))
        try:
            upstream = await asyncio.wait_for(self.sender(outgoing), READY_PROBE_TIMEOUT)
        except UpstreamFailure as failure:
            return error_answer(503, f"not ready: {failure_message(failure)[1]}")
        except asyncio.TimeoutError:
            return error_answer(503, f"not ready: the upstream {host_of(url)} did not answer within "
                                     f"{READY_PROBE_TIMEOUT:g} s")
        if upstream.status >= 500:
            return error_answer(503, f"not ready: the upstream {host_of(url)} answered HTTP {upstream.status}")
        body = json.dumps({"status": "ready", "upstream": host_of(url), "upstream_status": upstream.status})
        return json_answer(200, body.encode())


# --- worker processes -----------------------------------------------------------


def app_from_env() -> Starlette:
    """uvicorn factory for ``--workers N``: each worker rebuilds the app from ``IONOS_MIGRATE_PROXY_CONFIG``."""
    from ionos_migrate.config import load_model_map, load_project_config

    config = json.loads(os.environ[CONFIG_ENV])
    model_map_file = config.pop("model_map_file", None)
    project = config.pop("project", ".")
    if config.pop("access_log", False):
        log_access_to_stderr()
    model_map = load_model_map(load_project_config([Path(project)]), Path(model_map_file) if model_map_file else None)
    return create_app(model_map=model_map, **config)


def log_access_to_stderr() -> None:
    """One JSON line per request on stderr (set up in each worker: workers do not inherit logging)."""
    import sys

    if ACCESS_LOG.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    ACCESS_LOG.addHandler(handler)
    ACCESS_LOG.setLevel(logging.INFO)
    ACCESS_LOG.propagate = False
