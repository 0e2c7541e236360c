"""A recording pass-through for ``verify --upstream URL`` (a live check).

Requests under ``/v1`` go to the OpenAI-compatible ``upstream``, anything
else to the legacy host (collections are still live there). Each request
is recorded in ``app.state.journal`` exactly as the emulator records it, so
``verify`` compares live runs the same way as offline ones. Headers pass
through (the caller's token included) but are never recorded.
"""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .emulator import ALL_METHODS, Journal, journal_entry
from .translate import openai_error

# Hop-by-hop headers and the ones httpx recomputes, never forwarded.
DROPPED_REQUEST_HEADERS = frozenset({"host", "content-length", "connection", "keep-alive", "transfer-encoding",
                                     "accept-encoding", "upgrade", "proxy-authorization", "te", "trailer"})
DROPPED_RESPONSE_HEADERS = frozenset({"content-length", "connection", "keep-alive", "transfer-encoding",
                                      "content-encoding"})


def _origin_of(openai_base: str) -> str:
    """``https://host/v1`` or ``https://host`` -> ``https://host`` (paths keep their ``/v1``)."""
    base = openai_base.rstrip("/")
    return base[: -len("/v1")] if base.endswith("/v1") else base


def create_recorder(upstream: str, legacy_upstream: str, *, timeout: float = 120.0) -> Starlette:
    openai_origin = _origin_of(upstream)
    legacy_origin = legacy_upstream.rstrip("/")
    client_holder: dict[str, httpx.AsyncClient] = {}

    def client() -> httpx.AsyncClient:
        # Created in the server's own event loop, on first use.
        if "client" not in client_holder:
            client_holder["client"] = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        return client_holder["client"]

    async def forward(request: Request) -> Response:
        raw = await request.body()
        entry = journal_entry(request, raw)
        path = request.url.path
        origin = openai_origin if path == "/v1" or path.startswith("/v1/") else legacy_origin
        target = origin + path + (f"?{request.url.query}" if request.url.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in DROPPED_REQUEST_HEADERS}
        try:
            upstream_request = client().build_request(request.method, target, headers=headers, content=raw)
            answer = await client().send(upstream_request, stream=True)
        except httpx.HTTPError as exc:
            entry["status"] = 502
            request.app.state.journal.record(entry)
            error = openai_error(502, f"upstream {origin} unreachable: {type(exc).__name__}")
            return JSONResponse(error.model_dump(mode="json", exclude_none=True), status_code=502)
        entry["status"] = answer.status_code
        request.app.state.journal.record(entry)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in DROPPED_RESPONSE_HEADERS}
        return StreamingResponse(answer.aiter_bytes(), status_code=answer.status_code, headers=kept,
                                 background=BackgroundTask(answer.aclose))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if "client" in client_holder:
            await client_holder.pop("client").aclose()

    app = Starlette(routes=[Route("/{path:path}", forward, methods=ALL_METHODS)], lifespan=lifespan)
    app.state.journal = Journal()
    return app
