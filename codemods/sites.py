"""Finding HTTP calls in a module and classifying the URL each one sends to.

An HTTP call is ``<anything>.post/get/put/request(url, ...)``, a bare
``post(...)`` imported from requests/httpx, ``urllib.request.Request(url,
...)``, or a call of a project helper that forwards its ``url`` parameter to
one of those (``send(url, payload)``). A call only becomes a legacy *site*
when its URL resolves to the legacy host; that keeps false positives out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Optional
from urllib.parse import urlsplit

import libcst as cst
from ionos_migrate.compat import rules

from .resolve import (
    Dyn,
    ModuleIndex,
    Parts,
    Resolver,
    Scope,
    dotted_name,
    literal_text,
    positional_names,
    string_value,
)

HTTP_METHODS = {"post", "get", "put", "patch", "request"}
BARE_IMPORTS = {"requests", "httpx"}
CLIENT_FACTORIES = {"Client", "AsyncClient", "httpx.Client", "httpx.AsyncClient"}
SESSION_FACTORIES = CLIENT_FACTORIES | {"aiohttp.ClientSession", "ClientSession"}  # for their headers only
JSON_DUMPS = {"json.dumps", "dumps"}
REQUEST_CLASSES = {"urllib.request.Request", "request.Request", "Request"}
URLOPEN = {"urllib.request.urlopen", "request.urlopen", "urlopen"}

Forwarder = tuple  # (url index, url name, body index, body name, inner call)
UrlKind = Literal["predictions", "models", "collections", "openai_path", "other"]


@dataclass(eq=False)
class HttpCall:
    call: cst.Call
    scope: Scope
    method: str  # upper case; "" when unknown
    url: cst.BaseExpression  # the URL (or relative path) argument as written
    url_parts: Parts  # what the full URL resolves to (base_url + path)
    body: Optional[cst.BaseExpression] = None  # the dict sent: json=... or inside data=json.dumps(...)
    body_holder: Optional[cst.BaseExpression] = None  # the expression holding it (json.dumps(...).encode())
    library: str = "unknown"  # requests | httpx | aiohttp | urllib | helper | unknown
    forwarder: Optional[cst.FunctionDef] = None  # for helper calls: the helper


@dataclass(frozen=True, eq=False)
class LegacyUrl:
    kind: UrlKind
    path: str
    model: Optional[Parts] = None  # predictions: the model-id piece(s)
    host_from_default: bool = False  # the legacy host came from a run-time default (env var)
    pieces: tuple = field(default_factory=tuple)  # the resolved parts, for messages
    base: Optional[Dyn] = None  # predictions: the run-time piece that holds the legacy base (an env var, a config field)

    @property
    def display_path(self) -> str:
        return self.path.replace("\x00", "{...}")


def classify(parts: Parts) -> LegacyUrl | None:
    """What a resolved URL is, when it is on the legacy host; None otherwise."""
    text = []
    spans: list[tuple[int, int, Dyn]] = []
    from_default = False
    for part in parts:
        start = sum(len(t) for t in text)
        if isinstance(part, Dyn):
            piece = part.default if part.default is not None else "\x00"
            from_default = from_default or part.default is not None
            spans.append((start, start + len(piece), part))
            text.append(piece)
        else:
            text.append(part)
    url = "".join(text)
    try:
        split = urlsplit(url)
    except ValueError:
        return None
    if split.scheme not in ("http", "https") or (split.hostname or "").lower() != rules.LEGACY_HOST:
        return None
    host_end = url.find(split.netloc) + len(split.netloc)
    if any(start < host_end for start, _end, dyn in spans if dyn.default is None):
        return None
    path = split.path
    path_start = host_end
    host_default = any(start < host_end for start, _end, _dyn in spans)
    if "\x00" in path.rstrip("/").rsplit("/", 1)[0] and not path.startswith("/models/"):
        return None
    match = rules.PREDICTIONS_PATH_RE.match(path)
    if match:
        start, end = path_start + match.start("model_id"), path_start + match.end("model_id")
        return LegacyUrl("predictions", path, _model_parts(url, start, end, spans), host_default, tuple(parts))
    clean = path.rstrip("/")
    if "\x00" in clean:
        return LegacyUrl("other", path, host_from_default=host_default)
    if clean == rules.LEGACY_MODELS_PATH:
        return LegacyUrl("models", path, host_from_default=host_default)
    if clean.startswith("/collections"):
        return LegacyUrl("collections", path, host_from_default=host_default)
    if openai_suffix(clean) is not None:
        return LegacyUrl("openai_path", path, host_from_default=host_default)
    return LegacyUrl("other", path, host_from_default=host_default)


_RUNTIME_PATH = re.compile(r"^/(?:models/)?(?P<model>[^/\x00]+|\x00)/predictions/?$")


def legacy_base(dyn: Dyn) -> bool:
    """Whether a run-time piece may stand for the legacy API's base: no default, an empty one, or the
    legacy host alone or with ``/models`` (what ``os.getenv("IONOS_API_URL", ...)`` holds)."""
    if not dyn.default:
        return True
    try:
        split = urlsplit(dyn.default)
    except ValueError:
        return False
    return (split.hostname or "").lower() == rules.LEGACY_HOST and split.path.rstrip("/") in ("", "/models")


def classify_runtime(parts: Parts) -> LegacyUrl | None:
    """``f"{API_URL}/{model_id}/predictions"`` with the base known only at run time (an env var,
    a config field): a predictions URL whose base is that run-time piece. The caller decides whether
    the code around it is the legacy API (a legacy body, a module tied to IONOS)."""
    if len(parts) < 2 or not isinstance(parts[0], Dyn) or not legacy_base(parts[0]):
        return None
    rest: list[str] = []
    dyns: list[Dyn] = []
    for part in parts[1:]:
        if isinstance(part, Dyn):
            rest.append("\x00")
            dyns.append(part)
        else:
            rest.append(part)
    path = "".join(rest)
    match = _RUNTIME_PATH.match(path)
    if match is None or (match["model"] == "\x00") != bool(dyns) or len(dyns) > 1:
        return None
    model: Parts = (dyns[0],) if dyns else (match["model"],)
    return LegacyUrl("predictions", path, model, host_from_default=bool(parts[0].default), pieces=tuple(parts),
                     base=parts[0])


OPENAI_SUFFIXES = ("chat/completions", "completions", "embeddings", "images/generations", "models")


def openai_suffix(path: str) -> str | None:
    """``/v1/chat/completions`` or ``/models/chat/completions`` on the legacy host -> ``chat/completions``."""
    for prefix in ("/v1/", "/models/", "/openai/v1/", "/"):
        if path.startswith(prefix):
            rest = path[len(prefix):]
            if rest in OPENAI_SUFFIXES and not (prefix == "/" and rest == "models"):
                return rest
    return None


def _model_parts(url: str, start: int, end: int, spans: list[tuple[int, int, Dyn]]) -> Parts:
    """The model id as parts: literal text, or the run-time piece it is."""
    inside = [(s, e, d) for s, e, d in spans if s < end and e > start]
    if not inside:
        return (url[start:end],)
    if len(inside) == 1 and inside[0][0] == start and inside[0][1] == end:
        return (inside[0][2],)
    return tuple(inside[i][2] for i in range(len(inside))) + ("\x00mixed",)


# --- finding calls ----------------------------------------------------------


def call_arg(call: cst.Call, position: int, keyword: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    positional = [a for a in call.args if a.keyword is None]
    if position < len(positional) and not positional[position].star:
        return positional[position]
    return None


def body_of(call: cst.Call, *, json_kw: str = "json", data_kw: str = "data") -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
    """(the dict expression, the expression holding it) for json=X or data=json.dumps(X)[.encode()]."""
    arg = call_arg(call, 99, json_kw)
    if arg is not None:
        return arg.value, arg.value
    arg = call_arg(call, 99, data_kw) or call_arg(call, 99, "content")
    if arg is None:
        return None, None
    return _dumped(arg.value)


def _dumped(holder: cst.BaseExpression) -> tuple[cst.BaseExpression | None, cst.BaseExpression]:
    """``json.dumps(X)`` or ``json.dumps(X).encode(...)`` -> (X, the whole expression)."""
    inner = holder
    if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) and inner.func.attr.value == "encode":
        inner = inner.func.value
    if isinstance(inner, cst.Call) and dotted_name(inner.func) in JSON_DUMPS and inner.args:
        return inner.args[0].value, holder
    return None, holder


class CallFinder:
    """The HTTP calls of a module, with their URLs resolved."""

    def __init__(self, index: ModuleIndex, resolver: Resolver):
        self.index = index
        self.resolver = resolver
        self._forwarders: dict[cst.FunctionDef, Optional[Forwarder]] = {}

    def find(self) -> list[HttpCall]:
        found = []
        for call in self.index.calls():
            http = self.http_call(call)
            if http is not None:
                found.append(http)
        return found

    def http_call(self, call: cst.Call) -> HttpCall | None:
        func = call.func
        name = dotted_name(func) or ""
        last = name.rsplit(".", 1)[-1] if name else (func.attr.value if isinstance(func, cst.Attribute) else "")
        if name in REQUEST_CLASSES:
            return self._urllib(call)
        if name in URLOPEN:
            return self._urlopen(call)
        if last in HTTP_METHODS and (isinstance(func, cst.Attribute) or self._bare_import(name)):
            return self._library_call(call, last)
        if isinstance(func, (cst.Name, cst.Attribute)):
            return self._helper_call(call)
        return None

    def _bare_import(self, name: str) -> bool:
        found = self.index.lookup(name, self.index.module)
        return bool(found and found[0] == "import" and found[2][0] in BARE_IMPORTS)  # type: ignore[index]

    def _library_call(self, call: cst.Call, verb: str) -> HttpCall | None:
        if verb == "request":
            method_arg, url_arg = call_arg(call, 0, "method"), call_arg(call, 1, "url")
            method = (string_value(method_arg.value) or "") if method_arg else ""
        else:
            method_arg, url_arg = None, call_arg(call, 0, "url")
            method = verb.upper()
        if url_arg is None:
            return None
        scope = self.index.scope_of(call)
        path_parts = self.resolver.parts(url_arg.value, scope)
        if not any("/" in (p if isinstance(p, str) else (p.default or "")) for p in path_parts):
            return None
        parts = self._with_instantiations(self._with_base_url(call, scope, path_parts))
        body, holder = self._body(call, scope)
        return HttpCall(call, scope, method.upper(), url_arg.value, parts, body, holder, self._library(call))

    def _library(self, call: cst.Call) -> str:
        root = call.func
        while isinstance(root, (cst.Attribute, cst.Call)):
            root = root.value if isinstance(root, cst.Attribute) else root.func
        name = root.value if isinstance(root, cst.Name) else ""
        if name in ("requests", "httpx", "aiohttp"):
            return name
        code = self.index.source
        for library in ("aiohttp", "httpx", "requests"):
            if f"import {library}" in code or f"from {library}" in code:
                return library
        return "unknown"

    def _with_base_url(self, call: cst.Call, scope: Scope, path: Parts) -> Parts:
        """A relative path on an ``httpx.Client(base_url=...)`` joins the client's base URL."""
        first = path[0] if path else ""
        if not isinstance(first, str) or first.startswith(("http://", "https://")):
            return path
        if not isinstance(call.func, cst.Attribute):
            return path
        base = self._client_base_url(call.func.value, scope)
        if base is None:
            return path
        base_parts = self.resolver.parts(base, scope)
        if base_parts and isinstance(base_parts[-1], str):
            base_parts = base_parts[:-1] + (base_parts[-1].rstrip("/"),)
        separator = "" if first.startswith("/") else "/"
        return tuple(base_parts) + ((separator + first),) + tuple(path[1:])

    def _with_instantiations(self, parts: Parts) -> Parts:
        """A leading ``self.base_url`` with no default gets the one value every instantiation passes."""
        first = parts[0] if parts else None
        if not isinstance(first, Dyn) or first.default is not None:
            return parts
        values = instantiation_values(self.index, self.resolver, first)
        if not values or len(set(values)) != 1:
            return parts
        return (Dyn(first.node, first.scope, values[0]),) + tuple(parts[1:])

    def _client_base_url(self, receiver: cst.BaseExpression, scope: Scope) -> cst.BaseExpression | None:
        factory = self.client_factory(receiver, scope)
        if factory is None:
            return None
        arg = call_arg(factory, 99, "base_url")
        return arg.value if arg else None

    def client_factory(self, receiver: cst.BaseExpression, scope: Scope, factories=CLIENT_FACTORIES) -> cst.Call | None:
        """The ``httpx.Client(...)`` (or another of ``factories``) a receiver of ``.post()`` was made by."""
        if isinstance(receiver, cst.Call) and dotted_name(receiver.func) in factories:
            return receiver
        if isinstance(receiver, cst.Name):
            found = self.index.lookup(receiver.value, scope)
            if found and found[0] == "value":
                return self.client_factory(found[2], found[1], factories)  # type: ignore[arg-type]
            if found and found[0] == "multi":
                return self._with_target(receiver.value, found[1], factories)
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name) and receiver.value.value == "self":
            cls = self.index.enclosing_class(scope)
            if cls is not None:
                values = self.index.self_attrs(cls).values.get(receiver.attr.value)
                if values and len(values) == 1 and values[0][0] is not None:
                    return self.client_factory(values[0][0], values[0][1], factories)
        return None

    def _with_target(self, name: str, scope: Scope, factories=CLIENT_FACTORIES) -> cst.Call | None:
        """``with httpx.Client(base_url=...) as client``: the factory bound to ``client``."""
        found = None
        for node in self.index.nodes_of(cst.WithItem):
            if (
                node.asname is not None
                and isinstance(node.asname.name, cst.Name)
                and node.asname.name.value == name
                and self.index.scope_of(node) is scope
                and isinstance(node.item, cst.Call)
                and dotted_name(node.item.func) in factories
            ):
                if found is not None:
                    return None
                found = node.item
        return found

    def _urlopen(self, call: cst.Call) -> HttpCall | None:
        """``urlopen("https://...", data=...)`` with a URL string (a ``Request`` object is found by ``_urllib``)."""
        url_arg = call_arg(call, 0, "url")
        if url_arg is None:
            return None
        scope = self.index.scope_of(call)
        parts = self.resolver.parts(url_arg.value, scope)
        first = parts[0] if parts else None
        if not (isinstance(first, str) and first.startswith(("http://", "https://"))) and not (
            isinstance(first, Dyn) and (first.default or "").startswith(("http://", "https://"))
        ):
            return None
        body, holder = self._body(call, scope)
        return HttpCall(call, scope, "POST" if holder is not None else "GET", url_arg.value, parts, body, holder, "urlopen")

    def _body(self, call: cst.Call, scope: Scope) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
        """Like ``body_of``, also through ``data = json.dumps(payload).encode()`` assigned before the call."""
        body, holder = body_of(call)
        if body is None and isinstance(holder, cst.Name):
            found = self.index.lookup(holder.value, scope)
            if found and found[0] == "value":
                inner, _ = _dumped(found[2])  # type: ignore[arg-type]
                if inner is not None:
                    return inner, holder
        return body, holder

    def _urllib(self, call: cst.Call) -> HttpCall | None:
        url_arg = call_arg(call, 0, "url")
        if url_arg is None:
            return None
        scope = self.index.scope_of(call)
        parts = self.resolver.parts(url_arg.value, scope)
        method_arg = call_arg(call, 99, "method")
        body, holder = self._body(call, scope)
        method = (string_value(method_arg.value) or "") if method_arg else ("POST" if holder is not None else "GET")
        return HttpCall(call, scope, method.upper(), url_arg.value, parts, body, holder, "urllib")

    # -- helpers that forward url/payload to an HTTP call --

    def _helper_call(self, call: cst.Call) -> HttpCall | None:
        scope = self.index.scope_of(call)
        target = self.resolver.callee(call, scope)
        if target is None:
            return None
        signature = self.forwarder(target)
        if signature is None:
            return None
        url_index, url_name, body_index, body_name, _inner = signature
        url_arg = call_arg(call, url_index, url_name)
        if url_arg is None:
            return None
        parts = self.resolver.parts(url_arg.value, scope)
        body_arg = call_arg(call, body_index, body_name) if body_name else None
        body = body_arg.value if body_arg else None
        inner = signature[4]
        verb = inner.func.attr.value if isinstance(inner.func, cst.Attribute) else getattr(inner.func, "value", "")
        if verb == "request":
            method_arg = call_arg(inner, 0, "method")
            method = (string_value(method_arg.value) or "") if method_arg else ""
        else:
            method = verb
        return HttpCall(call, scope, method.upper(), url_arg.value, parts, body, body, "helper", target)

    def forwarder(self, function: cst.FunctionDef) -> Optional[Forwarder]:
        """(url position, url name, body position, body name, inner call) when ``function``
        passes its parameters on as the URL and JSON body of an HTTP call."""
        if function in self._forwarders:
            return self._forwarders[function]
        self._forwarders[function] = None  # recursion guard
        params = positional_names(function)
        offset = 1 if params and params[0] in ("self", "cls") else 0
        params = params[offset:]
        result = None
        for inner in self.index.calls(function.body):
            func = inner.func
            last = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name) else "")
            if last not in HTTP_METHODS:
                continue
            url_arg = call_arg(inner, 1 if last == "request" else 0, "url")
            if url_arg is None or not isinstance(url_arg.value, cst.Name) or url_arg.value.value not in params:
                continue
            body, _holder = body_of(inner)
            body_name = body.value if isinstance(body, cst.Name) and body.value in params else ""
            url_name = url_arg.value.value
            result = (params.index(url_name), url_name, params.index(body_name) if body_name else -1, body_name, inner)
            break
        self._forwarders[function] = result
        return result


