"""The wire tap behind ``Experiment(..., replay=True)``: record or replay HTTP, per context.

A :class:`~contextvars.ContextVar` says what the current context does with
HTTP: nothing (the default: every hook goes straight to the original),
*record* (send as usual, keep the exchange in a :class:`Recording`) or
*replay* (answer from a :class:`Replay`, send nothing). Threads and asyncio
tasks each have their own context, so concurrent experiments never share a
recording.

Hooks sit where a request goes on the wire, below the shim's routing and
translation, so a recording holds what really reached the upstream, the
shim's own upstream calls included:

| library | patched attribute |
|---|---|
| requests | ``requests.adapters.HTTPAdapter.send`` |
| httpx, httpx2 | ``HTTPTransport.handle_request``, ``AsyncHTTPTransport.handle_async_request`` |
| aiohttp | ``ClientSession._request`` (beneath the shim's patch of the same method) |
| urllib.request | ``AbstractHTTPHandler.do_open`` |

They are installed with the shim's machinery (``Patcher``, the post-import
hook) by :func:`enable`, the first time an experiment in replay mode is
made, and stay: outside a replayed experiment each costs one context
variable lookup. Replayed answers are built by the shim's own response
builders (``intercept_*._response``), so a candidate sees the same objects
a translated legacy call gets.
"""

from __future__ import annotations

import contextvars
import sys
import threading
from types import ModuleType
from typing import Any, Callable, Optional, Union

from .replay import Recording, Replay, Sent, recorded_answer
from .shim import Patcher, _PostImportHook, body_bytes

Tap = Union[Recording, Replay]

_current: contextvars.ContextVar[Optional[Tap]] = contextvars.ContextVar("ionos_migrate_tap", default=None)

_patcher = Patcher()  # never undone: the hooks are inert outside a replayed experiment
_hooked: set[str] = set()
_lock = threading.RLock()
_enabled = False


def current() -> Optional[Tap]:
    return _current.get()


def enter(tap: Tap) -> "contextvars.Token[Optional[Tap]]":
    """Make ``tap`` (a recording or a replay) the current context's; undo with ``reset``."""
    return _current.set(tap)


def reset(token: "contextvars.Token[Optional[Tap]]") -> None:
    _current.reset(token)


def enabled() -> bool:
    return _enabled


# --- installing -----------------------------------------------------------------------


def enable() -> None:
    """Hook every library, now and when it is imported later. Idempotent.

    When the shim is installed already, its patches are laid again on top of
    the tap's (aiohttp's ``_request`` is patched by both, and the tap must see
    what the shim sends, not what the caller asked for). That happens once,
    here; from then on the shim hooks the tap in first itself.
    """
    global _enabled
    from . import shim

    with shim._install_lock:  # no install() or uninstall() meanwhile
        if _enabled:
            return
        installation = shim._current
        relaid: list[str] = []
        if installation is not None and "aiohttp" in installation.patched:
            with installation._lock:
                relaid = list(installation.patched)
                installation.patcher.undo()
                installation.patched.clear()
        with _lock:
            sys.meta_path.insert(0, _PostImportHook({name: hook for name in HOOKS}))
            for name in HOOKS:
                if name in sys.modules:
                    hook(sys.modules[name])
            _enabled = True
        for name in relaid:  # outside _lock: the shim takes its own lock, then ours, always in that order
            installation._patch(sys.modules[name])


def hook(module: ModuleType) -> None:
    """Hook one library (idempotent). The shim calls this before patching a library itself."""
    with _lock:
        if module.__name__ in _hooked:
            return
        HOOKS[module.__name__](module)
        _hooked.add(module.__name__)


# --- requests -------------------------------------------------------------------------


def _hook_requests(requests: ModuleType) -> None:
    import requests.adapters

    from .intercept_requests import _response

    adapter_class = requests.adapters.HTTPAdapter
    original = adapter_class.send

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        tap = _current.get()
        if tap is None:
            return original(self, request, *args, **kwargs)
        if isinstance(tap, Replay):
            sent = Sent.of(request.method, request.url, request.headers.items(), body_bytes(request.body))
            return _response(requests, request, tap.answer(sent), self)
        sent = Sent.of(request.method, request.url, request.headers.items(), _in_memory(request.body))
        response = original(self, request, *args, **kwargs)
        tap.add(sent, recorded_answer(response.status_code, response.headers.items(), response.content))
        return response

    _patcher.set(adapter_class, "send", send)


# --- httpx and httpx2 -----------------------------------------------------------------


