"""``--target openai``: the client a migrated call goes through, and where it is created.

The token is the expression the legacy code put in its ``Authorization: Bearer ...``
header: on the call, on the ``httpx.Client`` / ``requests.Session`` /
``aiohttp.ClientSession`` it goes through (also one created in another function
and passed in), in ``session.headers.update(...)``, or on an installed urllib
opener. ``f"Bearer {T}"``, ``"Bearer " + T``, ``"Bearer %s" % T`` and
``"Bearer {}".format(T)`` all give ``T``; a literal token is read from the
headers dict it is written in (``HEADERS["Authorization"].removeprefix("Bearer ")``),
never copied into a new literal.

One client per module and scope, created where the token is defined:

- module level, below the statement that defines the last name it needs, when the
  token (and a run-time base URL) are fixed at import: module constants, class
  attributes, imports, or a headers dict built at module level;
- ``self.ionos_client`` in ``__init__`` when they are attributes ``__init__`` sets
  (or its parameters, for headers built there);
- on the installed opener's function (``global ionos_client``) for ``urlopen``;
- else in the function, right above the call (a token that is a parameter, or an
  environment variable read in the function).

``max_retries`` is ``MigrationContext.sdk_retries`` (default 0: the legacy code
sent one request). A token that may be empty or None gets ``or "no-token"``:
the SDK refuses to build a client without a key (and with ``None`` it would
take ``OPENAI_API_KEY``), while the legacy code sent the request and got a 401;
with the placeholder it still does.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from ionos_migrate.compat import rules as mapping

from .body import code
from .edits import SiteEdits
from .resolve import ENV_CALLS, ENV_MAPPINGS, Dyn, Scope, dotted_name, string_value
from .sites import HttpCall

SYNC_CLIENT, ASYNC_CLIENT = "ionos_client", "ionos_async_client"
NO_TOKEN = "no-token"  # sent when the code's token is empty or None: the API answers 401, as it did before


class SdkError(Exception):
    """The site cannot move to the SDK with confidence; the message says why."""


@dataclass
class Client:
    name: str  # what the call uses: ``ionos_client``, ``self.ionos_client``
    is_async: bool
    helper: Optional[object] = None  # a sdk_helper.HelperPlan: the forwarding helper calls the SDK itself


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


# --- where the client goes ---------------------------------------------------------------


def plan_client(ctx, site: SiteEdits, http: HttpCall, is_async: bool, base: Dyn | None = None) -> Client:
    """Plan the client's creation (see the module docstring) and return how the call names it."""
    token = find_token(ctx, http)
    name = ASYNC_CLIENT if is_async else SYNC_CLIENT
    factory = "AsyncOpenAI" if is_async else "OpenAI"
    site.imports.add(f"from openai import {factory}")
    base_code = json.dumps(mapping.OPENAI_BASE_URL)
    if base is not None:
        from .runtime_base import HELPER, HELPER_CODE

        site.prelude.setdefault(HELPER, HELPER_CODE)  # before the client, which may call it at import
        base_code = f"{HELPER}({code(base.node)})"
    key = code(token.node)
    if not token.from_literal and _may_be_empty(ctx, token):
        key += f' or "{NO_TOKEN}"'
    arguments = f"base_url={base_code}, api_key={key}, max_retries={ctx.context.sdk_retries}"
    opener = installed_opener(ctx) if http.library in ("urlopen", "urllib") and not _has_headers(http) else None
    if opener is not None:
        _remember(ctx, opener.function, name, arguments)
        site.insert_after(opener.statement, f"global {name}\n")  # where the opener is installed, as the opener was
        site.insert_after(opener.statement, f"{name} = {factory}({arguments})\n")
        return Client(name, is_async)
    pieces = [(token.node, token.scope)] + ([(base.node, base.scope)] if base is not None else [])
    if all(_fixed_at_import(ctx, node, scope) for node, scope in pieces):
        _at_module_level(ctx, site, name, f"{name} = {factory}({arguments})\n", token, base, arguments)
        return Client(name, is_async)
    instance = _instance_anchor(ctx, http, token, pieces)
    if instance is not None:
        init, anchor = instance
        _remember(ctx, init, name, arguments)
        site.insert_after(anchor, f"self.{name} = {factory}({arguments})\n")
        return Client(f"self.{name}", is_async)
    if not _valid_in(ctx, token.node, token.scope, http.scope) or (base is not None and not _valid_in(ctx, base.node, base.scope, http.scope)):
        raise SdkError("the token is only known in another function; build the openai client by hand")
    _remember(ctx, http.scope, name, arguments)
    statement = ctx.statement_of(_sent_call(ctx, http))
    if not isinstance(statement, (cst.SimpleStatementLine, cst.With)) or not isinstance(ctx.index.parent(statement), cst.IndentedBlock):
        raise SdkError("the call is not a plain statement in a function; build the openai client by hand")
    site.insert_before(statement, f"{name} = {factory}({arguments})\n")
    return Client(name, is_async)


