"""Senders: how the core's :class:`Outgoing` calls reach the upstream.

The in-process shim sends through ``httpx`` clients that honour the
environment (HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE), as the code it stands in
for did. Its own calls go to the configured upstreams only, which the
interception leaves alone, so they never loop back into it. The proxy sends through one pooled
``aiohttp.ClientSession`` per worker: measured faster than
``httpx.AsyncClient`` under concurrency (bench/bench_proxy.py).
Every failure becomes an :class:`UpstreamFailure` of a known kind.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import threading
import weakref
from typing import Any

import httpx

from .legacy_service import Answer, Outgoing, UpstreamFailure
from .runtime_defaults import DEFAULT_CONNECT_TIMEOUT


def _no_cookies() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing: one caller's upstream cookies must never reach another caller.

    (A ``CookieJar``, not ``httpx.Cookies``: a client copies the latter into a jar of its own.)"""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _httpx_timeout(timeout: float) -> httpx.Timeout:
    return httpx.Timeout(timeout, connect=min(timeout, DEFAULT_CONNECT_TIMEOUT))


def _httpx_failure(exc: httpx.TransportError) -> UpstreamFailure:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return UpstreamFailure("connect", type(exc).__name__)
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamFailure("timeout", type(exc).__name__)
    return UpstreamFailure("protocol", type(exc).__name__)


def _httpx_send(client: httpx.Client, outgoing: Outgoing) -> Answer:
    try:
        response = client.request(outgoing.method, outgoing.url, headers=outgoing.headers, content=outgoing.body)
    except httpx.TransportError as exc:
        raise _httpx_failure(exc) from None
    return Answer(response.status_code, _lower(response.headers.multi_items()), response.content)


async def _httpx_send_async(client: httpx.AsyncClient, outgoing: Outgoing) -> Answer:
    try:
        response = await client.request(outgoing.method, outgoing.url, headers=outgoing.headers, content=outgoing.body)
    except httpx.TransportError as exc:
        raise _httpx_failure(exc) from None
    return Answer(response.status_code, _lower(response.headers.multi_items()), response.content)


class SyncHttpxSender:
    """Thread-safe, pooled: one ``httpx.Client`` for the whole process."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._client = httpx.Client(timeout=_httpx_timeout(timeout), trust_env=True, cookies=_no_cookies())

    def __call__(self, outgoing: Outgoing) -> Answer:
        return _httpx_send(self._client, outgoing)

    def close(self) -> None:
        self._client.close()


class AsyncHttpxSender:
    """Pooled per event loop: an async connection pool belongs to the loop that made it.

    Each loop's client is closed when the loop shuts down (``asyncio.run`` does
    that): a started async generator is finalised by ``shutdown_asyncgens``, and
    its ``finally`` closes the client, so no connection is left unclosed.
    """

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, Any]]" = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    async def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._clients.get(loop)
            fresh = entry is None
            if entry is None:
                client = httpx.AsyncClient(timeout=_httpx_timeout(self.timeout), trust_env=True, cookies=_no_cookies())
                entry = self._clients[loop] = (client, _close_at_loop_shutdown(client))
        if fresh:
            await entry[1].__anext__()  # started inside the loop, so the loop finalises it
        return entry[0]

    async def __call__(self, outgoing: Outgoing) -> Answer:
        return await _httpx_send_async(await self._client(), outgoing)


async def _close_at_loop_shutdown(client: httpx.AsyncClient) -> Any:
    try:
        yield
    finally:
        await client.aclose()


class AiohttpSender:
    """The proxy's sender: one pooled session, created inside the worker's event loop."""

    def __init__(self, timeout: float, *, limit: int = 512):
        import aiohttp

        self._aiohttp = aiohttp
        self.timeout = timeout
        self.limit = limit
        self._session: Any = None
        self._proxies: dict[str, str | None] = {}

    async def start(self) -> None:
        aiohttp = self._aiohttp
        connector = aiohttp.TCPConnector(limit=self.limit, limit_per_host=0, ttl_dns_cache=300)
        timeout = aiohttp.ClientTimeout(total=None, connect=min(self.timeout, DEFAULT_CONNECT_TIMEOUT),
                                        sock_read=self.timeout)
        # DummyCookieJar: one caller's upstream cookies must never reach another caller.
        # trust_env=False: aiohttp would re-read the proxy variables and ~/.netrc on every
        # request (a third of the proxy's CPU); the upstreams are fixed, so proxies are
        # resolved once per host instead (_proxy_for).
        self._session = aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False,
                                              cookie_jar=aiohttp.DummyCookieJar(),
                                              skip_auto_headers=("User-Agent",))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __call__(self, outgoing: Outgoing) -> Answer:
        aiohttp = self._aiohttp
        try:
            async with self._session.request(outgoing.method, outgoing.url, headers=outgoing.headers,
                                             data=outgoing.body, allow_redirects=False,
                                             proxy=self._proxy_for(outgoing.url)) as response:
                body = await response.read()
                return Answer(response.status, _lower(response.headers.items()), body)
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as exc:
            raise UpstreamFailure("connect", type(exc).__name__) from None
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise UpstreamFailure("timeout", type(exc).__name__) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise UpstreamFailure("protocol", type(exc).__name__) from None

    def _proxy_for(self, url: str) -> str | None:
        """HTTPS_PROXY / HTTP_PROXY / NO_PROXY for this URL's origin, looked up once per origin."""
        scheme, _, rest = url.partition("://")
        origin = f"{scheme}://{rest.split('/', 1)[0]}"
        if origin not in self._proxies:
            self._proxies[origin] = env_proxy(scheme, rest.split("/", 1)[0])
        return self._proxies[origin]


def env_proxy(scheme: str, netloc: str) -> str | None:
    import urllib.request

    proxies = urllib.request.getproxies_environment()
    host = netloc.rsplit("@", 1)[-1]
    if not proxies.get(scheme) or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return proxies[scheme]


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
            timeout=_httpx_timeout(self.timeout),
            limits=httpx.Limits(max_connections=self.limit, max_keepalive_connections=self.limit),
            trust_env=True,
            cookies=_no_cookies(),
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __call__(self, outgoing: Outgoing) -> Answer:
        assert self._client is not None
        return await _httpx_send_async(self._client, outgoing)
