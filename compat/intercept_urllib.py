"""urllib.request: the HTTP and HTTPS handlers of every opener.

Patch: ``HTTPHandler.http_open`` and ``HTTPSHandler.https_open``. For the
legacy and OpenAI hosts they answer translated requests themselves (as an
``addinfourl``, so the opener's error processor raises ``HTTPError`` for
4xx/5xx as it always did) and open rerouted ones against the new URL;
everything else goes to the original method.
"""

from __future__ import annotations

import http.client
import io
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .shim import body_bytes

if TYPE_CHECKING:
    from .legacy_service import Answer


def patch(urllib_request: ModuleType, router: Any, patcher: Any) -> None:
    http_original = urllib_request.HTTPHandler.http_open
    https_original = urllib_request.HTTPSHandler.https_open

    def http_open(self: Any, req: Any) -> Any:
        answered = _open(urllib_request, router, self, req)
        return http_original(self, req) if answered is None else answered

    def https_open(self: Any, req: Any) -> Any:
        answered = _open(urllib_request, router, self, req)
        return https_original(self, req) if answered is None else answered

    patcher.set(urllib_request.HTTPHandler, "http_open", http_open)
    patcher.set(urllib_request.HTTPSHandler, "https_open", https_open)


REROUTED = "_ionos_migrate_rerouted"  # marks the request _open_elsewhere made, so it is never rerouted again


def _open(urllib_request: ModuleType, router: Any, handler: Any, req: Any) -> Any:
    method = req.get_method()
    decision = None if getattr(req, REROUTED, False) else router.decide(method, req.full_url)
    if decision is None:
        return None
    if decision.kind == "reroute":
        return _open_elsewhere(urllib_request, handler, req, decision.url, router.default_authorization)
    headers = {name.lower(): value for name, value in req.header_items()}
    answer = router.run_sync(method, decision.path, headers, body_bytes(req.data))
    return _response(answer, req.full_url)


def _open_elsewhere(urllib_request: ModuleType, handler: Any, req: Any, url: str, authorization: str | None) -> Any:
    """The same request, sent to ``url`` by this handler's own opener, whose proxy settings apply to the new host."""
    new = urllib_request.Request(url, data=req.data, method=req.get_method())
    for name, value in req.headers.items():
        new.add_header(name, value)
    for name, value in req.unredirected_hdrs.items():
        if name.lower() != "host":
            new.add_unredirected_header(name, value)
    if authorization and not new.has_header("Authorization"):
        new.add_header("Authorization", authorization)
    setattr(new, REROUTED, True)
    return handler.parent.open(new, timeout=req.timeout)


def _response(answer: Answer, url: str) -> Any:
    import urllib.response

    message = http.client.HTTPMessage()
    for name, value in answer.headers.items():
        message[name] = value
    message["content-length"] = str(len(answer.body))
    response = urllib.response.addinfourl(io.BytesIO(answer.body), message, url, answer.status)
    response.msg = answer.reason
    return response
