"""Writing the new body (and, for ``--target openai``, the SDK call) where the old body was written."""

from __future__ import annotations

import libcst as cst

from .body import (
    LegacyBody,
    code,
    dict_code,
    field_comments,
)
from .core import RuleContext, SiteError
from .edits import MARKER, SiteEdits, without_markers
from .resolve import Dyn, Scope
from .sdk import (
    Client,
    SdkError,
    UrlOpening,
    aiohttp_block,
    body_dict_fields,
    call_code,
    check_call,
    forwarded_call,
    urllib_opening,
    with_block,
)
from .sdk_client import find_token, installed_opener, module_level, plan_client
from .sdk_helper import plan_helper, rewrite_helper
from .sites import HttpCall
from .status import StatusError, widen_handlers


def sdk_client(ctx: RuleContext, site: SiteEdits, http: HttpCall, base: Dyn | None = None) -> Client | None:
    """--target openai: the client the call goes through (planned in ``site``); None for --target http.
    ``base``: a base URL known only at run time, which the client reads through ``ionos_openai_base()``."""
    if ctx.context.target != "openai":
        return None
    awaited = isinstance(ctx.index.parent(http.call), cst.Await)
    try:
        if http.forwarder is not None and not awaited:
            try:
                forwarded_call(ctx, http)  # a helper that only sends: the SDK call takes this call's place
            except SdkError:
                plan = plan_helper(ctx, http)  # else the helper itself calls the SDK, or the reason why not
                client = plan_client(ctx, site, plan.sent, False, base)
                return Client(client.name, client.is_async, helper=plan)
            return _client_for_helper_call(ctx, site, http, base)
        check_call(http, awaited, opener=http.library == "urlopen" and installed_opener(ctx) is not None)
        aiohttp_block(ctx, http)
        _widen(ctx, site, http)
        return plan_client(ctx, site, http, awaited or http.library == "aiohttp", base)
    except SdkError as exc:
        raise SiteError(str(exc)) from None


def _widen(ctx: RuleContext, site: SiteEdits, http: HttpCall) -> None:
    """Handlers of the HTTP library's errors around the call also catch the SDK's (codemods/status.py)."""
    opening = urllib_opening(ctx, http)
    sent = opening.call if opening is not None else http.call  # urllib: the request goes out at urlopen()
    try:
        for call in {http.call, sent}:
            widen_handlers(ctx.index, site, call)
    except StatusError as exc:
        raise SdkError(str(exc)) from None


def _client_for_helper_call(ctx: RuleContext, site: SiteEdits, http: HttpCall, base: Dyn | None) -> Client:
    """``send(LEGACY, {...})`` through a helper that only sends: the SDK call replaces this call of it."""
    sent = forwarded_call(ctx, http)
    check_call(sent, False)
    token = find_token(ctx, sent)
    if not module_level(ctx, token):
        raise SdkError(f"{http.forwarder.name.value}() builds its headers inside; move this call to the openai SDK by hand")  # type: ignore[union-attr]
    try:
        widen_handlers(ctx.index, site, http.call)
    except StatusError as exc:
        raise SdkError(str(exc)) from None
    return plan_client(ctx, site, sent, False, base)


def write_body(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, fields, kind: str, client: Client | None) -> None:
    """Write the new body where the old one was written, and (--target openai) the SDK call."""
    model_field = fields[:1]
    if body.helper is not None:
        callers = list(ctx.resolver.callers(body.helper))
        if len(callers) != 1:
            raise SiteError(f"{body.helper.name.value}() builds the body and is called from {len(callers)} places; rewrite them together by hand")
    assert http.body is not None
    comments = field_comments(body, fields)
    opening = urllib_opening(ctx, http) if client is not None else None
    options_from = opening.call if opening is not None else None
    if client is not None and http.forwarder is not None and client.helper is None:  # the helper's timeout= comes along
        options_from = forwarded_call(ctx, http).call
    if client is None:
        if body.helper is None:
            site.set(body.anchor, cst.parse_expression(dict_code(fields, body.anchor, comments)))
        else:
            site.set(body.anchor, cst.parse_expression(dict_code(fields[1:], body.anchor, comments)))
            site.set(http.body, cst.parse_expression(f'{{"model": {model_field[0][1]}, **{code(http.body)}}}'))
        return
    if client.helper is not None:  # the forwarding helper calls the SDK with the body each caller passes
        if body.helper is not None:
            raise SiteError("the body comes from a helper and goes through another; rewrite them together by hand")
        site.set(body.anchor, cst.parse_expression(dict_code(body_dict_fields(fields), body.anchor, comments)))
        plan = client.helper
        rewrite_helper(ctx, site, plan, call_code(client, kind, [], plan.sent, spread=plan.body_name))  # type: ignore[attr-defined]
        return
    if body.helper is not None:
        site.set(body.anchor, cst.parse_expression(dict_code(body_dict_fields(fields[1:]), body.anchor, comments)))
        call = call_code(client, kind, model_field, http, spread=code(http.body), options_from=options_from)
    elif body.anchor is http.body:
        _drop_encoded_body(ctx, site, http)
        call = call_code(client, kind, fields, http, spread=None, options_from=options_from)
    else:
        site.set(body.anchor, cst.parse_expression(dict_code(body_dict_fields(fields), body.anchor, comments)))
        call = call_code(client, kind, [], http, spread=code(http.body), options_from=options_from)
    send_through_sdk(ctx, site, http, call, opening)


