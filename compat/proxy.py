"""The legacy-API proxy: a Starlette app that speaks the retired native API.

``GET /models`` and ``POST /models/{id}/predictions`` are answered by the
shared core (``legacy_service``) on top of the OpenAI-compatible upstream;
``/collections/**`` is forwarded unchanged to the legacy host, which still
serves it. Stateless: run more uvicorn workers or more replicas to scale.

Guarantees: the upstream hosts come from configuration only (nothing in a
request can change them); the caller's bearer token is passed on (or the
configured one when the caller sends none) and never logged; bodies above
``max_body_bytes`` get 413; every error is a legacy error body with an
``x-trace-id``; each answer carries ``x-ionos-migrate-overhead-ms`` and
``Server-Timing`` with the time the proxy itself added.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, AsyncIterator, Literal, Mapping

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from . import rules
from .legacy_service import (
    TRACE_HEADER,
    Answer,
    LegacyService,
    Outgoing,
    Result,
    RetryPolicy,
    error_answer,
    new_trace_id,
    run_async,
)
from .model_map import ModelMap
from .runtime_defaults import DEFAULT_MAX_BODY, DEFAULT_RETRIES, DEFAULT_TIMEOUT

ACCESS_LOG = logging.getLogger("ionos_migrate.proxy.access")
OVERHEAD_HEADER = "x-ionos-migrate-overhead-ms"
CONFIG_ENV = "IONOS_MIGRATE_PROXY_CONFIG"  # JSON, for uvicorn worker processes (--workers N)

# Never forwarded: connection-level headers, and ones the forwarder sets itself.
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
    "trailer", "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
    "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded",
})
SERVER_SET = frozenset({"date", "server"})  # uvicorn adds its own
ClientKind = Literal["aiohttp", "httpx"]


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
    client: ClientKind = "aiohttp",
    connection_limit: int = 512,
) -> Starlette:
    """The proxy app. ``client``: the pooled upstream client (aiohttp measured faster; httpx for comparison)."""
    service = LegacyService(
        upstream=upstream,
        legacy_upstream=collections_upstream,
        model_map=model_map if model_map is not None else ModelMap.bundled(),
        token=token,
        timeout=timeout,
        retry=RetryPolicy(retries=retries),
    )
    sender = _sender(client, timeout, connection_limit)
    proxy = _Proxy(service, sender, max_body_bytes)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await sender.start()  # one pooled client per worker, made in the worker's own loop
        try:
            yield
        finally:
            await sender.close()

    routes = [
        Route("/healthz", proxy.healthz, methods=["GET"]),
        Route(rules.LEGACY_MODELS_PATH, proxy.translated, methods=_ALL_METHODS),
        Route("/models/{model_id:path}/predictions", proxy.translated, methods=_ALL_METHODS),
        Route("/collections", proxy.forward, methods=_ALL_METHODS),
        Route("/collections/{rest:path}", proxy.forward, methods=_ALL_METHODS),
        Route("/{rest:path}", proxy.not_found, methods=_ALL_METHODS),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.service = service
    return app


_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _sender(client: ClientKind, timeout: float, limit: int) -> Any:
    from .upstream import AiohttpSender, HttpxClientSender

    if client == "aiohttp":
        return AiohttpSender(timeout, limit=limit)
    if client == "httpx":
        return HttpxClientSender(timeout, limit=limit)
    raise ValueError(f"client must be 'aiohttp' or 'httpx', not {client!r}")


class _Proxy:
    def __init__(self, service: LegacyService, sender: Any, max_body_bytes: int):
        self.service = service
        self.sender = sender
        self.max_body_bytes = max_body_bytes

    # --- endpoints -----------------------------------------------------------

    async def healthz(self, request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    async def translated(self, request: Request) -> Response:
        """``/models`` and ``/models/{id}/predictions``: the shared core decides (a wrong method is a legacy 405)."""
        started = time.perf_counter()
        body = await self._body_or_refusal(request, started)
        if isinstance(body, Response):
            return body
        path = request.url.path
        base_url = str(request.base_url).rstrip("/") if path.rstrip("/") == rules.LEGACY_MODELS_PATH else ""
        exchange = self.service.exchange(request.method, path, request.headers, body, base_url=base_url)
        assert exchange is not None  # the routes only send the core's own paths here
        result = await run_async(exchange, self.sender, self.service.retry)
        return self._respond(request, result, started)

    async def forward(self, request: Request) -> Response:
        """``/collections/**``: to the configured legacy host, path and query kept, host fixed."""
        started = time.perf_counter()
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        segments = request.url.path.split("/")
        if ".." in segments or "." in segments or "\\" in request.url.path:
            return self._respond(request, Result(error_answer(400, "path may not contain '..' segments")), started)
        body = await self._body_or_refusal(request, started)
        if isinstance(body, Response):
            return body
        query = request.scope.get("query_string", b"")
        url = self.service.legacy_upstream + raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        outgoing = Outgoing(request.method, url, self._forward_headers(request.headers), body or None)
        result = await run_async(self.service.passthrough(outgoing), self.sender, self.service.retry)
        answer = result.answer
        answer.headers = {k: v for k, v in answer.headers.items() if k not in HOP_BY_HOP and k not in SERVER_SET}
        return self._respond(request, result, started)

    async def not_found(self, request: Request) -> Response:
        started = time.perf_counter()
        message = f"{request.method} {request.url.path} is not an endpoint of the legacy API"
        return self._respond(request, Result(error_answer(404, message)), started)

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
        try:
            return await self._body(request)
        except BodyTooLarge:
            message = f"request body is larger than {self.max_body_bytes} bytes"
            return self._respond(request, Result(error_answer(413, message)), started)
        except ClientDisconnect:
            return Response(status_code=400)

    def _forward_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        out = {name: value for name, value in headers.items() if name not in HOP_BY_HOP}
        if "authorization" not in out and self.service.token:
            out["authorization"] = f"Bearer {self.service.token}"
        return out

    def _respond(self, request: Request, result: Result, started: float) -> Response:
        answer: Answer = result.answer
        total = time.perf_counter() - started
        overhead_ms = max(0.0, (total - result.upstream_seconds) * 1000)
        upstream_ms = result.upstream_seconds * 1000
        headers = dict(answer.headers)
        if TRACE_HEADER not in headers:  # the core's answers have one; forwarded ones may not
            headers[TRACE_HEADER] = new_trace_id()
        headers[OVERHEAD_HEADER] = f"{overhead_ms:.3f}"
        headers["server-timing"] = f"shim;dur={overhead_ms:.3f}, upstream;dur={upstream_ms:.3f}"
        media_type = headers.pop("content-type", None)
        if ACCESS_LOG.isEnabledFor(logging.INFO):
            ACCESS_LOG.info(json.dumps({
                "method": request.method,
                "path": request.url.path,  # no query string: it may carry secrets
                "status": answer.status,
                "upstream_ms": round(upstream_ms, 3),
                "overhead_ms": round(overhead_ms, 3),
                "attempts": result.attempts,
                "trace_id": headers[TRACE_HEADER],
            }, separators=(",", ":")))
        return Response(answer.body, status_code=answer.status, headers=headers, media_type=media_type)


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
