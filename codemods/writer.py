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
from .edits import SiteEdits, without_markers
from .resolve import Scope
from .sdk import (
    Client,
    SdkError,
    UrlOpening,
    aiohttp_block,
    body_dict_fields,
    call_code,
    check_call,
    client_for,
    forwarded_call,
    token_expression,
    urllib_opening,
    with_block,
)
from .sites import HttpCall
from .status import StatusError, widen_handlers


def sdk_client(ctx: RuleContext, site: SiteEdits, http: HttpCall) -> Client | None:
    """--target openai: the client the call goes through (planned in ``site``); None for --target http."""
    if ctx.context.target != "openai":
        return None
    awaited = isinstance(ctx.index.parent(http.call), cst.Await)
    try:
        if http.forwarder is not None and not awaited:
            return _client_for_helper_call(ctx, site, http)
        check_call(http, awaited)
        aiohttp_block(ctx, http)
        return client_for(ctx, site, http, awaited or http.library == "aiohttp")
    except SdkError as exc:
        raise SiteError(str(exc)) from None


def _client_for_helper_call(ctx: RuleContext, site: SiteEdits, http: HttpCall) -> Client:
    """``send(LEGACY, {...})`` through a helper that only sends: the SDK call replaces this call of it."""
    sent = forwarded_call(ctx, http)
    check_call(sent, False)
    _token, scope = token_expression(ctx, sent)
    if not isinstance(scope, cst.Module):
        raise SdkError(f"{http.forwarder.name.value}() builds its headers inside; move this call to the openai SDK by hand")  # type: ignore[union-attr]
    try:
        widen_handlers(ctx.index, site, http.call)
    except StatusError as exc:
        raise SdkError(str(exc)) from None
    return client_for(ctx, site, sent, False)


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
    if client is not None and http.forwarder is not None:  # the helper's timeout= comes along
        options_from = forwarded_call(ctx, http).call
    if client is None:
        if body.helper is None:
            site.set(body.anchor, cst.parse_expression(dict_code(fields, body.anchor, comments)))
        else:
            site.set(body.anchor, cst.parse_expression(dict_code(fields[1:], body.anchor, comments)))
            site.set(http.body, cst.parse_expression(f'{{"model": {model_field[0][1]}, **{code(http.body)}}}'))
        return
    if body.helper is not None:
        site.set(body.anchor, cst.parse_expression(dict_code(body_dict_fields(fields[1:]), body.anchor, comments)))
        call = call_code(client, kind, model_field, http, spread=code(http.body), options_from=options_from)
    elif body.anchor is http.body:
        call = call_code(client, kind, fields, http, spread=None, options_from=options_from)
    else:
        site.set(body.anchor, cst.parse_expression(dict_code(body_dict_fields(fields), body.anchor, comments)))
        call = call_code(client, kind, [], http, spread=code(http.body), options_from=options_from)
    send_through_sdk(ctx, site, http, call, opening)


def send_through_sdk(ctx: RuleContext, site: SiteEdits, http: HttpCall, call: str, opening: UrlOpening | None) -> None:
    """The SDK call ``call`` takes the place of the request: the call itself, ``urlopen(req)``, or ``async with``."""
    if opening is not None:
        return _write_urlopen(ctx, site, opening, call)
    block = aiohttp_block(ctx, http)
    if block is None:
        site.set(http.call, cst.parse_expression(call))
        return
    _unwrap_with(site, block, f"await {call}")  # async with session.post(...) as resp: BODY  ->  resp = await ...; BODY


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