def _hook_httpx(httpx: ModuleType) -> None:
    from .intercept_httpx import _response

    sync_original = httpx.HTTPTransport.handle_request
    async_original = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: Any, request: Any) -> Any:
        tap = _current.get()
        if tap is None:
            return sync_original(self, request)
        sent = Sent.of(request.method, str(request.url), request.headers.multi_items(), request.read())
        if isinstance(tap, Replay):
            return _response(httpx, tap.answer(sent))
        response = sync_original(self, request)
        try:
            body = response.read()  # decoded, as every library's caller sees it
        finally:
            response.close()
        return _recorded_httpx(httpx, tap, sent, response, body)

    async def handle_async_request(self: Any, request: Any) -> Any:
        tap = _current.get()
        if tap is None:
            return await async_original(self, request)
        sent = Sent.of(request.method, str(request.url), request.headers.multi_items(), await request.aread())
        if isinstance(tap, Replay):
            return _response(httpx, tap.answer(sent))
        response = await async_original(self, request)
        try:
            body = await response.aread()
        finally:
            await response.aclose()
        return _recorded_httpx(httpx, tap, sent, response, body)

    _patcher.set(httpx.HTTPTransport, "handle_request", handle_request)
    _patcher.set(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)


def _recorded_httpx(httpx: ModuleType, recording: Recording, sent: Sent, response: Any, body: bytes) -> Any:
    answer = recorded_answer(response.status_code, response.headers.multi_items(), body)
    recording.add(sent, answer)
    return httpx.Response(response.status_code, headers=list(answer.headers.items()), content=body,
                          extensions=response.extensions)


# --- aiohttp ----------------------------------------------------------------------------


def _hook_aiohttp(aiohttp: ModuleType) -> None:
    from yarl import URL

    from .intercept_aiohttp import _body_bytes, _headers, _maybe_raise, _response

    session_class = aiohttp.ClientSession
    original = session_class._request

    async def _request(self: Any, method: str, str_or_url: Any, **kwargs: Any) -> Any:
        tap = _current.get()
        if tap is None:
            return await original(self, method, str_or_url, **kwargs)
        url = self._build_url(str_or_url) if hasattr(self, "_build_url") else URL(str_or_url)
        if kwargs.get("params"):
            url = url.extend_query(kwargs["params"])
        headers = _headers(self, kwargs.get("headers"))
        data, json_body = kwargs.get("data"), kwargs.get("json")
        if isinstance(tap, Replay):
            body = _body_bytes(data, json_body, headers, self)
            answer = tap.answer(Sent.of(method, str(url), headers.items(), body))
            response = _response(aiohttp, self, method.upper(), url, headers, answer)
            await _maybe_raise(self, response, kwargs.get("raise_for_status"))
            return response
        in_memory = json_body is not None or data is None or isinstance(data, (bytes, bytearray, str, dict))
        body = _body_bytes(data, json_body, headers, self) if in_memory else None  # a stream is sent, not read
        raise_setting = kwargs.pop("raise_for_status", None)
        # read before aiohttp may raise for the status and drop the body
        response = await original(self, method, str_or_url, raise_for_status=False, **kwargs)
        content = await response.read()
        tap.add(Sent.of(method, str(url), headers.items(), body),
                recorded_answer(response.status, response.headers.items(), content))
        await _maybe_raise(self, response, raise_setting)
        return response

    _patcher.set(session_class, "_request", _request)


# --- urllib -----------------------------------------------------------------------------


def _hook_urllib(urllib_request: ModuleType) -> None:
    from .intercept_urllib import _response

    handler_class = urllib_request.AbstractHTTPHandler
    original = handler_class.do_open

    def do_open(self: Any, http_class: Any, req: Any, **http_conn_args: Any) -> Any:
        tap = _current.get()
        if tap is None:
            return original(self, http_class, req, **http_conn_args)
        if isinstance(tap, Replay):
            sent = Sent.of(req.get_method(), req.full_url, req.header_items(), body_bytes(req.data))
            return _response(tap.answer(sent), req.full_url)
        sent = Sent.of(req.get_method(), req.full_url, req.header_items(), _in_memory(req.data))
        response = original(self, http_class, req, **http_conn_args)
        try:
            body = response.read()
        finally:
            response.close()
        answer = recorded_answer(response.status, response.headers.items(), body)
        tap.add(sent, answer)
        return _response(answer, req.full_url)

    _patcher.set(handler_class, "do_open", do_open)


def _in_memory(body: Any) -> Optional[bytes]:
    """A body that can be read without consuming it (bytes, str), else None: a stream is sent, not recorded."""
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray, memoryview, str)):
        return body_bytes(body)
    return None


HOOKS: dict[str, Callable[[ModuleType], None]] = {
    "requests": _hook_requests,
    "httpx": _hook_httpx,
    "httpx2": _hook_httpx,
    "aiohttp": _hook_aiohttp,
    "urllib.request": _hook_urllib,
}
