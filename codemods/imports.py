"""New imports go where a person (or isort) would put them.

The module's top imports are read as groups, as the file separates them with
blank lines: ``__future__``, standard library, third-party, local. A new import
joins the group of its kind, in sorted position when that group is sorted
(``import x`` lines before ``from x import y`` lines, as isort and ruff sort
them), else at its end. A kind the file has no group for gets a group of its
own, in its place among the others and separated from them as the file
separates its groups.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import libcst as cst

from .resolve import dotted_name

KINDS = ("future", "stdlib", "third-party", "local")
STDLIB = frozenset(sys.stdlib_module_names)


def kind_of(statement: cst.SimpleStatementLine) -> str:
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        if small.relative:
            return "local"
        module = dotted_name(small.module) if small.module is not None else ""
    else:
        module = dotted_name(small.names[0].name) or ""  # type: ignore[union-attr]
    top = module.split(".")[0]
    if top == "__future__":
        return "future"
    return "stdlib" if top in STDLIB else "third-party"


def sort_key(statement: cst.SimpleStatementLine) -> tuple[bool, str, str]:
    """isort's default order within a section: plain imports first, then by module, then by name."""
    small = statement.body[0]
    names = small.names if isinstance(small.names, (list, tuple)) else ()  # type: ignore[union-attr]
    first = (dotted_name(names[0].name) or "").lower() if names else ""
    if isinstance(small, cst.ImportFrom):
        module = dotted_name(small.module) if small.module is not None else ""
        return True, ("." * len(small.relative) + (module or "")).lower(), first
    return False, first, ""


def is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))


@dataclass
class Group:
    start: int  # index in the module body
    end: int  # one past the last import of the group
    kind: str


def groups(body: list, end: int) -> list[Group]:
    """The runs of imports in ``body[:end]``; a blank line, a comment or other code ends a run."""
    found: list[Group] = []
    for index in range(end):
        statement = body[index]
        if not is_import(statement):
            continue
        kind = kind_of(statement)
        last = found[-1] if found else None
        if last is not None and last.end == index and not statement.leading_lines:
            last.end = index + 1
            if last.kind != kind:
                last.kind = "mixed"
            continue
        found.append(Group(index, index + 1, kind))
    return found


def _separation(body: list, found: list[Group]) -> list[cst.EmptyLine]:
    """The blank lines the file puts between two import groups (one when it has a single group)."""
    for group in found[1:]:
        blank = [line for line in body[group.start].leading_lines if line.comment is None]
        if blank and len(blank) == len(body[group.start].leading_lines):
            return blank
    return [cst.EmptyLine()]


def place(body: list, statement: cst.SimpleStatementLine, end: int) -> int:
    """Insert the import ``statement`` into ``body`` (whose top imports end before ``end``).

    Returns where it went.
    """
    kind = kind_of(statement)
    found = groups(body, end)
    same = next((g for g in found if g.kind == kind), None) or next((g for g in found if g.kind == "mixed"), None)
    if same is not None:
        members = body[same.start : same.end]
        keys = [sort_key(s) for s in members]
        at = same.end
        if keys == sorted(keys):
            at = same.start + sum(1 for key in keys if key < sort_key(statement))
        if at == same.start:  # it becomes the group's first import: it takes over the lines above
            statement = statement.with_changes(leading_lines=body[at].leading_lines)
            body[at] = body[at].with_changes(leading_lines=[])
        body.insert(at, statement)
        return at
    separation = _separation(body, found)
    rank = KINDS.index(kind)
    later = next((g for g in found if g.kind in KINDS and KINDS.index(g.kind) > rank), None)
    if later is not None:  # a group of its own before the first group that sorts after it
        first = body[later.start]
        if later is found[0]:
            statement = statement.with_changes(leading_lines=first.leading_lines)
            body[later.start] = first.with_changes(leading_lines=separation)
        else:
            statement = statement.with_changes(leading_lines=separation)
        body.insert(later.start, statement)
        return later.start
    at = found[-1].end if found else end
    if at > 0:
        statement = statement.with_changes(leading_lines=separation)
    body.insert(at, statement)
    return at


def merge_openai(names: list[str]) -> list[str]:
    """``from openai import OpenAI`` + ``from openai import AsyncOpenAI`` -> one statement."""
    imported = sorted({name.rsplit(" ", 1)[1] for name in names if name.startswith("from openai import ")})
    merged = [name for name in names if not name.startswith("from openai import ")]
    if imported:
        merged.append(f"from openai import {', '.join(imported)}")
    return merged
