"""Where a legacy value sits relative to the calls of its module: a piece of a site, or dead.

The rules resolve a call's URL from pieces written elsewhere: a client's
``base_url``, a method returning ``"/predictions"``, the ``base_url=`` a class
is built with. The never-silent rule asks two things of each left-over signal:

- :func:`site_of`: is it a piece of a call a rule already reported (migrated or
  manual)? Then it belongs to that finding.
- :func:`dead_reason`: is it a value no code of this module still uses for a
  request (after ``apply``: the client's base that every call overrides with a
  full URL, a method nothing calls, a constructor argument the class stores and
  never reads)? Then it is a note, not manual work.
"""

from __future__ import annotations

import libcst as cst

from . import shapes
from .core import RuleContext
from .resolve import Dyn, dotted_name, positional_names
from .sites import CLIENT_FACTORIES, HttpCall


def related_of(ctx: RuleContext, http: HttpCall, edited=()) -> list[cst.CSTNode]:
    """The other pieces of a site, for its finding: what the rewrite edits (``edited``), where the URL is
    defined, the request inside a forwarding helper, the ``urlopen(req)`` that sends a urllib Request."""
    from .answer import urlopen_calls
    from .response import ReadError
    from .urls import url_binding

    nodes = list(edited)
    binding = url_binding(ctx, http.url, http.scope)
    if binding is not None:
        nodes.append(binding[0])
    if http.forwarder is not None:
        nodes += [call for call in ctx.index.calls(http.forwarder) if isinstance(call.func, cst.Attribute)
                  and call.func.attr.value in ("post", "get", "put", "patch", "request", "urlopen")]
    if http.library == "urllib":
        try:
            nodes += urlopen_calls(ctx, http)
        except ReadError:
            pass
    return nodes


def url_text(http: HttpCall) -> str:
    return "".join(p if isinstance(p, str) else (p.default or shapes.DYNAMIC) if isinstance(p, Dyn) else "" for p in http.url_parts)


def site_of(ctx: RuleContext, text: str, sites: list[HttpCall]) -> HttpCall | None:
    """The reported call whose resolved URL contains this piece's text (its literal parts, in order)."""
    segments = [segment for segment in text.split(shapes.DYNAMIC) if segment]
    if not segments:
        return None
    for http in sites:
        url = url_text(http)
        at = 0
        for segment in segments:
            at = url.find(segment, at)
            if at < 0:
                break
            at += len(segment)
        else:
            return http
    return None


def dead_reason(ctx: RuleContext, node: cst.CSTNode) -> str | None:
    """Why a legacy value no longer feeds a request of this module, or None when it may."""
    parent = ctx.index.parent(node)
    if isinstance(parent, cst.DictElement):
        return _dead_dict_value(ctx, parent)
    if isinstance(parent, cst.Arg):
        call = ctx.index.parent(parent)
        if isinstance(call, cst.Call):
            return _dead_base_url(ctx, call, parent) or _dead_argument(ctx, call, parent)
    if isinstance(parent, cst.Return):  # a method: a module function may be called from other modules
        function = next((a for a in ctx.index.ancestors(node) if isinstance(a, cst.FunctionDef)), None)
        method = function is not None and ctx.index.enclosing_class(function) is not None
        if method and not _called(ctx, function.name.value):
            return f"{function.name.value}() returns it, and nothing in this module calls {function.name.value}() any more"
    return None


def _dead_dict_value(ctx: RuleContext, element: cst.DictElement) -> str | None:
    """``CONFIG = {"API_BASE": <legacy>}`` where no code of the module reads ``CONFIG["API_BASE"]`` any more
    and ``CONFIG`` is only ever read by key."""
    from .resolve import string_value

    key = string_value(element.key)
    table = ctx.index.parent(element)
    assign = ctx.index.parent(table)
    if key is None or not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if not isinstance(target, cst.Name) or not isinstance(ctx.index.parent(ctx.index.parent(assign)), cst.Module):
        return None
    for load in ctx.index.loads_of(target.value, ctx.index.module):
        parent = ctx.index.parent(load)
        if isinstance(parent, cst.AssignTarget):
            continue
        if isinstance(parent, cst.Subscript) and parent.value is load:
            slice_ = parent.slice[0].slice if len(parent.slice) == 1 else None
            read = string_value(slice_.value) if isinstance(slice_, cst.Index) else None
            if read is not None and read != key:
                continue
        return None  # read by this key, by a key the tool cannot see, or passed whole
    if ctx.context.project.imported_by(ctx.index.module_name, target.value):
        return None
    return f"the value of {target.value}[{key!r}], which nothing in the project reads any more"


