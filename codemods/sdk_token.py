"""``--target openai``: the token a migrated call's client gets.

The token is the expression the legacy code put in its ``Authorization: Bearer ...``
header: on the call, on the ``httpx.Client`` / ``requests.Session`` /
``aiohttp.ClientSession`` it goes through (also one created in another function
and passed in), in ``session.headers.update(...)``, on an installed urllib opener,
or (a notebook cell) in a headers dict a cell above defines. ``f"Bearer {T}"``,
``"Bearer " + T``, ``"Bearer %s" % T`` and ``"Bearer {}".format(T)`` all give
``T``; a literal token is read from the headers dict it is written in
(``HEADERS["Authorization"].removeprefix("Bearer ")``), never copied into new code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from .body import code
from .resolve import Scope, dotted_name, string_value
from .sites import HttpCall


class SdkError(Exception):
    """The site cannot move to the SDK with confidence; the message says why."""


@dataclass
class Token:
    """The token expression and where it is evaluated."""

    node: cst.BaseExpression
    scope: Scope  # where ``node`` means what the header meant
    statement: Optional[cst.CSTNode]  # the statement that builds the headers dict
    from_literal: bool = False  # HEADERS["Authorization"].removeprefix("Bearer "): never empty


# --- the token -----------------------------------------------------------------


def find_token(ctx, http: HttpCall) -> Token:
    """The token in the headers the call sends, and the scope it is valid in."""
    header = next((a for a in http.call.args if a.keyword is not None and a.keyword.value == "headers"), None)
    if header is not None:
        return _token_of(ctx, header.value, http.scope)
    opener = installed_opener(ctx) if http.library in ("urlopen", "urllib") else None
    if opener is not None:
        return opener.token
    found = _receiver_headers(ctx, http)
    if not found:
        raise SdkError("no headers the tool can find (on the call, its httpx client or requests session); build the openai client by hand")
    tokens = [_token_of(ctx, headers, ctx.index.scope_of(headers)) for headers in found]
    if len({code(t.node) for t in tokens}) != 1:
        raise SdkError("the sessions passed to this function carry different tokens; build the openai client by hand")
    return tokens[0]


def _token_of(ctx, headers: cst.BaseExpression, scope: Scope) -> Token:
    found = ctx.resolver.dict_literal(headers, scope)
    earlier = ctx.earlier_headers.get(headers.value) if isinstance(headers, cst.Name) else None
    if found is None and earlier is not None and ctx.index.lookup(headers.value, scope) is None:  # type: ignore[union-attr]
        return Token(cst.parse_expression(earlier), ctx.module, None)  # a notebook cell above defines the headers
    if found is None:
        raise SdkError(f"the headers ({code(headers)}) are not a dict the tool can follow; build the openai client by hand")
    table, where = found
    statement = ctx.statement_of(table)
    for element in table.elements:
        if not (isinstance(element, cst.DictElement) and (string_value(element.key) or "").lower() == "authorization"):
            continue
        value, value_scope = element.value, where
        if isinstance(value, cst.Name):  # {"Authorization": AUTH} with AUTH = f"Bearer {TOKEN}"
            bound = ctx.index.lookup(value.value, where)
            if bound and bound[0] == "value":
                value, value_scope = bound[2], bound[1]
        token = _bearer(value)
        if token is None:
            break
        if _literal(token):
            return _from_named_dict(ctx, headers, scope, table, element, statement)
        return Token(token, value_scope, statement)
    raise SdkError('no "Authorization": "Bearer ..." header the tool can read; build the openai client by hand')


def _literal(node: cst.BaseExpression) -> bool:
    if string_value(node) is not None:
        return True
    if isinstance(node, cst.FormattedString):
        return all(isinstance(p, cst.FormattedStringText) or _literal(p.expression) for p in node.parts)
    if isinstance(node, cst.BinaryOperation):
        return _literal(node.left) and _literal(node.right)
    return False


def _from_named_dict(ctx, headers, scope, table: cst.Dict, element: cst.DictElement, statement) -> Token:
    """A literal token stays where it is written: the client reads it from the headers dict."""
    if not isinstance(headers, cst.Name) or ctx.resolver.dict_literal(headers, scope) is None:
        raise SdkError("the token is a literal written in the call; put the headers in a variable (better: read the "
                       "token from the environment), then rerun")
    bound = ctx.index.lookup(headers.value, scope)
    where = bound[1] if bound else scope
    expression = cst.parse_expression(f'{headers.value}[{code(element.key)}].removeprefix("Bearer ")')
    return Token(expression, where, ctx.statement_of(table), from_literal=True)


def _bearer(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """``f"Bearer {T}"``, ``"Bearer " + T``, ``"Bearer %s" % T``, ``"Bearer {}".format(T)`` -> ``T``."""
    if isinstance(value, cst.FormattedString) and len(value.parts) == 2:
        text, expr = value.parts
        if isinstance(text, cst.FormattedStringText) and text.value == "Bearer " and isinstance(expr, cst.FormattedStringExpression):
            if expr.conversion is None and expr.format_spec is None:
                return expr.expression
    if isinstance(value, cst.FormattedString) and all(isinstance(p, cst.FormattedStringText) for p in value.parts):
        text = "".join(p.value for p in value.parts)  # type: ignore[union-attr]
        return cst.SimpleString(json.dumps(text[len("Bearer "):])) if text.startswith("Bearer ") else None
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add) and string_value(value.left) == "Bearer ":
        return value.right
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo) and string_value(value.left) == "Bearer %s":
        right = value.right
        if isinstance(right, cst.Tuple):
            return right.elements[0].value if len(right.elements) == 1 else None
        return right
    if (
        isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "format"
        and len(value.args) == 1 and not value.args[0].star
    ):
        template = string_value(value.func.value)
        keyword = value.args[0].keyword
        if template == "Bearer {}" and keyword is None or keyword is not None and template == f"Bearer {{{keyword.value}}}":
            return value.args[0].value
    text = string_value(value)
    if text is not None and text.startswith("Bearer "):
        return value  # a literal header: the token stays in its dict
    return None


def _receiver_headers(ctx, http: HttpCall) -> list[cst.BaseExpression]:
    """The headers of the session or client the call goes through: its factory's ``headers=``,
    ``session.headers.update(H)``, or, for a session passed in as a parameter, those of every caller's."""
    from .sites import SESSION_FACTORIES, CallFinder, call_arg

    if not isinstance(http.call.func, cst.Attribute):
        return []
    receiver = http.call.func.value
    finder = CallFinder(ctx.index, ctx.resolver)
    factory = finder.client_factory(receiver, http.scope, SESSION_FACTORIES)
    if factory is not None:
        arg = call_arg(factory, 99, "headers")
        return [arg.value] if arg is not None else []
    updates = []
    for call in ctx.index.calls():
        func = call.func
        if (
            isinstance(func, cst.Attribute) and func.attr.value == "update" and len(call.args) == 1
            and isinstance(func.value, cst.Attribute) and func.value.attr.value == "headers"
            and code(func.value.value) == code(receiver)
        ):
            updates.append(call.args[0].value)
    if updates:
        return updates if len(updates) == 1 else []
    return _passed_in_headers(ctx, http, receiver, finder)


