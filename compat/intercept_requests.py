"""requests: a transport adapter for the legacy and OpenAI hosts, in every Session.

Patch: ``requests.Session.get_adapter`` returns :class:`ShimAdapter` for
URLs on those two hosts (sessions made before ``install()`` included) and
the session's own adapter for everything else. The adapter answers
translated requests itself and hands rerouted or untouched ones to the
session's real adapter.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from .shim import INTERCEPTED_HOSTS, body_bytes

if TYPE_CHECKING:
    from .legacy_service import Answer


def patch(requests: ModuleType, router: Any, patcher: Any) -> None:
    session_class = requests.Session
    original_get_adapter = session_class.get_adapter

    def get_adapter(self: Any, url: str) -> Any:
        if _host(url) in INTERCEPTED_HOSTS:
            return ShimAdapter(router, lambda target: original_get_adapter(self, target), requests)
        return original_get_adapter(self, url)

    patcher.set(session_class, "get_adapter", get_adapter)


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return host.split(":", 1)[0].lower() if not host.startswith("[") else host


class ShimAdapter:
    """A ``requests`` transport adapter (the ``send``/``close`` interface of ``BaseAdapter``)."""

    def __init__(self, router: Any, real_adapter: Callable[[str], Any], requests: ModuleType, *, owned: Any = None):
        self.router = router
        self.real_adapter = real_adapter
        self.requests = requests
        self.owned = owned  # a real adapter this one made itself, and so closes

    def send(self, request: Any, **kwargs: Any) -> Any:
        decision = self.router.decide(request.method, request.url)
        if decision is None:
            return self.real_adapter(request.url).send(request, **kwargs)
        if decision.kind == "reroute":
            request.url = decision.url
            request.headers.pop("Host", None)
            if "Authorization" not in request.headers and self.router.default_authorization:
                request.headers["Authorization"] = self.router.default_authorization
            kwargs["proxies"] = _proxies_for(self.requests, request.url, kwargs.get("proxies"))
            return self.real_adapter(request.url).send(request, **kwargs)
        headers = {name.lower(): value for name, value in request.headers.items()}
        answer = self.router.run_sync(request.method, decision.path, headers, body_bytes(request.body))
        return _response(self.requests, request, answer, self)

    def close(self) -> None:  # a session closes its own adapters itself
        if self.owned is not None:  # mounted by requests_adapter(): the router is ours too
            self.owned.close()
            self.router.close()


def _proxies_for(requests: ModuleType, url: str, proxies: Any) -> Any:
    """``proxies`` as the session resolved them for the legacy URL, made fit for the rerouted ``url``.

    They include the environment's proxies; a rerouted URL that NO_PROXY exempts
    (a loopback upstream, typically) must not use those. Proxies given explicitly stay.
    """
    if not proxies or not requests.utils.should_bypass_proxies(url, no_proxy=proxies.get("no_proxy")):
        return proxies
    environment = requests.utils.getproxies()
    return {scheme: proxy for scheme, proxy in proxies.items() if environment.get(scheme) != proxy}


def _response(requests: ModuleType, request: Any, answer: Answer, adapter: ShimAdapter) -> Any:
    import io

    response = requests.Response()
    response.status_code = answer.status
    response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
    response._content = answer.body
    response.raw = io.BytesIO(answer.body)
    response.encoding = "utf-8"
    response.reason = answer.reason
    response.url = request.url
    response.request = request
    response.connection = adapter
    return response