def _dead_base_url(ctx: RuleContext, factory: cst.Call, arg: cst.Arg) -> str | None:
    """``httpx.Client(base_url=<legacy>)`` whose every request names a full URL: the base is never used."""
    if arg.keyword is None or arg.keyword.value != "base_url" or not _httpx_factory(ctx, factory):
        return None
    from .sites import CallFinder

    finder = CallFinder(ctx.index, ctx.resolver)
    through = [http for http in ctx.calls if isinstance(http.call.func, cst.Attribute)
               and finder.client_factory(http.call.func.value, http.scope) is factory]
    if not through:
        return "the client's base_url, and nothing in this module sends a request through the client"
    if all(_absolute(ctx, http) for http in through):
        return "the client's base_url, which every request through the client overrides with a full URL"
    return None


def _httpx_factory(ctx: RuleContext, factory: cst.Call) -> bool:
    """``httpx.Client(...)``, or ``Client(...)`` imported from httpx (another library's ``Client`` may do anything)."""
    name = dotted_name(factory.func) or ""
    if name.startswith("httpx."):
        return name in CLIENT_FACTORIES
    found = ctx.index.lookup(name, ctx.index.module) if name in CLIENT_FACTORIES else None
    return bool(found and found[0] == "import" and found[2][0] == "httpx")  # type: ignore[index]


def _absolute(ctx: RuleContext, http: HttpCall) -> bool:
    first = ctx.resolver.parts(http.url, http.scope)[0]
    return isinstance(first, str) and first.startswith(("http://", "https://"))


def _dead_argument(ctx: RuleContext, call: cst.Call, arg: cst.Arg) -> str | None:
    """``TextModel(base_url=<legacy>)`` where the class stores the parameter and nothing reads it."""
    name = dotted_name(call.func)
    found = ctx.index.lookup(name, ctx.index.module) if name and "." not in name else None
    if not found or found[0] != "def" or not isinstance(found[2], cst.ClassDef):
        return None
    cls: cst.ClassDef = found[2]  # type: ignore[assignment]
    init = ctx.resolver.method(cls, "__init__")
    if init is None:
        return None
    param = arg.keyword.value if arg.keyword is not None else _positional(init, call, arg)
    if param is None:
        return None
    attributes = [attr for attr, values in ctx.index.self_attrs(cls).values.items()
                  if any(isinstance(v, cst.Name) and v.value == param for v, _m in values)]
    if not attributes or any(_read(ctx, attr) for attr in attributes):
        return None
    return f"{cls.name.value} stores {param} as self.{attributes[0]} and nothing in this module reads it any more"


def _positional(init: cst.FunctionDef, call: cst.Call, arg: cst.Arg) -> str | None:
    names = positional_names(init)[1:]
    positional = [a for a in call.args if a.keyword is None]
    index = next((i for i, a in enumerate(positional) if a is arg), -1)
    return names[index] if 0 <= index < len(names) else None


def _read(ctx: RuleContext, attr: str) -> bool:
    for node in ctx.index.nodes_of(cst.Attribute):
        if node.attr.value == attr and not isinstance(ctx.index.parent(node), cst.AssignTarget):
            return True
    return False


def _called(ctx: RuleContext, name: str) -> bool:
    for node in ctx.index.nodes_of(cst.Name):
        if node.value == name and not isinstance(ctx.index.parent(node), (cst.FunctionDef,)):
            return True
    for node in ctx.index.nodes_of(cst.Attribute):
        if node.attr.value == name:
            return True
    return False
