"""The in-process shim: legacy calls made by unchanged Python code keep working.

``install()`` hooks the HTTP libraries (requests, httpx, httpx2, aiohttp,
urllib.request; each at the moment it is imported, so nothing is imported
eagerly). For every request to the legacy host it decides:

- ``GET /models`` and ``POST /models/{id}/predictions``: answered by the
  shared core (``legacy_service``), which calls the OpenAI-compatible
  ``upstream`` and translates the answer back (``translate=True``);
- any other legacy-host path (``/collections...``): sent unchanged, to
  ``legacy_upstream`` when one is given;
- requests to the OpenAI host go to ``upstream`` when it is not the default.

Every other request is untouched. ``uninstall()`` puts everything back.
docs/runtime.md lists every patch.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import sys
import threading
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Mapping
from urllib.parse import unquote, urlsplit

from . import rules
from .runtime_defaults import DEFAULT_MAX_ANSWER, DEFAULT_RETRIES, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from .legacy_service import Answer, LegacyService
    from .model_map import ModelMap

INTERCEPTED_HOSTS = frozenset({rules.LEGACY_HOST, rules.OPENAI_HOST})

# library module -> "interceptor module" whose ``patch(module, router, patcher)`` hooks it
INTERCEPTORS = {
    "requests": "ionos_migrate.compat.intercept_requests",
    "httpx": "ionos_migrate.compat.intercept_httpx",
    "httpx2": "ionos_migrate.compat.intercept_httpx",
    "aiohttp": "ionos_migrate.compat.intercept_aiohttp",
    "urllib.request": "ionos_migrate.compat.intercept_urllib",
}


@dataclass(frozen=True)
class Decision:
    kind: Literal["translate", "reroute"]
    url: str = ""  # reroute: where to
    path: str = ""  # translate: the legacy path


@dataclass(frozen=True)
class ShimConfig:
    upstream: str = rules.OPENAI_BASE_URL
    legacy_upstream: str = rules.LEGACY_BASE_URL
    model_map: "ModelMap | None" = None  # None: the bundled map
    token: str | None = field(default=None, repr=False)  # a repr reaches logs and tracebacks
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    max_answer_bytes: int = DEFAULT_MAX_ANSWER


class Router:
    """Decides what happens to a request, and runs the core for translated ones.

    The core, its pydantic models and the upstream clients are built on the
    first translated request, so installing at interpreter start stays cheap.
    """

    def __init__(self, config: ShimConfig, *, translate: bool, reroute_legacy: bool, reroute_openai: bool):
        self.config = config
        self.translate = translate
        self.reroute_legacy = reroute_legacy
        self.reroute_openai = reroute_openai
        self._lock = threading.Lock()
        self._service: LegacyService | None = None
        self._senders: tuple[Any, Any] | None = None

    @property
    def service(self) -> "LegacyService":
        if self._service is None:
            with self._lock:
                if self._service is None:
                    self._service = _build_service(self.config)
        return self._service

    def _send(self) -> tuple[Any, Any]:
        """(sync sender, async sender), made on first use."""
        if self._senders is None:
            with self._lock:
                if self._senders is None:
                    from .upstream import AsyncHttpxSender, SyncHttpxSender

                    config = self.config
                    self._senders = (SyncHttpxSender(config.timeout, config.max_answer_bytes),
                                     AsyncHttpxSender(config.timeout, config.max_answer_bytes))
        return self._senders

    def decide(self, method: str, url: str) -> Decision | None:
        """None: leave the request alone."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host not in INTERCEPTED_HOSTS or parts.port not in (None, 443, 80):
            return None
        path = parts.path or "/"
        if host == rules.LEGACY_HOST:
            if self.translate and _is_translated_path(path):
                return Decision("translate", path=unquote(path))  # as a server sees it: %2F in a model name is /
            if self.reroute_legacy:
                return Decision("reroute", url=_join(self.config.legacy_upstream, path, parts.query))
            return None
        if self.reroute_openai:
            base = self.config.upstream
            if path == "/v1" or path.startswith("/v1/"):
                return Decision("reroute", url=_join(base, path[3:], parts.query))
            origin = urlsplit(base)
            return Decision("reroute", url=_join(f"{origin.scheme}://{origin.netloc}", path, parts.query))
        return None

    @property
    def default_authorization(self) -> str | None:
        """Added to intercepted requests (translated or rerouted) that carry no Authorization."""
        return f"Bearer {self.config.token}" if self.config.token else None

    def run_sync(self, method: str, path: str, headers: Mapping[str, str], body: bytes | None) -> "Answer":
        from .legacy_service import run_sync

        exchange = self.service.exchange(method, path, headers, body)
        assert exchange is not None  # decide() only routes translated paths here
        return run_sync(exchange, self._send()[0], self.service.retry).answer

    async def run_async(self, method: str, path: str, headers: Mapping[str, str], body: bytes | None) -> "Answer":
        from .legacy_service import run_async

        exchange = self.service.exchange(method, path, headers, body)
        assert exchange is not None
        return (await run_async(exchange, self._send()[1], self.service.retry)).answer

    def close(self) -> None:
        if self._senders is not None:
            self._senders[0].close()


