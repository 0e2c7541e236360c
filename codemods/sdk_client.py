"""``--target openai``: the client a migrated call goes through, and where it is created.

Its token comes from ``sdk_token.py``. One client per module and scope, created
where the token is defined:

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
from .resolve import ENV_CALLS, ENV_MAPPINGS, Dyn, Scope, dotted_name
from .sdk_token import SdkError, Token, find_token, installed_opener  # noqa: F401 (SdkError re-exported)
from .sites import HttpCall

SYNC_CLIENT, ASYNC_CLIENT = "ionos_client", "ionos_async_client"
NO_TOKEN = "no-token"  # sent when the code's token is empty or None: the API answers 401, as it did before


@dataclass
class Client:
    name: str  # what the call uses: ``ionos_client``, ``self.ionos_client``
    is_async: bool
    helper: Optional[object] = None  # a sdk_helper.HelperPlan: the forwarding helper calls the SDK itself


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
    if SYNC_CLIENT in attributes or ASYNC_CLIENT in attributes or _overridden_init(ctx, cls):
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


def _overridden_init(ctx, cls: cst.ClassDef) -> bool:
    """A subclass in this module with an ``__init__`` of its own might not run the one the client is made in."""
    return any(
        cls in ctx.index.base_classes(other) and "__init__" in ctx.index.bindings(other).defs
        for other in ctx.index.nodes_of(cst.ClassDef)
    )


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
