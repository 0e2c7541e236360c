"""Senders: how the core's :class:`Outgoing` calls reach the upstream.

The in-process shim sends through ``httpx`` clients that honour the
environment (HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE), as the code it stands in
for did. Its own calls go to the configured upstreams only, which the
interception leaves alone, so they never loop back into it. The proxy sends through one pooled
``aiohttp.ClientSession`` per worker: measured faster than
``httpx.AsyncClient`` under concurrency (bench/bench_proxy.py).
Every failure becomes an :class:`UpstreamFailure` of a known kind, naming
the upstream host and the cause (refused, DNS, TLS, reset, timeout, too large).

Two bounds hold for every upstream call: ``timeout`` is a deadline for the
whole call (connect, send, and the last byte of the answer), not an idle
timeout, so an upstream trickling its answer cannot hold a request forever;
and ``max_answer_bytes`` caps the answer (counted after decompression).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import socket
import ssl
import threading
import time
import weakref
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx

from .legacy_service import Answer, FailureKind, Outgoing, UpstreamFailure
from .runtime_defaults import DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ANSWER, DEFAULT_TIMEOUT


def _no_cookies() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing: one caller's upstream cookies must never reach another caller.

    (A ``CookieJar``, not ``httpx.Cookies``: a client copies the latter into a jar of its own.)"""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


# --- failures: what went wrong, and where ---------------------------------------


def host_of(url: str) -> str:
    """``host:port`` of a URL, as logs and error messages name the upstream (never its userinfo)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{parts.port}" if parts.port else host


_DNS_WORDS = ("name or service not known", "temporary failure in name resolution", "nodename nor servname",
              "getaddrinfo failed", "no address associated")


def failure_cause(exc: BaseException, default: str) -> str:
    """The cause key (see ``legacy_service.CAUSES``) of a transport error, from it and the errors it wraps."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        if isinstance(current, socket.gaierror) or name == "ClientConnectorDNSError" or any(
                word in str(current).lower() for word in _DNS_WORDS):
            return "dns"
        if isinstance(current, (ssl.SSLError, ssl.CertificateError)) or "SSL" in name or "Certificate" in name:
            return "tls"
        if isinstance(current, ConnectionRefusedError):
            return "refused"
        if isinstance(current, (ConnectionResetError, BrokenPipeError)) or name == "ServerDisconnectedError":
            return "reset"
        current = current.__cause__ or current.__context__ or getattr(current, "os_error", None)
    return default


def upstream_failure(kind: FailureKind, exc: BaseException, outgoing: Outgoing, timeout: float) -> UpstreamFailure:
    host = host_of(outgoing.url)
    if kind == "timeout":
        return UpstreamFailure("timeout", f"no complete answer within {timeout:g} s", cause="timeout", host=host)
    if kind == "connect":
        default = "connect_timeout" if "Timeout" in type(exc).__name__ else "connect"
    else:
        default = "protocol"
    return UpstreamFailure(kind, type(exc).__name__, cause=failure_cause(exc, default), host=host)


def too_large(outgoing: Outgoing, limit: int) -> UpstreamFailure:
    return UpstreamFailure("protocol", f"the answer is larger than the limit of {limit:,} bytes", cause="too_large",
                           host=host_of(outgoing.url))


# --- httpx, for the in-process shim -----------------------------------------------


def _httpx_timeout(timeout: float) -> httpx.Timeout:
    return httpx.Timeout(timeout, connect=min(timeout, DEFAULT_CONNECT_TIMEOUT))


def _httpx_kind(exc: httpx.TransportError) -> FailureKind:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return "connect"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    return "protocol"


