"""``transform``: parse, run every rule, apply their edits, return code and findings."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Mapping, Optional

import libcst as cst
from ionos_migrate.compat import rules as mapping
from libcst.metadata import MetadataWrapper, PositionProvider

from .api import Finding, MigrationContext, ProjectIndex, Status, Transformed
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
    sdk_clients: dict = field(default_factory=dict)  # --target openai: (scope, client name) -> token code
    _positions: Optional[dict] = None

    @property
    def model_map(self):
        return self.context.model_map

    def position(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        if self._positions is None:
            self._positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        where = self._positions.get(node)
        if where is None:
            return (1, 1, 1, 1)
        return (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    def report(self, node: cst.CSTNode, rule: str, status: Status, message: str) -> None:
        line, column, end_line, end_column = self.position(node)
        self.findings.append(Finding(self.path, line, column, end_line, end_column, rule, status, message))
        if status == "migrated":  # a marker an earlier run left (say, before the model map had the id) is stale now
            statement = self.statement_of(node)
            if statement is not None:
                self.edits.unmark.add(statement)

    def manual(self, node: cst.CSTNode, rule: str, message: str) -> None:
        """Leave the site as it is, mark its statement, and say what to do."""
        self.report(node, rule, "manual", message)
        statement = self.statement_of(node)
        if statement is not None:
            self.edits.mark(statement, message)

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            current = self.index.parent(current)
        return current


def module_name(path: str) -> str:
    """``pkg/settings.py`` -> ``pkg.settings`` (best effort; relative imports fall back to suffix matching)."""
    text = path.replace("\\", "/")
    for suffix in (".py", ".ipynb"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    parts = [p for p in text.split("/") if p and p not in (".", "..")]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


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


def may_hold_sites(source: str, project: ProjectIndex) -> bool:
    if mapping.LEGACY_HOST in source or "/predictions" in source:
        return True
    return any(name in source for name in _constant_markers(project))


def transform(
    source: str, *, path: str, context: MigrationContext, earlier_constants: Mapping[str, str] | None = None
) -> Transformed:
    """Rewrite the legacy sites of one module. Raises ``libcst.ParserSyntaxError`` if it does not parse.

    ``earlier_constants``: string constants defined before this code runs, for
    a notebook cell the ``collect_constants`` of the cells above it.
    """
    module = cst.parse_module(source)
    outer = dict(earlier_constants or {})
    if not may_hold_sites(source, context.project) and not any(
        mapping.LEGACY_HOST in value and name in source for name, value in outer.items()
    ):
        return Transformed(source, [])
    from .rules import RULES  # the registry imports rule modules, which import this one

    try:
        index = ModuleIndex(module, context.project, module_name(path), outer)
        resolver = Resolver(index)
        calls = CallFinder(index, resolver).find()
        ctx = RuleContext(path, context, module, index, resolver, calls)
        for rule in RULES:
            rule.run(ctx)
        findings = sorted(ctx.findings, key=lambda f: (f.line, f.column))
        if ctx.edits.empty:
            return Transformed(source, findings)
        return Transformed(ctx.edits.apply(module).code, findings)
    except RecursionError:
        # Nesting deeper than the interpreter's stack (generated code): say so, change nothing.
        message = "the file nests too deeply for the analysis; check its legacy calls by hand"
        return Transformed(source, [Finding(path, 1, 1, 1, 1, "ionos-codemods", "error", message)])


# --- the project-wide pass --------------------------------------------------


def collect_constants(source: str, *, project: ProjectIndex | None = None, module: str = "") -> dict[str, str]:
    """Module-level string constants: literals, ``+`` and f-strings of other constants, ``.format``/``%`` of them.

    Uses the stdlib parser: this runs over every prefiltered file and must be
    cheap. A file that does not parse has no constants. With ``project`` (the
    constants of a first pass) and the file's dotted ``module`` name, constants
    imported from other modules (``from config import BASE``) are followed too,
    so a second pass resolves chains across files.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    imported: dict[str, str] = {}
    constants: dict[str, str] = {}
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.ImportFrom) and project is not None:
            imported.update(_imported_constants(statement, project, module))
            continue
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        text = _constant_value(value, {**imported, **constants})
        for target in targets:
            if isinstance(target, ast.Name):
                if text is None:
                    constants.pop(target.id, None)
                else:
                    constants[target.id] = text
    return constants


def _imported_constants(statement: ast.ImportFrom, project: ProjectIndex, module: str) -> dict[str, str]:
    source = statement.module or ""
    if statement.level:
        package = module.split(".")[: -statement.level] if module else []
        source = ".".join(package + ([source] if source else []))
    table = project.constants.get(source, {})
    return {(alias.asname or alias.name): table[alias.name] for alias in statement.names if alias.name in table}


def _constant_value(node: ast.expr, known: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return known.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_value(node.left, known), _constant_value(node.right, known)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = _constant_value(node.left, known)
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        texts = [_constant_value(v, known) for v in values]
        if template is None or None in texts or template.count("%s") != len(texts) or "%" in template.replace("%s", ""):
            return None
        return template % tuple(texts)
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    return None
                text = _constant_value(part.value, known)
            else:
                text = _constant_value(part, known)
            if text is None:
                return None
            out.append(text)
        return "".join(out)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = _constant_value(node.func.value, known)
        args = [_constant_value(a, known) for a in node.args]
        kwargs = {k.arg: _constant_value(k.value, known) for k in node.keywords if k.arg}
        if template is None or None in args or None in kwargs.values() or len(kwargs) != len(node.keywords):
            return None
        try:
            return template.format(*args, **kwargs)
        except (IndexError, KeyError, ValueError):
            return None
    return None
