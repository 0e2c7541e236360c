"""Where the new endpoint is written: at the URL's definition when only migrated calls use it, else in the call."""

from __future__ import annotations

import libcst as cst

from .core import RuleContext
from .resolve import Scope, positional_names, single_return
from .sites import HttpCall


def write_urls(ctx: RuleContext, urls: list[tuple[cst.BaseExpression, str, HttpCall]]) -> None:
    """The new endpoint goes where the URL is defined when only migrated calls use it, else into the call."""
    by_binding: dict[cst.CSTNode, list[tuple[cst.BaseExpression, str]]] = {}
    uses_of: dict[cst.CSTNode, list[cst.CSTNode] | None] = {}
    for node, url, http in urls:
        found = url_binding(ctx, node, http.scope)
        if found is None:
            ctx.edits.replace[node] = lambda _u, n=node, url=url: url_literal(n, url)
            ctx.replaced_names.append(node)
        else:
            value, uses = found
            by_binding.setdefault(value, []).append((node, url))
            uses_of[value] = uses
    for value, sites in by_binding.items():
        uses = uses_of[value]
        new_urls = {url for _node, url in sites}
        if len(new_urls) == 1 and uses is not None and {id(n) for n in uses} == {id(n) for n, _ in sites}:
            url = new_urls.pop()
            ctx.edits.replace[value] = lambda _u, v=value, url=url: url_literal(v, url)
        else:
            for node, url in sites:
                ctx.edits.replace[node] = lambda _u, n=node, url=url: url_literal(n, url)
                ctx.replaced_names.append(node)


STRING_EXPRESSIONS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString, cst.BinaryOperation, cst.Call)


def url_binding(ctx: RuleContext, node: cst.BaseExpression, scope: Scope) -> tuple[cst.CSTNode, list | None] | None:
    """Where a URL argument is defined (a name assigned once, a helper returning it), and every use of that definition.

    The uses are None when code elsewhere may read the definition (a public module constant).
    """
    if isinstance(node, cst.Name):
        found = ctx.index.lookup(node.value, scope)
        if not found or found[0] != "value" or not isinstance(found[2], STRING_EXPRESSIONS):
            return None
        name, where = node.value, found[1]
        public = isinstance(where, cst.Module) and not name.islower() and not name.startswith("_")
        uses = None if public else list(ctx.index.loads_of(name, where))
        return found[2], uses  # type: ignore[return-value]
    if isinstance(node, cst.Call) and not node.args:
        helper = ctx.resolver.callee(node, scope)
        if helper is None or _takes_arguments(helper):
            return None
        returned = single_return(helper)
        if returned is None or not isinstance(returned, STRING_EXPRESSIONS):
            return None
        return returned, list(ctx.resolver.callers(helper))
    return None


def _takes_arguments(function: cst.FunctionDef) -> bool:
    params = function.params
    names = positional_names(function)
    if names[:1] in (["self"], ["cls"]):
        names = names[1:]
    return bool(names or params.kwonly_params or isinstance(params.star_arg, cst.Param) or params.star_kwarg)


def drop_dead_url_variables(ctx: RuleContext, calls: list[HttpCall]) -> None:
    """--target openai: ``url = f"{BASE}/models/..."`` in a function, used only by calls that are gone now."""
    by_binding: dict[cst.CSTNode, list[cst.CSTNode]] = {}
    for http in calls:
        if not isinstance(http.url, cst.Name):
            continue  # a helper returning the URL stays: it may have other callers one day
        found = url_binding(ctx, http.url, http.scope)
        if found is not None and found[1] is not None and not isinstance(ctx.index.scope_of(found[0]), cst.Module):
            by_binding.setdefault(found[0], []).append(http.url)
            uses = {id(n) for n in found[1]}
            if uses <= {id(n) for n in by_binding[found[0]]}:
                statement = ctx.statement_of(found[0])
                if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and not any(
                    line.comment for line in statement.leading_lines
                ):
                    ctx.edits.replace[statement] = lambda _u: cst.RemoveFromParent()


def url_literal(original: cst.BaseExpression, url: str | cst.BaseExpression) -> cst.BaseExpression:
    """The new URL where ``original`` was: a string literal in its quotes, or an expression as it is."""
    if isinstance(url, cst.BaseExpression):
        return url
    quote = "'" if isinstance(original, cst.SimpleString) and original.value.startswith("'") else '"'
    return cst.SimpleString(f"{quote}{url}{quote}")
