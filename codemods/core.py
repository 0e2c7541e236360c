"""``transform``: parse, run every rule, apply their edits, return code and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping, Optional

import libcst as cst
from ionos_migrate.compat import rules as mapping
from libcst.metadata import MetadataWrapper, PositionProvider

from . import shapes
from .api import Finding, MigrationContext, ProjectIndex, Status, Transformed
from .constants import collect_constants, module_name  # noqa: F401 (re-exported)
from .edits import ModuleEdits
from .resolve import ModuleIndex, Resolver
from .sites import CallFinder, HttpCall


class SiteError(Exception):
    """A site that cannot be rewritten with confidence; the message says what to do by hand."""


@dataclass
class RuleContext:
    """What a rule sees of one module, and where it puts edits and findings."""

    path: str
    context: MigrationContext
    module: cst.Module
    index: ModuleIndex
    resolver: Resolver
    calls: list[HttpCall]
    edits: ModuleEdits = field(default_factory=ModuleEdits)
    findings: list[Finding] = field(default_factory=list)
    claimed: set = field(default_factory=set)  # nodes a committed site already rewrites
    replaced_names: list = field(default_factory=list)  # URL arguments (names, attributes) replaced by literals
    sdk_clients: dict = field(default_factory=dict)  # --target openai: (scope, client name) -> its arguments
    earlier_headers: Mapping[str, str] = field(default_factory=dict)  # notebook: headers dicts of the cells above -> token
    sited: set = field(default_factory=set)  # nodes a finding was reported at
    _positions: Optional[dict] = None

    @property
    def model_map(self):
        return self.context.model_map

    @cached_property
    def tied(self) -> bool:
        """Whether the module is tied to IONOS (see codemods.project): weak signals count here."""
        return self.context.project.in_context(self.index.module_name) or shapes.mentions_ionos(self.index.source)

    def position(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        if self._positions is None:
            self._positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        where = self._positions.get(node)
        if where is None:
            return (1, 1, 1, 1)
        return (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    def lines_of(self, node: cst.CSTNode) -> range:
        """The lines a node spans; none for a node the rules built (it has no place in the source)."""
        self.position(node)
        where = self._positions.get(node) if self._positions is not None else None
        return range(where.start.line, where.end.line + 1) if where is not None else range(0)

    def report(self, node: cst.CSTNode, rule: str, status: Status, message: str, related=()) -> None:
        """A finding at ``node``; ``related``: other nodes of the same site (their lines go in the finding)."""
        line, column, end_line, end_column = self.position(node)
        spans = {n for node in related for n in self.lines_of(node)}
        lines = sorted(spans - set(range(line, end_line + 1)))
        self.findings.append(Finding(self.path, line, column, end_line, end_column, rule, status, message,
                                     related=tuple(lines)))
        self.sited.add(node)
        if status == "migrated":  # a marker an earlier run left (say, before the model map had the id) is stale now
            statement = self.statement_of(node)
            if statement is not None:
                self.edits.unmark.add(statement)

    def manual(self, node: cst.CSTNode, rule: str, message: str, related=(), marker: str | None = None) -> None:
        """Leave the site as it is, mark its statement, and say what to do (``marker``: a shorter text
        for the comment in the code, when the message is long; the report has the whole message)."""
        self.report(node, rule, "manual", message, related)
        statement = self.statement_of(node)
        if statement is not None:
            self.edits.mark(statement, marker or message)

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            current = self.index.parent(current)
        return current


_MARKER_CACHE: dict[int, tuple[ProjectIndex, tuple[str, ...]]] = {}


def _constant_markers(project: ProjectIndex) -> tuple[str, ...]:
    """Names of project constants that hold a legacy URL: a file using one may hold a site.

    Cached per index object (the engine passes the same one for every file of a run).
    """
    cached = _MARKER_CACHE.get(id(project))
    if cached is not None and cached[0] is project:
        return cached[1]
    names = {name for table in project.constants.values() for name, value in table.items() if mapping.LEGACY_HOST in str(value)}
    markers = tuple(sorted(names))
    if len(_MARKER_CACHE) > 8:
        _MARKER_CACHE.clear()
    _MARKER_CACHE[id(project)] = (project, markers)
    return markers


def may_hold_sites(source: str, context: MigrationContext) -> bool:
    """Cheap: whether the module may hold a site or a signal (the engine's prefilter markers, and the
    names of project constants that hold a legacy URL)."""
    if mapping.LEGACY_HOST in source or "/predictions" in source:
        return True
    if any(marker.decode() in source for marker in mapping.WEAK_MARKERS):
        return True
    if any(legacy_id in source for legacy_id in context.model_map.entries) or any(h in source for h in context.model_map.hints):
        return True
    return any(name in source for name in _constant_markers(context.project))


def transform(
    source: str, *, path: str, context: MigrationContext, earlier_constants: Mapping[str, str] | None = None,
    module: str | None = None, earlier_headers: Mapping[str, str] | None = None,
) -> Transformed:
    """Rewrite the legacy sites of one module. Raises ``libcst.ParserSyntaxError`` if it does not parse.

    ``earlier_constants``: string constants defined before this code runs, for
    a notebook cell the ``collect_constants`` of the cells above it. ``module``:
    the dotted name the project phase knows the module by (default: from ``path``). ``earlier_headers``:
    for a notebook cell, the headers dicts of the cells above and their bearer token (``collect_bearer_headers``).
    """
    parsed = cst.parse_module(source)
    outer = dict(earlier_constants or {})
    if not may_hold_sites(source, context) and not any(
        mapping.LEGACY_HOST in value and name in source for name, value in outer.items()
    ):
        return Transformed(source, [])
    from .rules import RULES  # the registry imports rule modules, which import this one

    try:
        index = ModuleIndex(parsed, context.project, module if module is not None else module_name(path), outer)
        resolver = Resolver(index)
        calls = CallFinder(index, resolver).find()
        ctx = RuleContext(path, context, parsed, index, resolver, calls, earlier_headers=dict(earlier_headers or {}))
        for rule in RULES:
            rule.run(ctx)
        findings = sorted(ctx.findings, key=lambda f: (f.line, f.column))
        if ctx.edits.empty:
            return Transformed(source, findings)
        return Transformed(ctx.edits.apply(parsed, context.line_length, source).code, findings)
    except RecursionError:
        # Nesting deeper than the interpreter's stack (generated code): say so, change nothing.
        message = "the file nests too deeply for the analysis; check its legacy calls by hand"
        return Transformed(source, [Finding(path, 1, 1, 1, 1, "ionos-codemods", "error", message)])
