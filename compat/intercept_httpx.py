"""httpx and httpx2: a transport for the legacy and OpenAI hosts, in every client.

Patch: ``Client._transport_for_url`` and ``AsyncClient._transport_for_url``
(the one place a client picks the transport for a URL; httpx's ``mounts``
work through it) return :class:`ShimTransport` / :class:`AsyncShimTransport`
for URLs on those two hosts, wrapping the transport the client would have
used. Clients made before ``install()`` are covered; other URLs cost one
set lookup. The same code serves ``httpx2`` (the fork the openai SDK 3.x
uses), which keeps httpx's API.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from .shim import INTERCEPTED_HOSTS

if TYPE_CHECKING:
    from .legacy_service import Answer


def patch(httpx: ModuleType, router: Any, patcher: Any) -> None:
    sync_original = httpx.Client._transport_for_url
    async_original = httpx.AsyncClient._transport_for_url

    def sync_transport_for_url(self: Any, url: Any) -> Any:
        if url.host in INTERCEPTED_HOSTS:
            return ShimTransport(httpx, router, lambda target: sync_original(self, target))
        return sync_original(self, url)

    def async_transport_for_url(self: Any, url: Any) -> Any:
        if url.host in INTERCEPTED_HOSTS:
            return AsyncShimTransport(httpx, router, lambda target: async_original(self, target))
        return async_original(self, url)

    patcher.set(httpx.Client, "_transport_for_url", sync_transport_for_url)
    patcher.set(httpx.AsyncClient, "_transport_for_url", async_transport_for_url)


class ShimTransport:
    """Answers translated requests; hands the rest to the client's own transport."""

    def __init__(self, httpx: ModuleType, router: Any, real_transport: Callable[[Any], Any], *, owned: Any = None):
        self.httpx = httpx
        self.router = router
        self.real_transport = real_transport
        self.owned = owned  # a real transport this one made itself, and so closes

    def __enter__(self) -> "ShimTransport":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def handle_request(self, request: Any) -> Any:
        decision = self.router.decide(request.method, str(request.url))
        if decision is None:
            return self.real_transport(request.url).handle_request(request)
        if decision.kind == "reroute":
            _reroute(self.httpx, self.router, request, decision.url)
            return self.real_transport(request.url).handle_request(request)
        answer = self.router.run_sync(request.method, decision.path, _headers(request), request.read())
        return _response(self.httpx, answer)

    def close(self) -> None:  # a client closes its own real transports itself
        if self.owned is not None:  # mounted by httpx_transport(): the router is ours too
            self.owned.close()
            self.router.close()


class AsyncShimTransport(ShimTransport):
    async def handle_async_request(self, request: Any) -> Any:
        decision = self.router.decide(request.method, str(request.url))
        if decision is None:
            return await self.real_transport(request.url).handle_async_request(request)
        if decision.kind == "reroute":
            _reroute(self.httpx, self.router, request, decision.url)
            return await self.real_transport(request.url).handle_async_request(request)
        body = await request.aread()
        answer = await self.router.run_async(request.method, decision.path, _headers(request), body)
        return _response(self.httpx, answer)

    async def __aenter__(self) -> "AsyncShimTransport":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self.owned is not None:
            await self.owned.aclose()
            self.router.close()


def _reroute(httpx: ModuleType, router: Any, request: Any, url: str) -> None:
    request.url = httpx.URL(url)
    request.headers["Host"] = request.url.netloc.decode("ascii")
    if "authorization" not in request.headers and router.default_authorization:
        request.headers["Authorization"] = router.default_authorization


def _headers(request: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


def _response(httpx: ModuleType, answer: Answer) -> Any:
    return httpx.Response(answer.status, headers=list(answer.headers.items()), content=answer.body)
