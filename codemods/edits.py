"""Edits a rule plans for one module, applied in one pass.

A rule plans all edits of a site into a :class:`SiteEdits` and commits them
only when the whole site can be rewritten: never a half-rewritten call.
Replacements are functions of the *updated* node, so edits nested in one
another (a URL inside a call inside a response chain) compose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

import libcst as cst

from .imports import ThirdPartyGroup, merge_openai, place, third_party_group
from .resolve import dotted_name

MARKER = "# ionos-migrate:"
THIRD_PARTY = {"openai"}  # plain imports that go after the existing ones, not into the standard-library group
Replacement = Callable[[cst.CSTNode], Union[cst.CSTNode, cst.RemovalSentinel]]
Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]


def prepend_lines(replace: dict[cst.CSTNode, Replacement], node: cst.CSTNode, lines) -> None:
    """Give ``node`` extra leading lines, after any replacement already planned for it."""
    earlier = replace.get(node)

    def make(updated, lines=tuple(lines)):
        if earlier is not None:
            updated = earlier(updated)
        if isinstance(updated, cst.RemovalSentinel):
            return updated
        return updated.with_changes(leading_lines=[*lines, *updated.leading_lines])

    replace[node] = make


@dataclass
class SiteEdits:
    replace: dict[cst.CSTNode, Replacement] = field(default_factory=dict)
    prelude: dict[str, str] = field(default_factory=dict)  # key -> module-level code, added once
    imports: set[str] = field(default_factory=set)  # modules to import if missing
    url: str = ""  # the new endpoint, written by the rule where the URL is defined
    before: dict[cst.CSTNode, list[str]] = field(default_factory=dict)  # statement -> code inserted above it
    after: dict[cst.CSTNode, list[str]] = field(default_factory=dict)  # statement -> code inserted below it
    gone: list[cst.CSTNode] = field(default_factory=list)  # code the rewrite drops: its imports may become unused
    written: list[str] = field(default_factory=list)  # code written in place of a replaced node: its names stay used

    def insert_before(self, statement: cst.CSTNode, code: str) -> None:
        self.before.setdefault(statement, []).append(code)

    def insert_after(self, statement: cst.CSTNode, code: str) -> None:
        self.after.setdefault(statement, []).append(code)

    def set(self, node: cst.CSTNode, new: cst.CSTNode) -> None:
        self.replace[node] = lambda _updated, new=new: new

    def with_(self, node: cst.CSTNode, make: Replacement) -> None:
        self.replace[node] = make

    def remove(self, node: cst.CSTNode) -> None:
        self.replace[node] = lambda _updated: cst.RemoveFromParent()

    def prepend_lines(self, node: cst.CSTNode, lines) -> None:
        """Give ``node`` extra leading lines (comments of a removed statement above it)."""
        prepend_lines(self.replace, node, lines)


@dataclass
class ModuleEdits:
    replace: dict[cst.CSTNode, Replacement] = field(default_factory=dict)
    markers: dict[cst.CSTNode, list[str]] = field(default_factory=dict)
    unmark: set = field(default_factory=set)  # statements whose old ionos-migrate markers go
    prelude: dict[str, str] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    before: dict[cst.CSTNode, list[str]] = field(default_factory=dict)
    after: dict[cst.CSTNode, list[str]] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)

    def commit(self, site: SiteEdits) -> None:
        self.written.extend(site.written)
        for mine, theirs in ((self.before, site.before), (self.after, site.after)):
            for node, lines in theirs.items():
                mine.setdefault(node, []).extend(line for line in lines if line not in mine.get(node, []))
        for node, make in site.replace.items():
            earlier = self.replace.get(node)
            self.replace[node] = make if earlier is None else (lambda u, first=earlier, then=make: then(first(u)))
        for key, code in site.prelude.items():
            self.prelude.setdefault(key, code)
        for name in sorted(site.imports):
            if name not in self.imports:
                self.imports.append(name)

    def prepend_lines(self, node: cst.CSTNode, lines) -> None:
        prepend_lines(self.replace, node, lines)

    def mark(self, statement: cst.CSTNode, text: str) -> None:
        line = f"{MARKER} {text}".replace("\n", " ")
        if line not in self.markers.setdefault(statement, []):
            self.markers[statement].append(line)

    @property
    def empty(self) -> bool:
        return not (self.replace or self.markers or self.prelude or self.imports or self.before or self.after)

    def apply(self, module: cst.Module) -> cst.Module:
        if self.empty:
            return module
        group = third_party_group(module) if self.imports else None  # before the rewrite removes any import
        if self.replace or self.markers or self.before or self.after:
            module = module.visit(_Apply(self, module))
        if self.prelude or self.imports:
            module = _add_to_module(module, self.imports, self.prelude, group)
        return module


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: ModuleEdits, module: cst.Module):
        self.edits = edits
        # Comments above a module's first statement belong to the module's header, not to the statement.
        self.first = module.body[0] if module.body else None
        self.header = {line.comment.value.strip() for line in module.header if line.comment}

    def on_leave(self, original_node, updated_node):  # type: ignore[override]
        make = self.edits.replace.get(original_node)
        if make is not None:
            updated_node = make(updated_node)
        if original_node in self.edits.unmark and hasattr(updated_node, "leading_lines"):
            kept = [line for line in updated_node.leading_lines if not (line.comment and line.comment.value.startswith(MARKER))]
            updated_node = updated_node.with_changes(leading_lines=kept)
        lines = self.edits.markers.get(original_node)
        if lines and hasattr(updated_node, "leading_lines"):
            present = {line.comment.value.strip() for line in updated_node.leading_lines if line.comment}
            if original_node is self.first:
                present |= self.header
            new = [cst.EmptyLine(comment=cst.Comment(text)) for text in lines if text not in present]
            if new:
                updated_node = updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *new])
        above, below = self.edits.before.get(original_node), self.edits.after.get(original_node)
        if (above or below) and not isinstance(updated_node, cst.RemovalSentinel):
            nodes = list(updated_node.nodes) if isinstance(updated_node, cst.FlattenSentinel) else [updated_node]
            first = [cst.parse_statement(code) for code in above or []]
            last = [cst.parse_statement(code) for code in below or []]
            if first and nodes:  # comments above the statement stay above the new lines
                first[0] = first[0].with_changes(leading_lines=nodes[0].leading_lines)
                nodes[0] = nodes[0].with_changes(leading_lines=[])
            return cst.FlattenSentinel([*first, *nodes, *last])
        return updated_node


def _imported_modules(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if alias.asname is None:
                            names.add(dotted_name(alias.name))
    return names


def _module_names(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    names.update(t.value for t in targets if isinstance(t, cst.Name))
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
    return names


def _is_import_or_docstring(statement: cst.CSTNode, index: int) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    small = statement.body[0]
    if isinstance(small, (cst.Import, cst.ImportFrom)):
        return True
    return index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))


def _import_line(name: str) -> str:
    return name if name.startswith("from ") else f"import {name}"


def _has_import(module: cst.Module, name: str, present: set[str]) -> bool:
    if not name.startswith("from "):
        return name in present
    _from, source, _import, imported = name.split(" ", 3)
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                    if dotted_name(small.module) == source and not isinstance(small.names, cst.ImportStar):
                        if any(dotted_name(a.name) == imported and a.asname is None for a in small.names):
                            return True
    return False


def _first_import(body: list) -> int | None:
    for index, statement in enumerate(body):
        if not _is_import_or_docstring(statement, index):
            return None
        small = statement.body[0]
        if isinstance(small, cst.Import):
            return index
        if isinstance(small, cst.ImportFrom) and not (isinstance(small.module, cst.Name) and small.module.value == "__future__"):
            return index
    return None


def _imported_name(statement: cst.SimpleStatementLine) -> str:
    return dotted_name(statement.body[0].names[0].name) or ""  # type: ignore[attr-defined]


def _sorted_position(body: list, first: int, name: str) -> int:
    """Within the run of plain ``import x`` lines starting at ``first``, where ``import name`` sorts."""
    at = first
    while at < len(body) and isinstance(body[at], cst.SimpleStatementLine) and isinstance(body[at].body[0], cst.Import):
        if at > first and body[at].leading_lines:
            break  # a blank line ends the group
        if _imported_name(body[at]) > name:
            break
        at += 1
    return at


def _add_to_module(module: cst.Module, imports: list[str], prelude: dict[str, str], group: ThirdPartyGroup | None = None) -> cst.Module:
    """New imports after the existing ones (openai with the third-party ones, codemods/imports.py);
    prelude code (keyed by the name it defines) after those."""
    body = list(module.body)
    position = 0
    for index, statement in enumerate(body):
        if _is_import_or_docstring(statement, index):
            position = index + 1
        elif index > position:
            break
    present = _imported_modules(module)
    defined = _module_names(module)
    wanted = merge_openai([name for name in imports if not _has_import(module, name, present)])
    plain = [name for name in wanted if not name.startswith("from ")]
    missing = [cst.parse_statement(_import_line(name) + "\n") for name in plain if name not in THIRD_PARTY]
    later = [cst.parse_statement(_import_line(name) + "\n") for name in plain if name in THIRD_PARTY]
    later += [cst.parse_statement(_import_line(name) + "\n") for name in wanted if name.startswith("from ")]
    if missing:  # standard-library imports go with the first plain imports, in name order
        first = _first_import(body)
        if first is not None:
            for statement in missing:
                at = _sorted_position(body, first, _imported_name(statement))
                if at == first:  # it becomes the first import: it takes over the blank lines above
                    statement = statement.with_changes(leading_lines=body[first].leading_lines)
                    body[first] = body[first].with_changes(leading_lines=[])
                body.insert(at, statement)
                position += 1
            missing = []
    position = place(module, body, position, later, group)  # third-party imports with the third-party ones
    new: list[cst.CSTNode] = list(missing)
    blocks = [code for key, code in prelude.items() if key not in defined]
    for number, code in enumerate(blocks):
        parsed = cst.parse_module(code).body
        first = parsed[0]
        lines = [cst.EmptyLine(), cst.EmptyLine()] if position or new or number else []
        parsed = [first.with_changes(leading_lines=[*lines, *first.leading_lines]), *parsed[1:]]
        new.extend(parsed)
    if not new:
        return module.with_changes(body=body)
    following = body[position:]
    if blocks and following:
        blank = 0
        for line in following[0].leading_lines:
            if line.comment is not None:
                break
            blank += 1
        if blank < 2:
            extra = [cst.EmptyLine()] * (2 - blank)
            following[0] = following[0].with_changes(leading_lines=[*extra, *following[0].leading_lines])
    return module.with_changes(body=[*body[:position], *new, *following])
