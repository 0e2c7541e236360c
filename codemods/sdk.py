"""``--target openai``: the pieces that turn a legacy HTTP site into an openai SDK call.

The same detection, mapping and manual rules as the ``http`` target; only
the call and the reads change. Which calls can move (``check_call``), the
urllib and aiohttp shapes, forwarding helpers that only send, and the SDK
call's code. The client (its token, where it is created) is ``sdk_client.py``;
a helper that does more is ``sdk_helper.py``; error answers ``error_path.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import libcst as cst

from .body import code
from .resolve import positional_names
from .sdk_client import Client, SdkError, same_meaning  # noqa: F401 (Client re-exported)
from .sites import HttpCall

SUPPORTED_LIBRARIES = ("requests", "httpx", "aiohttp", "urllib")
KEPT_KWARGS = {"timeout"}
DROPPED_KWARGS = {"headers", "json", "data", "url", "method", "content"}
OPENAI_FIELDS = {"model", "messages", "max_tokens", "temperature", "top_p", "prompt", "n", "size", "response_format"}


def check_call(http: HttpCall, awaited: bool, *, opener: bool = False) -> None:
    """``opener``: the module installs a urllib opener with the token (a ``urlopen("https://...")`` may go)."""
    if http.library == "urlopen" and not opener:
        raise SdkError(
            "urlopen() with a URL string sends no Authorization header of its own (an installed opener's?); "
            "build the openai client by hand or use --target http"
        )
    if http.forwarder is not None:
        raise SdkError(f"the URL goes through {http.forwarder.name.value}(), a helper that forwards it; move it by hand or use --target http")
    if http.library not in SUPPORTED_LIBRARIES and not (opener and http.library == "urlopen"):
        raise SdkError(f"--target openai supports requests, httpx, aiohttp and urllib Request calls, not {http.library}; use --target http here")
    if http.library == "urllib" and len([a for a in http.call.args if a.keyword is None]) > 1:
        raise SdkError("the urllib Request gets its data or headers positionally; move it to the openai SDK by hand")
    for arg in http.call.args:
        if arg.star:
            raise SdkError("the call unpacks arguments (** / *); move it to the openai SDK by hand")
        name = arg.keyword.value if arg.keyword is not None else None
        if name is not None and name not in KEPT_KWARGS | DROPPED_KWARGS:
            raise SdkError(f"the call passes {name}=, which the openai SDK has no place for; move it by hand")
    if isinstance(http.call.func, cst.Attribute) and http.call.func.attr.value == "request":
        return
    if http.library == "aiohttp" and awaited:
        raise SdkError("an awaited aiohttp call (not async with); move it to AsyncOpenAI by hand")
    if awaited and http.library != "httpx":
        raise SdkError("an awaited call outside httpx; move it to AsyncOpenAI by hand")


def aiohttp_block(ctx, http: HttpCall) -> tuple[cst.With, str] | None:
    """``async with session.post(...) as resp:`` around an aiohttp call: the statement and ``resp``."""
    if http.library != "aiohttp":
        return None
    block = with_block(ctx, http.call, asynchronous=True)
    if block is None:
        raise SdkError("an aiohttp call outside `async with session.post(...) as resp:`; move it to AsyncOpenAI by hand")
    return block


def with_block(ctx, call: cst.Call, *, asynchronous: bool) -> tuple[cst.With, str] | None:
    """``[async] with <call> as resp:`` (the only item): the statement and ``resp``."""
    item = ctx.index.parent(call)
    statement = ctx.index.parent(item)
    if (
        isinstance(item, cst.WithItem) and isinstance(statement, cst.With) and (statement.asynchronous is not None) == asynchronous
        and len(statement.items) == 1 and item.asname is not None and isinstance(item.asname.name, cst.Name)
        and isinstance(statement.body, cst.IndentedBlock)
    ):
        return statement, item.asname.name.value
    return None


@dataclass
class UrlOpening:
    """Where a ``urllib.request.Request`` is sent: ``urlopen(req, timeout=...)``."""

    call: cst.Call  # the urlopen(...) call
    request_statement: cst.SimpleStatementLine | None  # ``req = Request(...)``; None when built inline


def urllib_opening(ctx, http: HttpCall) -> UrlOpening | None:
    """The one ``urlopen()`` of a urllib Request site; the SDK call replaces it and the Request goes."""
    if http.library != "urllib":
        return None
    from .answer import urlopen_calls
    from .response import ReadError

    try:
        openers = urlopen_calls(ctx, http)
    except ReadError as exc:
        raise SdkError(str(exc)) from None
    if len(openers) != 1:
        raise SdkError("the urllib Request is opened more than once; move it to the openai SDK by hand")
    opener = openers[0]
    for position, arg in enumerate(opener.args):
        if position and (arg.keyword is None or arg.keyword.value not in KEPT_KWARGS):
            raise SdkError(f"urlopen() gets {code(arg)}, which the openai SDK has no place for; move it by hand")
    assignment = ctx.index.parent(http.call)
    if not isinstance(assignment, cst.Assign):
        return UrlOpening(opener, None)
    statement = ctx.index.parent(assignment)
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        raise SdkError("the urllib Request is built in a statement that does more; move it to the openai SDK by hand")
    return UrlOpening(opener, statement)


PLAIN_HELPER_KWARGS = {"json", "headers", "timeout"}


def forwarded_call(ctx, http: HttpCall) -> HttpCall:
    """The HTTP call of a forwarding helper the SDK call can stand in for, at this caller only.

    The helper must do nothing but send: ``def send(url, payload):`` then
    ``r = requests.post(url, json=payload, headers=H, timeout=T)``, an optional
    ``r.raise_for_status()`` (the SDK raises itself) and ``return r.json()`` / ``return r``
    (or ``return requests.post(...).json()``), with ``H`` and ``T`` module-level. Other
    callers keep using the helper, which stays as it is.
    """
    from .sites import CallFinder

    helper = http.forwarder
    assert helper is not None
    signature = CallFinder(ctx.index, ctx.resolver).forwarder(helper)
    refuse = f"{helper.name.value}() does more than send the request; move this call to the openai SDK by hand or use --target http"
    if signature is None or helper.asynchronous is not None or helper.decorators:
        raise SdkError(refuse)
    _url_index, url_name, _body_index, body_name, inner = signature
    params = helper.params
    names = positional_names(helper)
    if names != [url_name, body_name] or params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg:
        raise SdkError(refuse)
    if len(http.call.args) != 2 or any(a.star or (a.keyword is not None and a.keyword.value not in names) for a in http.call.args):
        raise SdkError(refuse)
    if not _only_sends(ctx, helper, inner):
        raise SdkError(refuse)
    module = inner.func.value if isinstance(inner.func, cst.Attribute) else None
    found = ctx.index.lookup(module.value, helper) if isinstance(module, cst.Name) else None
    library = found[2][0] if found and found[0] == "import" and found[2][1] is None else None  # type: ignore[index]
    if library not in ("requests", "httpx") or inner.func.attr.value != "post":  # type: ignore[union-attr]
        raise SdkError(f"{helper.name.value}() does not send with requests.post / httpx.post; move this call to the openai SDK by hand")
    url = next((a for a in inner.args if isinstance(a.value, cst.Name) and a.value.value == url_name
                and (a.keyword is None or a.keyword.value == "url")), None)
    if url is None:
        raise SdkError(refuse)
    sent = HttpCall(inner, helper, "POST", url.value, [], None, None, library)
    for arg in inner.args:
        if arg is url:
            continue
        if arg.keyword is None or arg.keyword.value not in PLAIN_HELPER_KWARGS or arg.star:
            raise SdkError(refuse)
        if arg.keyword.value == "json" and not (isinstance(arg.value, cst.Name) and arg.value.value == body_name):
            raise SdkError(refuse)
        if arg.keyword.value != "json" and not same_meaning(ctx, arg.value, helper, http.scope):
            raise SdkError(f"{helper.name.value}() sends {arg.keyword.value}= built inside it; move this call to the openai SDK by hand")
    return sent


def _only_sends(ctx, helper: cst.FunctionDef, inner: cst.Call) -> bool:
    """The helper's statements: ``r = <inner>``, ``r.raise_for_status()``, ``return r.json()`` / ``return r``."""
    statements = list(helper.body.body) if isinstance(helper.body, cst.IndentedBlock) else []
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]
    if not statements or not all(isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 for s in statements):
        return False
    smalls = [s.body[0] for s in statements]
    last = smalls[-1]
    if not isinstance(last, cst.Return) or last.value is None:
        return False
    if len(smalls) == 1:
        return last.value is inner or _json_of(last.value) is inner
    first = smalls[0]
    if not (isinstance(first, cst.Assign) and len(first.targets) == 1 and isinstance(first.targets[0].target, cst.Name) and first.value is inner):
        return False
    name = first.targets[0].target.value
    middle = smalls[1:-1]
    if middle and not (len(middle) == 1 and code(middle[0]) == f"{name}.raise_for_status()"):
        return False
    returned = _json_of(last.value) or last.value
    return isinstance(returned, cst.Name) and returned.value == name