def _drop_encoded_body(ctx: RuleContext, site: SiteEdits, http: HttpCall) -> None:
    """``data = json.dumps({...}).encode()`` above ``urlopen(URL, data=data)``: the SDK call takes the
    fields itself, so the statement goes (its comments stay, on the next statement)."""
    assert http.body is not None
    if any(ancestor is http.call for ancestor in ctx.index.ancestors(http.body)):
        return
    holder = http.body_holder
    statement = ctx.statement_of(http.body)
    if not isinstance(holder, cst.Name) or not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        raise SiteError("the body is built where the SDK call cannot take it from; move it to the openai SDK by hand")
    if len(list(ctx.index.loads_of(holder.value, http.scope))) != 1:
        raise SiteError(f"the encoded body {holder.value!r} is also used elsewhere; move it to the openai SDK by hand")
    site.remove(statement)
    site.gone.append(statement)
    block = ctx.index.parent(statement)
    siblings = list(getattr(block, "body", ()))
    comments = [line for line in statement.leading_lines if line.comment is not None]
    if comments and siblings.index(statement) + 1 < len(siblings):
        site.prepend_lines(siblings[siblings.index(statement) + 1], comments)


def send_through_sdk(ctx: RuleContext, site: SiteEdits, http: HttpCall, call: str, opening: UrlOpening | None) -> None:
    """The SDK call ``call`` takes the place of the request: the call itself, ``urlopen(req)``, or ``async with``."""
    site.written.append(call)
    if opening is not None:
        return _write_urlopen(ctx, site, opening, call)
    block = aiohttp_block(ctx, http)
    if block is not None:
        _unwrap_with(site, block, f"await {call}")  # async with session.post(...) as resp: BODY  ->  resp = await ...; BODY
        return
    block = with_block(ctx, http.call, asynchronous=False) if http.library == "urlopen" else None
    if block is not None:
        _unwrap_with(site, block, call)  # with urlopen(URL, data=...) as resp: BODY  ->  resp = ...; BODY
        return
    site.set(http.call, cst.parse_expression(call))


def _unwrap_with(site: SiteEdits, block: tuple[cst.With, str], value: str, comments=()) -> None:
    """``with <call> as resp: BODY`` -> ``resp = <value>`` followed by BODY."""
    statement, name = block
    assignment = cst.parse_statement(f"{name} = {value}\n")

    def unwrap(updated):
        first = assignment.with_changes(leading_lines=[*comments, *updated.leading_lines])
        return cst.FlattenSentinel([first, *updated.body.body])

    site.with_(statement, unwrap)


def _write_urlopen(ctx: RuleContext, site: SiteEdits, opening: UrlOpening, call: str) -> None:
    """``req = Request(...)`` goes (its comments move down); ``urlopen(req, ...)`` becomes the SDK call."""
    comments = []
    if opening.request_statement is not None:
        comments = [  # an earlier run's marker goes: the site is migrated now
            line for line in without_markers(opening.request_statement.leading_lines) if line.comment is not None
        ]
        site.remove(opening.request_statement)
    site.gone += [opening.request_statement or opening.call, opening.call]
    block = with_block(ctx, opening.call, asynchronous=False)
    if block is not None:
        _unwrap_with(site, block, call, comments)
        return
    if comments:
        raise SiteError("comments above the urllib Request would be lost; move it to the openai SDK by hand")
    site.set(opening.call, cst.parse_expression(call))


def remove_inlined(ctx: RuleContext, site: SiteEdits, body: LegacyBody) -> None:
    """Drop ``options = {...}`` / ``properties = {...}`` that were inlined into the new body and are used nowhere else."""
    removed = []
    for name, scope in body.consumed:
        loads = list(ctx.index.loads_of(name, scope))
        if len(loads) != 1:
            continue
        statement = _assignment_statement(ctx, name, scope)
        if statement is not None:
            site.remove(statement)
            removed.append(statement)
    carried: list = []
    for statement in removed:  # their comments move down to the next statement that stays
        carried += [line for line in statement.leading_lines if line.comment is not None]
        block = ctx.index.parent(statement)
        siblings = list(getattr(block, "body", ()))
        following = [s for s in siblings[siblings.index(statement) + 1 :] if s not in removed]
        if carried and following:
            site.prepend_lines(following[0], carried)
            carried = []


def _assignment_statement(ctx: RuleContext, name: str, scope: Scope) -> cst.SimpleStatementLine | None:
    block = scope.body if not isinstance(scope, cst.Module) else scope
    statements = block.body if hasattr(block, "body") else []
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and small.targets[0].target.value == name
                and isinstance(small.value, cst.Dict)
            ):
                return statement
    return None