def _build_service(config: ShimConfig) -> "LegacyService":
    from .legacy_service import LegacyService, RetryPolicy
    from .model_map import ModelMap

    return LegacyService(
        upstream=config.upstream,
        legacy_upstream=config.legacy_upstream,
        model_map=config.model_map if config.model_map is not None else ModelMap.bundled(),
        token=config.token,
        timeout=config.timeout,
        retry=RetryPolicy(retries=config.retries),
    )


def _is_translated_path(path: str) -> bool:
    return path.rstrip("/") == rules.LEGACY_MODELS_PATH or bool(rules.PREDICTIONS_PATH_RE.match(path))


def http_base_url(what: str, url: str) -> str:
    """``url`` without its trailing slash; ValueError naming ``what`` unless it is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what}: {url!r} is not an http(s) URL")
    return url.rstrip("/")


def _join(base: str, path: str, query: str) -> str:
    return base.rstrip("/") + path + (f"?{query}" if query else "")


def body_bytes(body: Any) -> bytes:
    """A request body as the HTTP libraries accept it (None, str, bytes, a file, an iterable of chunks), as bytes."""
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return body_bytes(body.read())
    return b"".join(body_bytes(chunk) for chunk in body)


# --- patching, recorded so it can be undone exactly ----------------------------

_MISSING = object()


class Patcher:
    """Sets attributes and remembers what was there (or that nothing was)."""

    def __init__(self) -> None:
        self._undo: list[tuple[Any, str, Any]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        self._undo.append((owner, name, owner.__dict__.get(name, _MISSING)))
        setattr(owner, name, value)

    def undo(self) -> None:
        for owner, name, old in reversed(self._undo):
            if old is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, old)
        self._undo.clear()


class _PostImportHook(importlib.abc.MetaPathFinder):
    """Runs a callback right after a watched module is first imported.

    It finds the module's spec the normal way and wraps that one loader
    instance's ``exec_module``; it never loads anything itself.
    """

    def __init__(self, callbacks: dict[str, Callable[[ModuleType], None]]):
        self.callbacks = callbacks
        self._busy: set[str] = set()

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        callback = self.callbacks.get(fullname)
        if callback is None or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            import importlib.util

            spec = importlib.util.find_spec(fullname)
        finally:
            self._busy.discard(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        original = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            callback(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


# --- install / uninstall ------------------------------------------------------


class _Installation:
    def __init__(self, router: Router):
        self.router = router
        self.patcher = Patcher()
        self.hook = _PostImportHook({name: self._patch for name in INTERCEPTORS})
        self.patched: list[str] = []
        self._lock = threading.RLock()

    def start(self) -> None:
        sys.meta_path.insert(0, self.hook)
        for name in INTERCEPTORS:
            module = sys.modules.get(name)
            if module is not None:
                self._patch(module)

    def _patch(self, module: ModuleType) -> None:
        import importlib

        with self._lock:
            if module.__name__ in self.patched:
                return
            _tap_beneath(module)
            interceptor = importlib.import_module(INTERCEPTORS[module.__name__])
            interceptor.patch(module, self.router, self.patcher)
            self.patched.append(module.__name__)

    def stop(self) -> None:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self.hook)
        with self._lock:
            self.patcher.undo()
            self.patched.clear()
        self.router.close()


def _tap_beneath(module: ModuleType) -> None:
    """Once ``Experiment(replay=True)`` has enabled the wire tap (tap.py), it hooks a library
    before the shim does, so the shim's patch sits on top: the tap sees what the shim sends."""
    tap = sys.modules.get("ionos_migrate.compat.tap")
    if tap is not None and tap.enabled():
        tap.hook(module)


_current: _Installation | None = None
_install_lock = threading.Lock()


