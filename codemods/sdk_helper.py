"""``--target openai``: a helper that sends, checks the status and returns the JSON calls the SDK itself.

::

    def call_hub(url, payload):
        try:
            response = requests.post(url, json=payload, headers=HEADERS, timeout=30)
            response.raise_for_status()
            return response.json()
        except requests.RequestException as exc:
            return {"error": str(exc)}

becomes a helper around ``ionos_client.chat.completions.create(**payload, timeout=30)``
that returns ``response.to_dict()``: the answer's JSON in the new shape, so the
callers read it as they do for the ``http`` target (``result["choices"][0]...``,
``"choices" in result``), and the handler, widened to ``openai.APIError``, still
turns an error into the same value. Each caller passes the SDK's arguments as
its body (non-OpenAI options under ``extra_body``) and the new URL.

Only when the rewrite is the helper's whole story: one caller in the module and
none in other modules, ``raise_for_status()`` in it (an error answer never
reached the caller: the SDK raising in its place is the same path), the
response used for nothing but that and ``return response.json()``, and the URL
and body parameters used for nothing but the request. Anything else is manual,
with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from .body import code
from .edits import SiteEdits
from .sdk_token import SdkError
from .sites import HttpCall
from .status import StatusError, widen_handlers

SENT_KWARGS = {"json", "headers", "timeout"}


@dataclass
class HelperPlan:
    helper: cst.FunctionDef
    sent: HttpCall  # the request inside the helper
    body_name: str  # the parameter it sends as json=
    response: str  # ``response`` in ``response = requests.post(...)``


def plan_helper(ctx, http: HttpCall) -> HelperPlan:
    """Whether (and how) the helper of this call can call the SDK itself; SdkError says why not."""
    from .sites import CallFinder

    helper = http.forwarder
    assert helper is not None
    name = helper.name.value
    signature = CallFinder(ctx.index, ctx.resolver).forwarder(helper)
    if signature is None or helper.asynchronous is not None or helper.decorators:
        raise SdkError(f"{name}() does more than send the request; move this call to the openai SDK by hand or use --target http")
    _url_index, url_name, _body_index, body_name, inner = signature
    callers = list(ctx.resolver.callers(helper))
    if callers != [http.call] or ctx.context.project.imported_by(ctx.index.module_name, name):
        raise SdkError(f"{name}() is called from more places than this legacy call; the openai SDK cannot take its place "
                       "for all of them: move this call by hand or use --target http")
    if not body_name:
        raise SdkError(f"{name}() does not send its body parameter as json=; move this call to the openai SDK by hand")
    library = _library(ctx, inner, helper)
    if library not in ("requests", "httpx") or inner.func.attr.value != "post":  # type: ignore[union-attr]
        raise SdkError(f"{name}() does not send with requests.post / httpx.post; move this call to the openai SDK by hand")
    for arg in inner.args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        is_url = isinstance(arg.value, cst.Name) and arg.value.value == url_name and keyword in (None, "url")
        if arg.star or not is_url and keyword not in SENT_KWARGS:
            raise SdkError(f"{name}() passes {code(arg)} to the request, which the openai SDK has no place for; move it by hand")
        if keyword == "json" and not (isinstance(arg.value, cst.Name) and arg.value.value == body_name):
            raise SdkError(f"{name}() sends a body other than its parameter; move this call to the openai SDK by hand")
    for parameter in (url_name, body_name):
        if len(list(ctx.index.loads_of(parameter, helper))) != 1:
            raise SdkError(f"{name}() uses its {parameter} parameter for more than the request; move this call by hand")
    response = _response_name(ctx, helper, inner)
    url = next(a.value for a in inner.args if isinstance(a.value, cst.Name) and a.value.value == url_name)
    sent = HttpCall(inner, helper, "POST", url, [], None, None, library)
    return HelperPlan(helper, sent, body_name, response)


def _library(ctx, inner: cst.Call, helper: cst.FunctionDef) -> str | None:
    module = inner.func.value if isinstance(inner.func, cst.Attribute) else None
    found = ctx.index.lookup(module.value, helper) if isinstance(module, cst.Name) else None
    return found[2][0] if found and found[0] == "import" and found[2][1] is None else None  # type: ignore[index]


def _response_name(ctx, helper: cst.FunctionDef, inner: cst.Call) -> str:
    """``response = <inner>``; the response is used for ``raise_for_status()`` and ``return response.json()`` only."""
    name = helper.name.value
    assignment = ctx.index.parent(inner)
    if not (isinstance(assignment, cst.Assign) and len(assignment.targets) == 1 and isinstance(assignment.targets[0].target, cst.Name)):
        raise SdkError(f"{name}() does not keep the response in a variable; move this call to the openai SDK by hand")
    response = assignment.targets[0].target.value
    checked = False
    for load in ctx.index.loads_of(response, helper):
        attribute = ctx.index.parent(load)
        call = ctx.index.parent(attribute)
        statement = ctx.index.parent(call)
        use = attribute.attr.value if isinstance(attribute, cst.Attribute) and isinstance(call, cst.Call) and call.func is attribute and not call.args else None
        if use == "raise_for_status" and isinstance(statement, cst.Expr):
            checked = True
        elif not (use == "json" and isinstance(statement, cst.Return)):
            raise SdkError(f"{name}() uses the response for more than raise_for_status() and returning its JSON; "
                           "move this call to the openai SDK by hand")
    if not checked:
        raise SdkError(f"{name}() returns an error answer as if it were one (no raise_for_status()), which the openai SDK "
                       "raises instead; move this call by hand or use --target http")
    return response


def rewrite_helper(ctx, site: SiteEdits, plan: HelperPlan, call: str) -> None:
    """The request becomes ``call``, ``raise_for_status()`` goes, ``return response.json()`` returns ``.to_dict()``."""
    site.set(plan.sent.call, cst.parse_expression(call))
    site.written.append(call)
    for load in ctx.index.loads_of(plan.response, plan.helper):
        attribute = ctx.index.parent(load)
        method = attribute.attr.value  # type: ignore[union-attr]
        if method == "raise_for_status":
            site.remove(ctx.statement_of(attribute))
        else:
            site.set(attribute.attr, cst.Name("to_dict"))  # type: ignore[union-attr]
    try:
        widen_handlers(ctx.index, site, plan.sent.call)
    except StatusError as exc:
        raise SdkError(str(exc)) from None
