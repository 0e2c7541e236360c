"""Where the answer of a site starts: the call, a forwarding helper's return, ``urlopen(req)``."""

from __future__ import annotations

import libcst as cst

from .core import RuleContext
from .edits import SiteEdits
from .resolve import dotted_name
from .response import CHAT, ReadError, Tracker
from .sites import HttpCall


def follow_answer(ctx: RuleContext, http: HttpCall, tracker: Tracker) -> None:
    if http.library == "urllib":
        for opened in urlopen_calls(ctx, http):
            tracker.follow(opened, "response")
        return
    if http.forwarder is not None:
        kind = _helper_returns(ctx, http)
        if kind is not None:
            parent = ctx.index.parent(http.call)
            tracker.follow(parent if isinstance(parent, cst.Await) else http.call, kind)  # type: ignore[arg-type]
        return
    tracker.follow(http.call, "response")


def _helper_returns(ctx: RuleContext, http: HttpCall):
    """What a forwarding helper returns of the answer: "response", "json" or None (nothing)."""
    inner = _inner_call(ctx, http)
    probe = Tracker(ctx.index, ctx.resolver, CHAT, SiteEdits(), probe=True)
    try:
        probe.follow(inner, "response")
    except ReadError as exc:
        raise ReadError(f"{http.forwarder.name.value}(): {exc}") from None  # type: ignore[union-attr]
    if len(probe.returned) > 1:
        raise ReadError(f"{http.forwarder.name.value}() returns the answer in more than one way")
    return next(iter(probe.returned), None)


def _inner_call(ctx: RuleContext, http: HttpCall) -> cst.Call:
    """The HTTP call inside a forwarding helper, where its url parameter is sent."""
    from .sites import CallFinder

    signature = CallFinder(ctx.index, ctx.resolver).forwarder(http.forwarder)  # type: ignore[arg-type]
    return signature[4]


def urlopen_calls(ctx: RuleContext, http: HttpCall) -> list[cst.Call]:
    """``urlopen(req)`` for the ``Request`` of this site (directly or through a variable)."""
    parent = ctx.index.parent(http.call)
    if isinstance(parent, cst.Arg):
        opener = ctx.index.parent(parent)
        if isinstance(opener, cst.Call) and (dotted_name(opener.func) or "").endswith("urlopen"):
            return [opener]
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        name = parent.targets[0].target.value
        found = []
        for load in ctx.index.loads_of(name, http.scope):
            arg = ctx.index.parent(load)
            opener = ctx.index.parent(arg) if isinstance(arg, cst.Arg) else None
            if isinstance(opener, cst.Call) and (dotted_name(opener.func) or "").endswith("urlopen"):
                found.append(opener)
            else:
                raise ReadError(f"the request object {name!r} is used other than in urlopen()")
        if found:
            return found
    raise ReadError("the urllib request is not opened with urlopen() in the same function")
