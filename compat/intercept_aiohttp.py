"""aiohttp: every ``ClientSession``'s requests to the legacy and OpenAI hosts.

Patch: ``ClientSession._request`` (what ``get``/``post``/``request`` all
call). aiohttp has no pluggable transport, and its client middlewares
cannot answer a request without a connection, so this one private method
is wrapped. For the two hosts: translated requests are answered with a
``ClientResponse`` built from the core's answer (``read``/``text``/``json``/
``raise_for_status``/``async with`` behave as usual); rerouted ones call
the original with the new URL. Everything else goes to the original.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .shim import INTERCEPTED_HOSTS, body_bytes

if TYPE_CHECKING:
    from .legacy_service import Answer


def patch(aiohttp: ModuleType, router: Any, patcher: Any) -> None:
    from multidict import CIMultiDict
    from yarl import URL

    session_class = aiohttp.ClientSession
    original = session_class._request

    async def _request(self: Any, method: str, str_or_url: Any, **kwargs: Any) -> Any:
        url = self._build_url(str_or_url) if hasattr(self, "_build_url") else URL(str_or_url)
        if url.host not in INTERCEPTED_HOSTS:
            return await original(self, method, str_or_url, **kwargs)
        params = kwargs.pop("params", None)
        if params:
            url = url.extend_query(params)  # as aiohttp itself builds the request
        decision = router.decide(method.upper(), str(url))
        if decision is None:
            return await original(self, method, url, **kwargs)
        if decision.kind == "reroute":
            headers = CIMultiDict(kwargs.pop("headers", None) or {})  # as aiohttp takes them: a mapping or pairs
            headers.popall("Host", None)
            if router.default_authorization and not _has_credentials(self, headers, kwargs.get("auth")):
                headers["Authorization"] = router.default_authorization
            return await original(self, method, URL(decision.url, encoded=True), headers=headers, **kwargs)
        headers = _headers(self, kwargs.get("headers"))
        body = _body_bytes(kwargs.get("data"), kwargs.get("json"), headers, self)
        answer = await router.run_async(method.upper(), decision.path, headers, body)
        response = _response(aiohttp, self, method.upper(), url, headers, answer)
        await _maybe_raise(self, response, kwargs.get("raise_for_status"))
        return response

    patcher.set(session_class, "_request", _request)


def _has_credentials(session: Any, headers: Any, auth: Any) -> bool:
    """An Authorization header, or ``auth=`` on the call or the session (aiohttp refuses both at once)."""
    return auth is not None or getattr(session, "_default_auth", None) is not None or "authorization" in _headers(session, headers)


def _headers(session: Any, headers: Any) -> dict[str, str]:
    merged = {name.lower(): value for name, value in (session.headers or {}).items()}
    if headers:
        merged.update({name.lower(): value for name, value in dict(headers).items()})
    return merged


def _body_bytes(data: Any, json: Any, headers: dict[str, str], session: Any) -> bytes:
    if json is not None:
        dumps = getattr(session, "_json_serialize", jsonlib.dumps)
        headers.setdefault("content-type", "application/json")
        return dumps(json).encode("utf-8")
    if isinstance(data, dict):  # a form; the legacy API wanted JSON, the core says so
        from urllib.parse import urlencode

        return urlencode(data).encode("ascii")
    if data is None or isinstance(data, (bytes, bytearray, str)) or hasattr(data, "read"):
        return body_bytes(data)
    raise TypeError(f"ionos-migrate shim: cannot read a request body of type {type(data).__name__}")


class _SentWriter:
    """Stands in for the stream writer of a request that was already sent."""

    output_size = 0


def _response(aiohttp: ModuleType, session: Any, method: str, url: Any, request_headers: dict[str, str],
              answer: Answer) -> Any:
    from multidict import CIMultiDict, CIMultiDictProxy

    from aiohttp.base_protocol import BaseProtocol
    from aiohttp.client_reqrep import RequestInfo

    loop = asyncio.get_running_loop()
    request_info = RequestInfo(url, method, CIMultiDictProxy(CIMultiDict(request_headers)), url)
    response = aiohttp.ClientResponse(
        method, url, writer=None, continue100=None, timer=None, request_info=request_info,
        traces=[], loop=loop, session=session, stream_writer=_SentWriter(),
    )
    headers = CIMultiDict(answer.headers)
    headers["Content-Length"] = str(len(answer.body))
    response.status = answer.status
    response.reason = answer.reason
    response._headers = CIMultiDictProxy(headers)
    response._raw_headers = tuple((k.encode(), v.encode()) for k, v in headers.items())
    # a limit above the body's size: the reader never asks the (absent) connection to pause
    content = aiohttp.StreamReader(BaseProtocol(loop), max(2**16, len(answer.body) + 1), loop=loop)
    content.feed_data(answer.body)
    content.feed_eof()
    response.content = content
    response._body = answer.body
    return response


async def _maybe_raise(session: Any, response: Any, per_request: Any) -> None:
    setting = per_request if per_request is not None else getattr(session, "_raise_for_status", False)
    if setting is True:
        response.raise_for_status()
    elif callable(setting):
        await setting(response)