def _has_headers(http: HttpCall) -> bool:
    return any(a.keyword is not None and a.keyword.value == "headers" for a in http.call.args)


def _sent_call(ctx, http: HttpCall) -> cst.Call:
    """Where the request goes out: the call itself, or ``urlopen(req)`` for a urllib Request."""
    from .sdk import urllib_opening

    opening = urllib_opening(ctx, http) if http.library == "urllib" else None
    return opening.call if opening is not None else http.call


def _remember(ctx, place: cst.CSTNode, name: str, arguments: str) -> None:
    """One client per scope: a second call with another token or base cannot share it."""
    made = ctx.sdk_clients.setdefault((id(place), name), arguments)
    if made != arguments:
        raise SdkError("another call in this scope sends a different token or base URL; build a second openai client by hand")


def _at_module_level(ctx, site: SiteEdits, name: str, creation: str, token: Token, base: Dyn | None, arguments: str) -> None:
    _remember(ctx, ctx.module, name, arguments)
    anchor = _module_anchor(ctx, token, base)
    if anchor is not None and not _in_import_block(ctx, anchor):
        site.insert_after(anchor, creation)
        return
    first = next((s for s in ctx.module.body if not _in_import_block(ctx, s)), None)
    if isinstance(first, cst.SimpleStatementLine) and not any(line.comment for line in first.leading_lines):
        site.insert_before(first, creation)  # right below the imports (and the generated helpers, which go there too)
    else:
        site.prelude.setdefault(name, creation)


def module_level(ctx, token: Token) -> bool:
    """Whether the token can be read by a client created at module level."""
    return _fixed_at_import(ctx, token.node, token.scope)


def _in_import_block(ctx, statement: cst.CSTNode) -> bool:
    for node in ctx.module.body:
        is_import = isinstance(node, cst.SimpleStatementLine) and isinstance(node.body[0], (cst.Import, cst.ImportFrom, cst.Expr))
        if node is statement:
            return is_import
        if not is_import:
            return False
    return False


def _module_anchor(ctx, token: Token, base: Dyn | None) -> cst.CSTNode | None:
    """The last module statement the client needs: one that binds a name it reads, or builds its headers."""
    names = {n.value for n in _loaded_names(token.node)}
    if base is not None:
        names |= {n.value for n in _loaded_names(base.node)}
    last = None
    for statement in ctx.module.body:
        if _binds(statement, names) or statement is token.statement:
            last = statement
    return last


def _binds(statement: cst.CSTNode, names: set[str]) -> bool:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return statement.name.value in names
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if any(isinstance(t, cst.Name) and t.value in names for t in targets):
                    return True
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    first = code(bound).split(".")[0]
                    if first in names:
                        return True
    return False


