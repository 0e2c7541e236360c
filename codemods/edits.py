"""Edits a rule plans for one module, applied in one pass.

A rule plans all edits of a site into a :class:`SiteEdits` and commits them
only when the whole site can be rewritten: never a half-rewritten call.
Replacements are functions of the *updated* node, so edits nested in one
another (a URL inside a call inside a response chain) compose. Every statement
an edit touches is laid out to the file's line length (``layout``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

import libcst as cst

from . import imports as placement
from .layout import DEFAULT_LINE_LENGTH, MARKER, lay_out_all, marker_lines, marker_texts, without_markers
from .resolve import dotted_name

__all__ = ["MARKER", "ModuleEdits", "SiteEdits", "without_markers"]
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
    markers: dict[cst.CSTNode, list[str]] = field(default_factory=dict)  # statement -> marker texts
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
        text = " ".join(text.split())
        if text not in self.markers.setdefault(statement, []):
            self.markers[statement].append(text)

    @property
    def empty(self) -> bool:
        return not (self.replace or self.markers or self.prelude or self.imports or self.before or self.after)

    def apply(self, module: cst.Module, line_length: int = DEFAULT_LINE_LENGTH, source: str | None = None) -> cst.Module:
        """The edited module; changed lines laid out to ``line_length``. ``source``: the module's text, if at hand."""
        if self.empty:
            return module
        kept = frozenset(line.strip() for line in (module.code if source is None else source).splitlines())
        if self.replace or self.markers or self.before or self.after:
            module = module.visit(_Apply(self, module, line_length, kept))
        if self.prelude or self.imports:
            module = _add_to_module(module, self.imports, self.prelude, line_length)
        return module


STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: ModuleEdits, module: cst.Module, line_length: int, kept: frozenset[str]):
        self.edits = edits
        self.width, self.kept, self.unit = line_length, kept, module.default_indent
        self.indents = [""]  # the indentation of the block being visited
        self.changed = [False]  # per statement being visited: whether an edit touched its own lines
        # Comments above a module's first statement belong to the module's header, not to the statement.
        self.first = module.body[0] if module.body else None
        self.header = marker_texts(line.comment.value if line.comment else None for line in module.header)

    def on_visit(self, node) -> bool:  # type: ignore[override]
        if isinstance(node, cst.IndentedBlock):
            self.indents.append(self.indents[-1] + (node.indent if node.indent is not None else self.unit))
        elif isinstance(node, STATEMENTS):
            self.changed.append(False)
        return True

    def on_leave(self, original_node, updated_node):  # type: ignore[override]
        if isinstance(original_node, cst.IndentedBlock):
            self.indents.pop()
        changed = self.changed.pop() if isinstance(original_node, STATEMENTS) else False
        make = self.edits.replace.get(original_node)
        if make is not None:
            updated_node = make(updated_node)
        if not isinstance(original_node, STATEMENTS):
            if make is not None:  # an edit inside the statement being visited
                self.changed[-1] = True
            return updated_node
        changed = changed or make is not None
        if original_node in self.edits.unmark and hasattr(updated_node, "leading_lines"):
            updated_node = updated_node.with_changes(leading_lines=without_markers(updated_node.leading_lines))
        texts = self.edits.markers.get(original_node)
        if texts and hasattr(updated_node, "leading_lines"):
            updated_node = self._mark(original_node, updated_node, texts)
        if changed and not isinstance(updated_node, cst.RemovalSentinel):
            nodes = list(updated_node.nodes) if isinstance(updated_node, cst.FlattenSentinel) else [updated_node]
            nodes = self._lay_out(nodes, self.kept)
            updated_node = nodes[0] if len(nodes) == 1 else cst.FlattenSentinel(nodes)
        above, below = self.edits.before.get(original_node), self.edits.after.get(original_node)
        if (above or below) and not isinstance(updated_node, cst.RemovalSentinel):
            nodes = list(updated_node.nodes) if isinstance(updated_node, cst.FlattenSentinel) else [updated_node]
            first = self._lay_out([cst.parse_statement(code) for code in above or []])
            last = self._lay_out([cst.parse_statement(code) for code in below or []])
            if first and nodes:  # comments above the statement stay above the new lines
                first[0] = first[0].with_changes(leading_lines=nodes[0].leading_lines)
                nodes[0] = nodes[0].with_changes(leading_lines=[])
            return cst.FlattenSentinel([*first, *nodes, *last])
        return updated_node

    def _mark(self, original_node, updated_node, texts: list[str]):
        """Add the markers not there yet (wrapped to the line length; one-line markers of older runs count)."""
        present = marker_texts(line.comment.value if line.comment else None for line in updated_node.leading_lines)
        if original_node is self.first:
            present |= self.header
        room = self.width - len(self.indents[-1])
        new = [cst.EmptyLine(comment=cst.Comment(line)) for text in texts if text not in present for line in marker_lines(text, room)]
        if new:
            updated_node = updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *new])
        return updated_node

    def _lay_out(self, nodes: list, kept: frozenset[str] = frozenset()) -> list:
        return lay_out_all(nodes, indent=self.indents[-1], unit=self.unit, width=self.width, kept=kept)


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


def _add_to_module(module: cst.Module, imports: list[str], prelude: dict[str, str], width: int) -> cst.Module:
    """New imports into their groups; prelude code (keyed by the name it defines) below the imports."""
    body = list(module.body)
    position = 0
    for index, statement in enumerate(body):
        if _is_import_or_docstring(statement, index):
            position = index + 1
        elif index > position:
            break
    present = _imported_modules(module)
    for name in placement.merge_openai(imports):
        if not _has_import(module, name, present):
            at = placement.place(body, cst.parse_statement(_import_line(name) + "\n"), position)
            position = max(position, at) + 1
    defined = _module_names(module)
    new: list[cst.CSTNode] = []
    blocks = [code for key, code in prelude.items() if key not in defined]
    for code in blocks:
        parsed = cst.parse_module(code).body
        first = parsed[0]
        lines = [cst.EmptyLine(), cst.EmptyLine()] if position or new else []
        parsed = [first.with_changes(leading_lines=[*lines, *first.leading_lines]), *parsed[1:]]
        new.extend(lay_out_all(parsed, indent="", unit=module.default_indent, width=width))
    if not new:
        return module.with_changes(body=body)
    following = body[position:]
    if following:
        blank = 0
        for line in following[0].leading_lines:
            if line.comment is not None:
                break
            blank += 1
        if blank < 2:
            extra = [cst.EmptyLine()] * (2 - blank)
            following[0] = following[0].with_changes(leading_lines=[*extra, *following[0].leading_lines])
    return module.with_changes(body=[*body[:position], *new, *following])