def make_router(
    *,
    upstream: str | None = None,
    legacy_upstream: str | None = None,
    model_map: "ModelMap | None" = None,
    translate: bool = True,
    token: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    max_answer_bytes: int = DEFAULT_MAX_ANSWER,
) -> Router:
    """The routing and translation of :func:`install`, for one client instead of the whole process."""
    if importlib.util.find_spec("httpx") is None:  # the core install has no runtime layer: say so now, not mid-call
        raise ImportError("the in-process shim sends through httpx, which is not installed here: "
                          "pip install 'ionos-migrate[runtime]'")
    upstream_url = http_base_url("upstream", upstream or rules.OPENAI_BASE_URL)
    config = ShimConfig(
        upstream=upstream_url,
        legacy_upstream=http_base_url("legacy_upstream", legacy_upstream or rules.LEGACY_BASE_URL),
        model_map=model_map,
        token=token,
        timeout=timeout,
        retries=retries,
        max_answer_bytes=max_answer_bytes,
    )
    return Router(config, translate=translate, reroute_legacy=legacy_upstream is not None,
                  reroute_openai=upstream_url != rules.OPENAI_BASE_URL)


def requests_adapter(**options: Any) -> Any:
    """A requests transport adapter that speaks the legacy API, without patching anything::

        session.mount("https://inference.de-txl.ionos.com", requests_adapter(upstream=...))

    Takes the keyword arguments of :func:`install`.
    """
    import requests
    from requests.adapters import HTTPAdapter

    from .intercept_requests import ShimAdapter

    real = HTTPAdapter()
    return ShimAdapter(make_router(**options), lambda url: real, requests, owned=real)


def httpx_transport(*, asynchronous: bool = False, library: ModuleType | None = None, **options: Any) -> Any:
    """An httpx (or httpx2: ``library=httpx2``) transport that speaks the legacy API, without patching::

        httpx.Client(mounts={"https://inference.de-txl.ionos.com": httpx_transport(upstream=...)})

    ``asynchronous=True`` for ``AsyncClient``. Takes the keyword arguments of :func:`install`.
    """
    from .intercept_httpx import AsyncShimTransport, ShimTransport

    if library is None:
        import httpx as library
    router = make_router(**options)
    if asynchronous:
        real_async = library.AsyncHTTPTransport()
        return AsyncShimTransport(library, router, lambda url: real_async, owned=real_async)
    real = library.HTTPTransport()
    return ShimTransport(library, router, lambda url: real, owned=real)


def install(
    *,
    upstream: str | None = None,
    legacy_upstream: str | None = None,
    model_map: "ModelMap | None" = None,
    translate: bool = True,
    token: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    max_answer_bytes: int = DEFAULT_MAX_ANSWER,
) -> None:
    """Intercept legacy calls in this process. Calling it again replaces the configuration.

    ``upstream``: OpenAI-compatible base URL ending in ``/v1`` (default the
    IONOS endpoint). ``legacy_upstream``: where collection requests go
    (default: the real legacy host, untouched). ``translate=False``: route
    only, translate nothing. ``token``: used when a caller sends no
    ``Authorization``. ``timeout``: a deadline in seconds for each upstream
    call, the whole answer included (504 after). ``max_answer_bytes``: a
    larger upstream answer is not passed on (502).
    """
    global _current
    router = make_router(upstream=upstream, legacy_upstream=legacy_upstream, model_map=model_map,
                         translate=translate, token=token, timeout=timeout, retries=retries,
                         max_answer_bytes=max_answer_bytes)
    with _install_lock:
        if _current is not None:
            _current.stop()
        _current = _Installation(router)
        _current.start()


def uninstall() -> None:
    """Undo :func:`install`: every patched attribute gets its old value back. Safe to call twice."""
    global _current
    with _install_lock:
        if _current is not None:
            _current.stop()
            _current = None


def installed() -> bool:
    return _current is not None


def patched_libraries() -> list[str]:
    """The libraries hooked so far (a library is hooked when it is imported)."""
    return list(_current.patched) if _current else []


@contextlib.contextmanager
def shim(**options: Any) -> Iterator[None]:
    """``with shim(upstream=...):`` install for the block, then uninstall."""
    install(**options)
    try:
        yield
    finally:
        uninstall()


class _CallableModule(ModuleType):
    """``from ionos_migrate.compat import shim`` may give this *module* rather than the
    function (once ``ionos_migrate.compat.shim`` is imported, the import system sets
    the package attribute to the module), so the module is callable too:
    ``with shim(upstream=...):`` works either way."""

    def __call__(self, **options: Any) -> Any:
        return shim(**options)


sys.modules[__name__].__class__ = _CallableModule
