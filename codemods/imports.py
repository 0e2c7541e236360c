"""Where ``import openai`` / ``from openai import OpenAI`` go: with the module's other third-party imports.

The group is found in the module as it was before the rewrite: the import
statements, without a blank line between them, that hold the HTTP library
(``requests``, ``httpx``, ``aiohttp``). The openai imports join that group in
name order; when the rewrite removed the whole group (``import requests`` was
its only line), they take its place, blank lines and all. A module without such
a group gets a new group after its standard-library imports (isort's order:
standard library, third party, the project's own).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import libcst as cst

from .resolve import dotted_name

HTTP_LIBRARIES = {"requests", "httpx", "aiohttp"}
STANDARD = set(sys.stdlib_module_names) | {"__future__"}


@dataclass
class ThirdPartyGroup:
    """The third-party import group of the module before the rewrite."""

    members: list[str] = field(default_factory=list)  # the code of each import statement in it
    leading: list = field(default_factory=list)  # the blank lines above its first statement
    following: list[str] = field(default_factory=list)  # the code of each statement after it


def _top_module(statement: cst.CSTNode) -> str | None:
    """``import a.b`` / ``from a.b import c`` -> ``a``; None for other statements and relative imports."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Import):
        return (dotted_name(small.names[0].name) or "").split(".")[0]
    if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
        return (dotted_name(small.module) or "").split(".")[0]
    return None


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))


def _starts_group(statement: cst.CSTNode) -> bool:
    return bool(getattr(statement, "leading_lines", ()))


def _text(module: cst.Module, statement: cst.CSTNode) -> str:
    """What a statement is, whatever the rewrite did to it: ``from settings import`` for an import (a rewrite
    may drop one of its names), else its code without the blank lines and comments above it."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom):
            module = (dotted_name(small.module) if small.module is not None else None) or ""
            return "from " + "." * len(small.relative) + module + " import"
        if isinstance(small, cst.Import):
            return "import " + ", ".join(dotted_name(alias.name) or "" for alias in small.names)
    bare = statement.with_changes(leading_lines=[]) if hasattr(statement, "leading_lines") else statement
    return module.code_for_node(bare)


def third_party_group(module: cst.Module) -> ThirdPartyGroup | None:
    """The group of top-level imports that holds an HTTP library import, if any."""
    body = list(module.body)
    groups: list[list[int]] = []
    for index, statement in enumerate(body):
        if not _is_import(statement):
            continue
        if groups and groups[-1][-1] == index - 1 and not _starts_group(statement):
            groups[-1].append(index)
        else:
            groups.append([index])
    for group in groups:
        if any(_top_module(body[i]) in HTTP_LIBRARIES for i in group):
            return ThirdPartyGroup(
                members=[_text(module, body[i]) for i in group],
                leading=list(body[group[0]].leading_lines),
                following=[_text(module, s) for s in body[group[-1] + 1:]],
            )
    return None


def merge_openai(names: list[str]) -> list[str]:
    """``from openai import OpenAI`` + ``from openai import AsyncOpenAI`` -> one statement."""
    imported = sorted({name.rsplit(" ", 1)[1] for name in names if name.startswith("from openai import ")})
    merged = [name for name in names if not name.startswith("from openai import ")]
    if imported:
        merged.append(f"from openai import {', '.join(imported)}")
    return merged


def place(module: cst.Module, body: list, position: int, statements: list, group: ThirdPartyGroup | None) -> int:
    """Insert the third-party ``statements`` into ``body`` (the import block ends at ``position``);
    returns where the import block ends now."""
    if not statements:
        return position
    codes = [_text(module, s) for s in body[:position]]
    members = [i for i, text in enumerate(codes) if group is not None and text in group.members]
    if members:
        at = next((i for i in members if (_top_module(body[i]) or "") > "openai"), members[-1] + 1)
        if at == members[0]:  # it becomes the group's first line: it takes over the blank lines above
            statements[0] = statements[0].with_changes(leading_lines=body[at].leading_lines)
            body[at] = body[at].with_changes(leading_lines=[])
        body[at:at] = statements
        return position + len(statements)
    if group is not None:  # the rewrite removed the whole group: the openai imports take its place
        texts = [_text(module, s) for s in body]
        at = next((texts.index(text) for text in group.following if text in texts), position)  # the first that stayed
        at = min(at, position)
        statements[0] = statements[0].with_changes(leading_lines=group.leading)
        body[at:at] = statements
        return position + len(statements)
    return _new_group(body, position, statements)


def _new_group(body: list, position: int, statements: list) -> int:
    """After the standard-library imports, as a group of its own."""
    first = next((i for i in range(position) if _is_import(body[i])), None)
    if first is None:
        body[position:position] = statements
        return position + len(statements)
    at = first
    while at < position and _is_import(body[at]) and (_top_module(body[at]) or "") in STANDARD:
        at += 1
    blank = [cst.EmptyLine()]
    if at > first:
        statements[0] = statements[0].with_changes(leading_lines=blank)
    if at < len(body) and not body[at].leading_lines:
        body[at] = body[at].with_changes(leading_lines=blank)
    body[at:at] = statements
    return position + len(statements)
