"""Drop ``from settings import PREDICT_URL`` when the rewrite made that name unused.

Only names the other rules replaced (a URL argument that became the new
endpoint) are considered; every other import is left alone.
"""

from __future__ import annotations

import re

import libcst as cst

from ..core import RuleContext
from ..resolve import dotted_name, string_value
from . import Rule

RULE_ID = "ionos-unused-imports"


def run(ctx: RuleContext) -> None:
    replaced = {id(inner) for node in ctx.replaced_names for inner in ctx.index.walk(node)}
    names = {inner.value for node in ctx.replaced_names for inner in ctx.index.walk(node) if isinstance(inner, cst.Name)}
    names -= _exported(ctx)  # a name in __all__ is re-exported: ``from m import *`` needs it
    for name in sorted(names):
        found = ctx.index.lookup(name, ctx.module)
        if not found or found[0] != "import":
            continue
        loads = [n for n in _loads(ctx, name) if id(n) not in replaced]
        if loads or _used_by_new_code(ctx, name):
            continue
        _drop_alias(ctx, name)


def _exported(ctx: RuleContext) -> set[str]:
    """The strings in the module's ``__all__`` (``=``, ``+=``, annotated)."""
    found: set[str] = set()
    for statement in ctx.module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [small.target]
            else:
                continue
            if small.value is not None and any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                found.update(text for node in ctx.index.walk(small.value) if (text := string_value(node)) is not None)
    return found


def _used_by_new_code(ctx: RuleContext, name: str) -> bool:
    """Statements the rules insert (a RAG collection query through requests) may use the name."""
    inserted = [line for lines in (*ctx.edits.before.values(), *ctx.edits.after.values()) for line in lines]
    inserted += list(ctx.edits.prelude.values()) + ctx.edits.written
    return any(re.search(rf"\b{re.escape(name)}\b", code) for code in inserted)


def _loads(ctx: RuleContext, name: str):
    for node in ctx.index.walk(ctx.module):
        if isinstance(node, cst.Name) and node.value == name:
            parent = ctx.index.parent(node)
            if isinstance(parent, (cst.ImportAlias, cst.AsName)):
                continue
            if isinstance(parent, cst.Attribute) and isinstance(ctx.index.parent(parent), cst.ImportAlias):
                continue  # ``import urllib.request`` names urllib, it does not use it
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                continue
            if isinstance(parent, cst.Arg) and parent.keyword is node:
                continue
            yield node


def _drop_alias(ctx: RuleContext, name: str) -> None:
    for statement in ctx.module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if not isinstance(small, (cst.Import, cst.ImportFrom)) or isinstance(small.names, cst.ImportStar):
            continue
        keep = [a for a in small.names if _local_name(a) != name]
        if len(keep) == len(small.names):
            continue
        if not keep:
            ctx.edits.replace[statement] = lambda _u: cst.RemoveFromParent()
            _carry_leading_lines(ctx, statement)
        else:
            keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            ctx.edits.replace[small] = lambda u, keep=keep: u.with_changes(names=keep)
        return


def _carry_leading_lines(ctx: RuleContext, statement: cst.SimpleStatementLine) -> None:
    """Blank lines and comments above a removed import stay, on the statement below it."""
    if not statement.leading_lines:
        return
    body = list(ctx.module.body)
    following = body[body.index(statement) + 1 :]
    if not following:
        return
    target = following[0]
    if not any(line.comment for line in statement.leading_lines) and target.leading_lines:
        return  # only blank lines, and the next statement has its own
    ctx.edits.prepend_lines(target, statement.leading_lines)


def _local_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return (dotted_name(alias.name) or "").split(".")[0]


RULE = Rule(RULE_ID, run, order=90, description="drops imports the other rules' rewrites left unused; no findings of its own, it runs with them")