def _capped(chunks: Iterator[bytes], outgoing: Outgoing, limit: int, deadline: float, timeout: float) -> bytes:
    """The answer's bytes, failing past ``limit`` bytes or past the ``deadline`` (checked as bytes arrive;
    a silent upstream is stopped by the read timeout, which is never longer than the deadline)."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise too_large(outgoing, limit)
        if time.monotonic() > deadline:
            raise UpstreamFailure("timeout", f"no complete answer within {timeout:g} s", cause="timeout",
                                  host=host_of(outgoing.url))
        parts.append(chunk)
    return b"".join(parts)


def _declared_too_large(headers: httpx.Headers, limit: int) -> bool:
    declared = headers.get("content-length", "")
    return declared.isdigit() and "content-encoding" not in headers and int(declared) > limit


def _httpx_send(client: httpx.Client, outgoing: Outgoing, timeout: float, limit: int) -> Answer:
    deadline = time.monotonic() + timeout
    try:
        with client.stream(outgoing.method, outgoing.url, headers=outgoing.headers, content=outgoing.body) as response:
            if _declared_too_large(response.headers, limit):
                raise too_large(outgoing, limit)
            body = _capped(response.iter_bytes(), outgoing, limit, deadline, timeout)
    except httpx.TransportError as exc:
        raise upstream_failure(_httpx_kind(exc), exc, outgoing, timeout) from None
    return Answer(response.status_code, _lower(response.headers.multi_items()), body)


async def _httpx_send_async(client: httpx.AsyncClient, outgoing: Outgoing, timeout: float, limit: int) -> Answer:
    async def send() -> Answer:
        async with client.stream(outgoing.method, outgoing.url, headers=outgoing.headers,
                                 content=outgoing.body) as response:
            if _declared_too_large(response.headers, limit):
                raise too_large(outgoing, limit)
            parts, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise too_large(outgoing, limit)
                parts.append(chunk)
            return Answer(response.status_code, _lower(response.headers.multi_items()), b"".join(parts))

    try:
        return await asyncio.wait_for(send(), timeout)  # the deadline for the whole call
    except asyncio.TimeoutError as exc:
        raise upstream_failure("timeout", exc, outgoing, timeout) from None
    except httpx.TransportError as exc:
        raise upstream_failure(_httpx_kind(exc), exc, outgoing, timeout) from None


class SyncHttpxSender:
    """Thread-safe, pooled: one ``httpx.Client`` for the whole process."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, max_answer_bytes: int = DEFAULT_MAX_ANSWER):
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes
        self._client = httpx.Client(timeout=_httpx_timeout(timeout), trust_env=True, cookies=_no_cookies())

    def __call__(self, outgoing: Outgoing) -> Answer:
        return _httpx_send(self._client, outgoing, self.timeout, self.max_answer_bytes)

    def close(self) -> None:
        self._client.close()


class AsyncHttpxSender:
    """Pooled per event loop: an async connection pool belongs to the loop that made it.

    Each loop's client is closed when the loop shuts down (``asyncio.run`` does
    that): a started async generator is finalised by ``shutdown_asyncgens``, and
    its ``finally`` closes the client, so no connection is left unclosed.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, max_answer_bytes: int = DEFAULT_MAX_ANSWER):
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes
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
        return await _httpx_send_async(await self._client(), outgoing, self.timeout, self.max_answer_bytes)


async def _close_at_loop_shutdown(client: httpx.AsyncClient) -> Any:
    try:
        yield
    finally:
        await client.aclose()


class AiohttpSender:
    """The proxy's sender: one pooled session, created inside the worker's event loop."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, *, limit: int = 512, max_answer_bytes: int = DEFAULT_MAX_ANSWER):
        import aiohttp

        self._aiohttp = aiohttp
        self.timeout = timeout
        self.limit = limit
        self.max_answer_bytes = max_answer_bytes
        self._session: Any = None
        self._proxies: dict[str, str | None] = {}

    async def start(self) -> None:
        aiohttp = self._aiohttp
        connector = aiohttp.TCPConnector(limit=self.limit, limit_per_host=0, ttl_dns_cache=300)
        # total: a deadline for the whole call, reading the answer included (an idle
        # timeout alone lets an upstream that trickles its answer hold a request forever)
        timeout = aiohttp.ClientTimeout(total=self.timeout, connect=min(self.timeout, DEFAULT_CONNECT_TIMEOUT),
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
                return Answer(response.status, _lower(response.headers.items()), await self._read(response, outgoing))
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as exc:
            raise upstream_failure("connect", exc, outgoing, self.timeout) from None
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise upstream_failure("timeout", exc, outgoing, self.timeout) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise upstream_failure("protocol", exc, outgoing, self.timeout) from None

    async def _read(self, response: Any, outgoing: Outgoing) -> bytes:
        """The answer's body, at most ``max_answer_bytes`` of it (after decompression)."""
        limit = self.max_answer_bytes
        length = response.content_length
        if length is not None and "Content-Encoding" not in response.headers:
            if length > limit:
                raise too_large(outgoing, limit)
            return await response.read()  # aiohttp reads no more than the declared length
        parts, size = [], 0
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > limit:
                raise too_large(outgoing, limit)
            parts.append(chunk)
        return b"".join(parts)

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

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, *, limit: int = 512, max_answer_bytes: int = DEFAULT_MAX_ANSWER):
        self.timeout = timeout
        self.limit = limit
        self.max_answer_bytes = max_answer_bytes
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
        return await _httpx_send_async(self._client, outgoing, self.timeout, self.max_answer_bytes)