def _loaded_names(node: cst.CSTNode) -> list[cst.Name]:
    """The names an expression reads (not attribute names or keywords); works on parsed-apart code too."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            found.append(current)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)
        elif isinstance(current, cst.Arg):
            stack.append(current.value)
        else:
            stack.extend(current.children)
    return found


def _reads_environment(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call) and dotted_name(current.func) in ENV_CALLS:
            return True
        if isinstance(current, cst.Subscript) and dotted_name(current.value) in ENV_MAPPINGS:
            return True
        stack.extend(current.children)
    return False


def _fixed_at_import(ctx, node: cst.BaseExpression, scope: Scope) -> bool:
    """The expression has its value once the module is imported: written at module level, or made of
    module constants, imports, classes and builtins, with no environment read of its own."""
    if isinstance(scope, cst.Module):
        return True
    if _reads_environment(node):
        return False
    for name in _loaded_names(node):
        found = ctx.index.lookup(name.value, scope)
        if found is None:
            if not hasattr(builtins, name.value):
                return False
        elif found[0] not in ("value", "import", "def", "constant") or not isinstance(found[1], cst.Module):
            return False
    return True


def _valid_in(ctx, node: cst.BaseExpression, where: Scope, there: Scope) -> bool:
    """``node`` (valid in ``where``) means the same when written in ``there``."""
    if where is there:
        return True
    if isinstance(where, cst.ClassDef):
        return ctx.index.enclosing_class(there) is where
    return same_meaning(ctx, node, where, there)


def same_meaning(ctx, expr: cst.BaseExpression, here: Scope, there: Scope) -> bool:
    """Every name in ``expr`` is bound to the same thing seen from both scopes (module names, imports)."""
    for name in _loaded_names(expr):
        if name.value == "self" or ctx.index.lookup(name.value, here) != ctx.index.lookup(name.value, there):
            return False
    return True


def _may_be_empty(ctx, token: Token) -> bool:
    """False for ``os.environ["X"]`` (a KeyError when missing, as before) and names bound to it."""
    node, scope = token.node, token.scope
    for _ in range(8):
        if isinstance(node, cst.Subscript) and dotted_name(node.value) in ENV_MAPPINGS:
            return False
        if not isinstance(node, cst.Name):
            return True
        found = ctx.index.lookup(node.value, scope)
        if not found or found[0] != "value":
            return True
        node, scope = found[2], found[1]  # type: ignore[assignment]
    return True


# --- self.ionos_client in __init__ ------------------------------------------------------------


def _instance_anchor(ctx, http: HttpCall, token: Token, pieces) -> tuple[cst.FunctionDef, cst.CSTNode] | None:
    """(``__init__``, the statement to create ``self.ionos_client`` after) when the call is in a method
    and the token and base are set in ``__init__`` of the same class."""
    cls = ctx.index.enclosing_class(http.scope)
    method = http.scope
    if cls is None or not isinstance(method, cst.FunctionDef) or not method.params.params or method.params.params[0].name.value != "self":
        return None
    init = ctx.index.bindings(cls).defs.get("__init__")
    if not isinstance(init, cst.FunctionDef) or not isinstance(init.body, cst.IndentedBlock):
        return None
    attributes = ctx.index.self_attrs(cls).values
    if SYNC_CLIENT in attributes or ASYNC_CLIENT in attributes:
        return None
    body = list(init.body.body)
    last = -1
    for node, scope in pieces:
        if scope is init:  # headers built in __init__: valid below the statement that builds them
            position = _position_in(ctx, body, token.statement if node is token.node else None)
            if position is None:
                return None
            last = max(last, position)
            continue
        if _fixed_at_import(ctx, node, scope):
            continue
        for name in _loaded_names(node):
            found = ctx.index.lookup(name.value, scope)
            if name.value == "self" and found and found[0] == "param":
                continue
            if found is None and hasattr(builtins, name.value) or found and isinstance(found[1], cst.Module):
                continue
            return None
        for attribute in _self_attributes(node):
            values = attributes.get(attribute)
            if not values or len(values) != 1 or values[0][1] is not init:
                return None
            position = _position_in(ctx, body, values[0][0])
            if position is None:
                return None
            last = max(last, position)
    if last < 0:
        return None
    return init, body[last]


def _self_attributes(node: cst.CSTNode) -> list[str]:
    """``self.config.api_url`` -> ["config"]: the attributes of ``self`` an expression reads."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Attribute) and isinstance(current.value, cst.Name) and current.value.value == "self":
            found.append(current.attr.value)
            continue
        stack.extend(current.children)
    return found


def _position_in(ctx, body: list, node: cst.CSTNode | None) -> int | None:
    """The index in ``body`` of the top-level statement holding ``node``."""
    if node is None:
        return None
    for ancestor in [node, *ctx.index.ancestors(node)]:
        if ancestor in body:
            return body.index(ancestor)
    return None