def _passed_in_headers(ctx, http: HttpCall, receiver, finder) -> list[cst.BaseExpression]:
    """``async def fetch(session, prompt)`` called as ``fetch(session, ...)`` with ``session`` from
    ``aiohttp.ClientSession(headers=H)`` in each caller: every caller's ``H``."""
    from .resolve import positional_names
    from .sites import SESSION_FACTORIES, call_arg

    found = ctx.index.lookup(receiver.value, http.scope) if isinstance(receiver, cst.Name) else None
    function = found[1] if found and found[0] == "param" else None
    if not isinstance(function, cst.FunctionDef) or function is not http.scope:
        return []
    names = positional_names(function)
    position = names.index(receiver.value) if receiver.value in names else 99  # type: ignore[union-attr]
    callers = list(ctx.resolver.callers(function))
    headers = []
    for call in callers:
        arg = call_arg(call, position, receiver.value)  # type: ignore[union-attr]
        factory = finder.client_factory(arg.value, ctx.index.scope_of(call), SESSION_FACTORIES) if arg is not None else None
        given = call_arg(factory, 99, "headers") if factory is not None else None
        if given is None:
            return []
        headers.append(given.value)
    return headers


# --- an installed urllib opener ------------------------------------------------------


@dataclass
class Opener:
    function: cst.FunctionDef  # the module function that installs it
    statement: cst.CSTNode  # install_opener(...)
    token: Token


def installed_opener(ctx) -> Opener | None:
    """``opener.addheaders = [("Authorization", "Bearer " + T), ...]`` then ``install_opener(opener)``
    in one module-level function: the only opener the module installs."""
    installs = [c for c in ctx.index.calls() if (dotted_name(c.func) or "").endswith("install_opener") and len(c.args) == 1]
    if len(installs) != 1 or not isinstance(installs[0].args[0].value, cst.Name):
        return None
    install = installs[0]
    function = ctx.index.scope_of(install)
    if not isinstance(function, cst.FunctionDef) or ctx.index.outer_scope(function) is not ctx.module:
        return None
    name = install.args[0].value.value  # type: ignore[union-attr]
    headers = None
    for node in ctx.index.walk(function):
        if (
            isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Attribute)
            and code(node.targets[0].target) == f"{name}.addheaders" and isinstance(node.value, (cst.List, cst.Tuple))
        ):
            headers = node.value
    for element in headers.elements if headers is not None else ():
        pair = element.value
        if isinstance(pair, cst.Tuple) and len(pair.elements) == 2 and (string_value(pair.elements[0].value) or "").lower() == "authorization":
            token = _bearer(pair.elements[1].value)
            if token is None or _literal(token):
                return None
            statement = ctx.statement_of(install)
            if not isinstance(ctx.index.parent(statement), cst.IndentedBlock) or ctx.index.parent(ctx.index.parent(statement)) is not function:
                return None
            return Opener(function, statement, Token(token, function, statement))
    return None