def _json_of(node: cst.BaseExpression):
    """``x.json()`` -> ``x``."""
    if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) and node.func.attr.value == "json":
        return node.func.value
    return None


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def call_code(
    client: Client, endpoint: str, fields: list[tuple[str, str]], http: HttpCall, spread: str | None,
    options_from: cst.Call | None = None,
) -> str:
    """``ionos_client.chat.completions.create(model=..., ...)``: standard fields as keywords, the rest in extra_body."""
    method = {"chat": "chat.completions.create", "image": "images.generate", "models": "models.list"}[endpoint]
    args = []
    extra = []
    for key, value in fields:
        (args if key in OPENAI_FIELDS else extra).append((key, value))
    rendered = [f"{key}={value}" for key, value in args]
    if extra:
        rendered.append("extra_body={" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in extra) + "}")
    if spread is not None:
        rendered.append(f"**{spread}")
    for arg in [*http.call.args, *(options_from.args if options_from is not None else ())]:  # urllib: urlopen(req, timeout=...)
        if arg.keyword is not None and arg.keyword.value in KEPT_KWARGS:
            rendered.append(f"{arg.keyword.value}={code(arg.value)}")
    return f"{client.name}.{method}({', '.join(rendered)})"


def body_dict_fields(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A body dict that is spread into the SDK call: non-OpenAI fields move under extra_body."""
    standard = [(k, v) for k, v in fields if k in OPENAI_FIELDS]
    extra = [(k, v) for k, v in fields if k not in OPENAI_FIELDS]
    if extra:
        standard.append(("extra_body", "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in extra) + "}"))
    return standard