# --- URLs split over a class ----------------------------------------------------


def instantiation_values(index: ModuleIndex, resolver: Resolver, dyn: Dyn) -> list[str] | None:
    """``self.base_url`` set from an ``__init__`` parameter: what every instantiation in this file passes.

    None when the attribute is not such a parameter, the class is not
    instantiated here, or one instantiation passes something unresolvable.
    """
    node = dyn.node
    if not (isinstance(dyn.scope, cst.ClassDef) and isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name) and node.value.value == "self"):
        return None
    values = index.self_attrs(dyn.scope).values.get(node.attr.value) or []
    if len(values) != 1 or not isinstance(values[0][0], cst.Name) or values[0][1].name.value != "__init__":
        return None
    init = values[0][1]
    names = positional_names(init)[1:]
    param = values[0][0].value
    if param not in names:
        return None
    out = []
    for call in _instantiations(index, _class_and_subclasses(index, dyn.scope)):
        if any(a.star for a in call.args):
            return None
        arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == param), None)
        positional = [a for a in call.args if a.keyword is None]
        if arg is None and names.index(param) < len(positional):
            arg = positional[names.index(param)]
        text = dyn.default if arg is None else literal_text(resolver.parts(arg.value, index.scope_of(call)))
        if text is None:
            return None
        out.append(text)
    return out or None


def _class_and_subclasses(index: ModuleIndex, cls: cst.ClassDef) -> set[str]:
    names = {cls.name.value}
    classes = index.nodes_of(cst.ClassDef)
    changed = True
    while changed:
        changed = False
        for node in classes:
            if node.name.value not in names and any(isinstance(b.value, cst.Name) and b.value.value in names for b in node.bases):
                names.add(node.name.value)
                changed = True
    return names


def _instantiations(index: ModuleIndex, names: set[str]):
    for node in index.nodes_of(cst.Call):
        if isinstance(node.func, cst.Name) and node.func.value in names:
            yield node
