"""Senders: how the core's :class:`Outgoing` calls reach the upstream.

The in-process shim sends through httpx *transports* used directly (not a
``Client``), so its own calls never pass through the interception it
installs on ``httpx.Client``. The proxy sends through one pooled
``aiohttp.ClientSession`` per worker: measured faster than
``httpx.AsyncClient`` under concurrency (bench/bench_proxy.py).
Every failure becomes an :class:`UpstreamFailure` of a known kind.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from typing import Any

import httpx

from .legacy_service import DEFAULT_CONNECT_TIMEOUT, Answer, Outgoing, UpstreamFailure


def _timeouts(timeout: float) -> dict[str, float]:
    connect = min(timeout, DEFAULT_CONNECT_TIMEOUT)
    return {"connect": connect, "read": timeout, "write": timeout, "pool": timeout}


def _httpx_request(outgoing: Outgoing, timeout: float) -> httpx.Request:
    return httpx.Request(outgoing.method, outgoing.url, headers=outgoing.headers, content=outgoing.body,
                         extensions={"timeout": _timeouts(timeout)})


def _httpx_failure(exc: httpx.TransportError) -> UpstreamFailure:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return UpstreamFailure("connect", type(exc).__name__)
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamFailure("timeout", type(exc).__name__)
    return UpstreamFailure("protocol", type(exc).__name__)


class SyncHttpxSender:
    """Thread-safe, pooled: one ``httpx.HTTPTransport`` for the whole process."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._transport = httpx.HTTPTransport()

    def __call__(self, outgoing: Outgoing) -> Answer:
        try:
            response = self._transport.handle_request(_httpx_request(outgoing, self.timeout))
            try:
                body = response.read()
            finally:
                response.close()
        except httpx.TransportError as exc:
            raise _httpx_failure(exc) from None
        return Answer(response.status_code, _lower(response.headers.multi_items()), body)

    def close(self) -> None:
        self._transport.close()


class AsyncHttpxSender:
    """Pooled per event loop: an async connection pool belongs to the loop that made it."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncHTTPTransport]" = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def _transport(self) -> httpx.AsyncHTTPTransport:
        loop = asyncio.get_running_loop()
        with self._lock:
            transport = self._pools.get(loop)
            if transport is None:
                transport = self._pools[loop] = httpx.AsyncHTTPTransport()
        return transport

    async def __call__(self, outgoing: Outgoing) -> Answer:
        try:
            response = await self._transport().handle_async_request(_httpx_request(outgoing, self.timeout))
            try:
                body = await response.aread()
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            raise _httpx_failure(exc) from None
        return Answer(response.status_code, _lower(response.headers.multi_items()), body)


class AiohttpSender:
    """The proxy's sender: one pooled session, created inside the worker's event loop."""

    def __init__(self, timeout: float, *, limit: int = 512):
        import aiohttp

        self._aiohttp = aiohttp
        self.timeout = timeout
        self.limit = limit
        self._session: Any = None

    async def start(self) -> None:
        aiohttp = self._aiohttp
        connector = aiohttp.TCPConnector(limit=self.limit, limit_per_host=0, ttl_dns_cache=300)
        timeout = aiohttp.ClientTimeout(total=None, connect=min(self.timeout, DEFAULT_CONNECT_TIMEOUT),
                                        sock_read=self.timeout)
        # auto_decompress=False is not used: the core needs the decoded JSON.
        self._session = aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False,
                                              skip_auto_headers=("User-Agent",))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __call__(self, outgoing: Outgoing) -> Answer:
        aiohttp = self._aiohttp
        try:
            async with self._session.request(outgoing.method, outgoing.url, headers=outgoing.headers,
                                             data=outgoing.body, allow_redirects=False) as response:
                body = await response.read()
                return Answer(response.status, _lower(response.headers.items()), body)
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as exc:
            raise UpstreamFailure("connect", type(exc).__name__) from None
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise UpstreamFailure("timeout", type(exc).__name__) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise UpstreamFailure("protocol", type(exc).__name__) from None

    @property
    def session(self) -> Any:
        return self._session


def _lower(items: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


class HttpxClientSender:
    """The alternative the proxy was measured against: one pooled ``httpx.AsyncClient``."""

    def __init__(self, timeout: float, *, limit: int = 512):
        self.timeout = timeout
        self.limit = limit
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, DEFAULT_CONNECT_TIMEOUT)),
            limits=httpx.Limits(max_connections=self.limit, max_keepalive_connections=self.limit),
            trust_env=False,
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __call__(self, outgoing: Outgoing) -> Answer:
        assert self._client is not None
        try:
            response = await self._client.request(outgoing.method, outgoing.url, headers=outgoing.headers,
                                                  content=outgoing.body)
        except httpx.TransportError as exc:
            raise _httpx_failure(exc) from None
        return Answer(response.status_code, _lower(response.headers.multi_items()), response.content)
