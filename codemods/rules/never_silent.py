"""Never silent: every legacy signal no site accounts for becomes a finding.

Runs after the rules that rewrite. A signal (:mod:`..signals`) is accounted
for when it lies in a site a rule migrated or marked. What is left:

- a piece of a call split over modules (a plan of the project phase): ``manual``
  with the plan's message, the same in every module;
- a module constant that holds a retired URL or model id: ``info`` when every
  use of it here is migrated or it is not used here (its uses in other modules
  are checked there), else ``manual`` where it is used;
- a known legacy model id in configuration: ``info`` (migrated calls translate
  it through the generated table); a docstring: ``info``;
- anything else: ``manual``, one finding per function (or statement), marked,
  naming every piece seen and the HTTP calls beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst
from ionos_migrate.compat.rules import OPENAI_BASE_URL

from .. import pieces, shapes
from ..api import SplitSite
from ..core import RuleContext
from ..resolve import ENV_CALLS, dotted_name, string_value
from ..signals import Signal, SignalFinder
from . import Rule

RULE_ID = "ionos-legacy-signal"
SPLIT_RULE_ID = "ionos-split-call"
CONSTANT_RULE_ID = "legacy-url-constant"

WHAT = {
    "legacy-url": "the retired URL {detail}",
    "legacy-constant": "{detail}, from another module",
    "legacy-body": "a legacy request body ({{\"properties\": {{\"input\": ...}}}})",
    "inner-body": "the properties of a legacy request body ({{\"input\": ...}})",
    "legacy-answer": "a read of the legacy answer ({detail})",
    "predictions-path": "a /predictions path of the retired API ({detail})",
    "legacy-model-id": "the legacy model id {detail}",
    "legacy-host": "the legacy host {detail}",
}
ADVICE = (
    f"the new API is POST {OPENAI_BASE_URL}/chat/completions (images: /images/generations) with "
    '{"model": <name>, "messages": [{"role": "user", "content": <input>}], "max_tokens": ...}, answered in '
    "choices[0].message.content and usage.prompt_tokens/completion_tokens; the models list is GET "
    f"{OPENAI_BASE_URL}/models"
)


@dataclass
class _Group:
    anchor: Signal
    signals: list[Signal] = field(default_factory=list)


def run(ctx: RuleContext) -> None:
    ids = shapes.legacy_model_ids(ctx.model_map.entries, ctx.model_map.hints)
    signals = [s for s in SignalFinder(ctx.index, ctx.resolver, ids).find() if not _sent_elsewhere(ctx, s)]
    if not signals:
        return
    covered = _Coverage(ctx)
    tied = ctx.tied or any(s.strength == "strong" for s in signals)
    groups: dict[cst.CSTNode, _Group] = {}
    splits: dict[cst.CSTNode, tuple[_Group, str]] = {}
    hosts: list[Signal] = []
    for signal in sorted(signals, key=lambda s: ctx.position(s.node)):
        if (signal.strength == "weak" and not tied) or covered(signal.node):
            continue
        if signal.kind == "legacy-host":
            hosts.append(signal)  # judged last, by the findings it feeds
            continue
        if signal.docstring:
            ctx.report(signal.node, RULE_ID, "info", f"documentation mentions {_what(signal)}; update it with the code")
            continue
        if _piece_of_a_site(ctx, signal):
            continue
        split = _split_of(ctx, signal.node)
        if split is not None:
            splits.setdefault(_home(ctx, signal.node), (_Group(signal), split))[0].signals.append(signal)
            continue
        if _constant(ctx, signal, covered) or _class_attribute(ctx, signal, covered):
            continue
        home = _home(ctx, signal.node)
        groups.setdefault(home, _Group(signal)).signals.append(signal)
    for statement, (group, split) in splits.items():
        ctx.manual(group.anchor.node, SPLIT_RULE_ID, split.message, related=[s.node for s in group.signals[1:]],
                   marker=split.marker)
    _split_requests(ctx, covered)
    for home, group in groups.items():
        _report_group(ctx, home, group)
    for signal in hosts:
        _host(ctx, signal)


def _host(ctx: RuleContext, signal: Signal) -> None:
    """The bare legacy host: a piece of the findings it feeds, a note when nothing uses it any more, else
    nothing (collections there are still live)."""
    if _piece_of_a_site(ctx, signal):
        return
    name, uses = _holder_uses(ctx, signal.node)
    if name is None:
        reason = pieces.dead_reason(ctx, signal.node)
        if reason is not None:
            ctx.report(signal.node, RULE_ID, "info", f"{_what(signal)} is left in the code: {reason}; remove it")
        return
    if any(_join_finding_at(ctx, use, signal) for use in uses):
        return
    module = ctx.index.module_name
    importers = ctx.context.project.imported_by(module, name.split(".")[0])
    feeds = [m for m in importers if m in ctx.context.project.legacy_modules]
    if feeds:
        ctx.report(signal.node, RULE_ID, "info", f"{name}, the legacy host, is the base of legacy calls in "
                   f"{', '.join(sorted(feeds))} (reported there); point it at {OPENAI_BASE_URL} once they are migrated "
                   "and nothing uses it for /collections")
    elif not uses and not importers:
        ctx.report(signal.node, RULE_ID, "info", f"{name}, the legacy host, is not used any more: remove it")


def _holder_uses(ctx: RuleContext, node: cst.CSTNode) -> tuple[str | None, list[cst.CSTNode]]:
    """The module constant (``NAME``) or class attribute (``Class.NAME``) that holds ``node``, and its reads."""
    name = _constant_name(ctx, node)
    if name is not None:
        return name, [load for load in ctx.index.loads_of(name, ctx.index.module) if not _in_assignment_of(ctx, load, name)]
    statement = ctx.statement_of(node)
    block = ctx.index.parent(statement) if statement is not None else None
    cls = ctx.index.parent(block) if isinstance(block, cst.IndentedBlock) else None
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
    if not isinstance(cls, cst.ClassDef) or not isinstance(small, (cst.Assign, cst.AnnAssign)):
        return None, []
    target = small.targets[0].target if isinstance(small, cst.Assign) else small.target
    if not isinstance(target, cst.Name):
        return None, []
    reads = [n for n in ctx.index.nodes_of(cst.Attribute) if n.attr.value == target.value
             and isinstance(n.value, cst.Name) and n.value.value in ("self", "cls", cls.name.value)
             and not isinstance(ctx.index.parent(n), cst.AssignTarget)]
    return f"{cls.name.value}.{target.value}", reads


def _join_finding_at(ctx: RuleContext, node: cst.CSTNode, signal: Signal) -> bool:
    """Add ``signal``'s lines to the finding whose lines hold ``node``."""
    line = ctx.position(node)[0]
    for finding in ctx.findings:
        if finding.line <= line <= finding.end_line or line in finding.related:
            return _add_related(ctx, finding.line, finding.column, [signal])
    return False


def _sent_elsewhere(ctx: RuleContext, signal: Signal) -> bool:
    """A legacy body sent to a URL the code names on another host (``http://localhost:8080/models/x/predictions``:
    the compat proxy, a test server) or to a path of the program's own (a test client): not the retired API."""
    if signal.kind not in ("legacy-body", "inner-body"):
        return False
    for http in ctx.calls:
        if http.body is None:
            continue
        found = ctx.resolver.dict_literal(http.body, http.scope)
        if found is None or not (found[0] is signal.node or _inside(ctx, signal.node, found[0])):
            continue
        first = http.url_parts[0] if http.url_parts else None
        if isinstance(first, str) and (first.startswith("/") or "://" in first) and not shapes.legacy_url_kind(
                "".join(p if isinstance(p, str) else shapes.DYNAMIC for p in http.url_parts)):
            return "://" not in first or shapes.LEGACY_HOST not in first.split("://", 1)[1].split("/", 1)[0]
    return False


class _Coverage:
    """Whether a node lies in a site a rule already migrated or marked."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.nodes = set(ctx.claimed) | set(ctx.edits.replace) | set(ctx.sited) | set(ctx.edits.markers)

    def __call__(self, node: cst.CSTNode) -> bool:
        if node in self.nodes or any(ancestor in self.nodes for ancestor in self.ctx.index.ancestors(node)):
            return True
        # a read or key check whose keys a rule rewrote: "properties" in r -> "choices" in r
        return isinstance(node, (cst.Comparison, cst.Subscript, cst.Call)) and any(
            inner in self.ctx.edits.replace for inner in self.ctx.index.walk(node))


def _piece_of_a_site(ctx: RuleContext, signal: Signal) -> bool:
    """A URL piece of a call a rule reported (its client's base, a method returning the path) joins that
    finding; a piece no request of this module uses any more (after apply) is a note."""
    if signal.kind not in ("legacy-url", "predictions-path", "legacy-host"):
        return False
    sites = [http for http in ctx.calls if http.call in ctx.sited]
    http = pieces.site_of(ctx, signal.text, sites)
    if http is not None:
        line, column, _end_line, _end_column = ctx.position(http.call)
        return _add_related(ctx, line, column, [signal])
    reason = pieces.dead_reason(ctx, signal.node)
    if reason is None:
        return False
    ctx.report(signal.node, RULE_ID, "info", f"{_what(signal)} is left in the code: {reason}. Remove it, or "
               f"point it at the new API ({OPENAI_BASE_URL})")
    return True


def _add_related(ctx: RuleContext, line: int, column: int, signals: list[Signal]) -> bool:
    """Give the finding at (line, column) the lines of ``signals``; False if there is no such finding."""
    for index, finding in enumerate(ctx.findings):
        if (finding.line, finding.column) == (line, column) and finding.status in ("manual", "migrated", "info"):
            lines = {n for s in signals for n in ctx.lines_of(s.node)} - set(range(finding.line, finding.end_line + 1))
            ctx.findings[index] = replace(finding, related=tuple(sorted(set(finding.related) | lines)))
            return True
    return False


def _what(signal: Signal) -> str:
    return WHAT[signal.kind].format(detail=signal.detail)


def _home(ctx: RuleContext, node: cst.CSTNode) -> cst.CSTNode:
    """The function a signal sits in, else its statement: one finding per home."""
    for ancestor in ctx.index.ancestors(node):
        if isinstance(ancestor, cst.FunctionDef):
            return ancestor
    return ctx.statement_of(node) or node


def _report_group(ctx: RuleContext, home: cst.CSTNode, group: _Group) -> None:
    signals = group.signals
    kinds = {s.kind for s in signals}
    if kinds == {"legacy-model-id"}:
        _model_ids(ctx, signals)
        return
    if _join_manual_site(ctx, home, signals):
        return
    calls = _requests_in(ctx, home) if isinstance(home, cst.FunctionDef) else []
    seen = "; ".join(dict.fromkeys(_what(s) for s in signals))
    if calls:
        reason = (f"the request ({_short(calls[0])}) is not one the tool can follow to a rewrite (its URL, body or "
                  "answer is built where the tool cannot see it)")
    elif kinds == {"legacy-answer"}:
        reason = ("the request that fetched this answer is in another module, or is not one the tool can follow; "
                  "read the new answer's fields once that request is migrated")
    else:
        reason = "no request the tool can follow uses this here"
    message = f"{seen}: {reason}. Move it to the new API by hand: {ADVICE}"
    ctx.manual(group.anchor.node, RULE_ID, message, related=[s.node for s in signals[1:]] + calls,
               marker=f"{seen}: {reason}; see the ionos-migrate report")


REQUEST_METHODS = ("post", "put", "patch", "request", "get", "urlopen")


def _requests_in(ctx: RuleContext, home: cst.FunctionDef) -> list[cst.Call]:
    """Calls in ``home`` that look like HTTP requests (``x.post(...)``, ``urlopen(...)``), whether or not the
    tool could resolve their URL: ``dict.get("key")`` is not one."""
    found = []
    for call in ctx.index.calls(home):
        name = call.func.attr.value if isinstance(call.func, cst.Attribute) else dotted_name(call.func) or ""
        if name.rsplit(".", 1)[-1] not in REQUEST_METHODS:
            continue
        first = call.args[0].value if call.args else None
        key = string_value(first) if first is not None else None
        if name == "get" and (not call.args or (key is not None and "/" not in key)):
            continue
        found.append(call)
    return found


def _short(node: cst.CSTNode) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _join_manual_site(ctx: RuleContext, home: cst.CSTNode, signals: list[Signal]) -> bool:
    """Pieces of a site a rule already left for manual work (its body built above the call, its answer
    read below it, the body a caller passes in) belong to that finding: its lines grow, no second finding."""
    places = [home] if isinstance(home, cst.FunctionDef) else []
    for ancestor in ctx.index.ancestors(signals[0].node):
        if isinstance(ancestor, cst.Call):  # send(payload={...}): the function it calls
            callee = ctx.resolver.callee(ancestor, ctx.index.scope_of(ancestor))
            if callee is not None:
                places.append(callee)
    for place in places:
        for node in ctx.sited:
            if node is not place and not _inside(ctx, node, place):
                continue
            line, column, _end_line, _end_column = ctx.position(node)
            if any(f.status == "manual" and (f.line, f.column) == (line, column) for f in ctx.findings):
                return _add_related(ctx, line, column, signals)
    return False


def _model_ids(ctx: RuleContext, signals: list[Signal]) -> None:
    for signal in signals:
        entry = ctx.model_map.entries.get(signal.detail.lower())
        if entry is not None:
            ctx.report(signal.node, RULE_ID, "info", (
                f"legacy model id {signal.detail} ({entry.name} in the model map, {entry.source}): the new API "
                f"names models; migrated calls translate the id through IONOS_LEGACY_MODELS, or write {entry.name!r} here"))
        else:
            hint = ctx.model_map.hints.get(signal.detail.lower(), "")
            ctx.manual(signal.node, RULE_ID, (
                f"legacy model id {signal.detail}{f' ({hint})' if hint else ''}: the new API names models, and this "
                "id has no model name in the model map; add it to [tool.ionos-migrate.models], or write the name here"))


def _inside(ctx: RuleContext, node: cst.CSTNode, home: cst.CSTNode) -> bool:
    return any(ancestor is home for ancestor in ctx.index.ancestors(node))


# --- module constants ---------------------------------------------------------------


def _constant(ctx: RuleContext, signal: Signal, covered: _Coverage) -> bool:
    """A signal in a module constant's value: reported here (info, or manual at each use no site
    accounts for). False when the signal is not in a module constant."""
    name = _constant_name(ctx, signal.node)
    if name is None:
        return False
    uses = [load for load in ctx.index.loads_of(name, ctx.index.module) if not _in_assignment_of(ctx, load, name)]
    left = [load for load in uses if not covered(load) and not _translated(ctx, load)]
    if signal.kind == "legacy-model-id":  # configuration, not a call: the sites that use it say what they need
        if uses and not left:
            ctx.report(signal.node, RULE_ID, "info", f"{_what(signal)} in {name}, used by the sites reported here")
        else:
            _model_ids(ctx, [signal])
        return True
    if left:
        for load in left:
            home = _home(ctx, load)
            ctx.manual(load, RULE_ID, (
                f"uses {name}, which holds {_what(signal)}, in a way the tool cannot rewrite. "
                f"Move it to the new API by hand: {ADVICE}"), related=[signal.node],
                marker=f"uses {name}, which holds {_what(signal)}, in a way the tool cannot rewrite; see the ionos-migrate report")
        return True
    if any(_through_base_helper(ctx, load) for load in uses):
        where = (f"the migrated calls read it through {shapes.GENERATED_BASE}(), which translates the retired "
                 "value, so it works as it is")
    elif uses:
        where = "the call sites it migrates no longer use it"
    elif ctx.context.project.imported_by(ctx.index.module_name, name):
        where = "nothing in this module uses it (the modules that import it are checked where they use it)"
    else:
        where = "nothing in the project uses it any more"
    ctx.report(_small_statement(ctx, signal.node) or signal.node, CONSTANT_RULE_ID, "info", (
        f"{name} still holds {_what(signal)}. ionos-migrate leaves module constants in place (other modules may "
        f"import them); {where}. Remove it, or point it at the new API ({OPENAI_BASE_URL}), once nothing else uses it"))
    return True


def _class_attribute(ctx: RuleContext, signal: Signal, covered: _Coverage) -> bool:
    """``endpoint: str = "<legacy base>"`` in a class body, read as ``self.endpoint``: like a module constant,
    a note when every read of it is migrated or translated by the generated code, else manual at the reads."""
    statement = ctx.statement_of(signal.node)
    block = ctx.index.parent(statement) if statement is not None else None
    cls = ctx.index.parent(block) if isinstance(block, cst.IndentedBlock) else None
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
    if not isinstance(cls, cst.ClassDef) or not isinstance(small, (cst.Assign, cst.AnnAssign)):
        return False
    target = small.targets[0].target if isinstance(small, cst.Assign) else small.target
    if not isinstance(target, cst.Name) or small.value is None or not _is_string_expression(small.value):
        return False
    name = target.value
    reads = [node for node in ctx.index.nodes_of(cst.Attribute) if node.attr.value == name
             and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls")
             and not isinstance(ctx.index.parent(node), cst.AssignTarget)]
    left = [read for read in reads if not covered(read) and not _translated(ctx, read)]
    if left:
        return False  # reported where it is, with the function that reads it
    if not reads:
        ctx.report(signal.node, RULE_ID, "info", f"{cls.name.value}.{name} holds {_what(signal)}, and nothing in this "
                   "module reads it any more: remove it, or point it at the new API")
        return True
    if signal.kind == "legacy-model-id":
        ctx.report(signal.node, RULE_ID, "info", f"{_what(signal)} in {cls.name.value}.{name}, read only by migrated code")
        return True
    how = (f"the migrated calls read it through {shapes.GENERATED_BASE}(), which translates the retired value"
           if any(_through_base_helper(ctx, read) for read in reads) else "the call sites it migrates no longer use it")
    ctx.report(signal.node, CONSTANT_RULE_ID, "info", f"{cls.name.value}.{name} still holds {_what(signal)}; {how}. "
               f"Point it at the new API ({OPENAI_BASE_URL}) when convenient")
    return True


def _constant_name(ctx: RuleContext, node: cst.CSTNode) -> str | None:
    """``NAME = <one string expression>`` at module level, holding ``node``: NAME."""
    small = _small_statement(ctx, node)
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        name, value = small.targets[0].target.value, small.value
    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
        name, value = small.target.value, small.value
    else:
        return None
    return name if _is_string_expression(value) else None


def _small_statement(ctx: RuleContext, node: cst.CSTNode) -> cst.CSTNode | None:
    """The assignment (of a module-level line) that holds ``node``; ``a = 1; b = 2`` has two."""
    previous: cst.CSTNode = node
    for ancestor in ctx.index.ancestors(node):
        if isinstance(ancestor, cst.SimpleStatementLine):
            return previous if isinstance(ctx.index.parent(ancestor), cst.Module) else None
        if isinstance(ancestor, cst.BaseCompoundStatement):
            return None
        previous = ancestor
    return None


def _is_string_expression(node: cst.BaseExpression) -> bool:
    """A value that is one string: a literal, an f-string, ``+``/``%`` of strings, ``os.getenv(...)``.
    A dict or an object holding a URL is configuration the tool cannot follow through its uses."""
    if isinstance(node, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.BinaryOperation):  # HOST + "/models/..." or "%s/models" % HOST
        return isinstance(node.operator, (cst.Add, cst.Modulo))
    if isinstance(node, cst.BooleanOperation):
        return _is_string_expression(node.left) or _is_string_expression(node.right)
    if isinstance(node, cst.Call):
        name = dotted_name(node.func) or ""
        return name in ENV_CALLS or name.endswith((".format", ".rstrip", ".strip"))
    return False


def _in_assignment_of(ctx: RuleContext, load: cst.Name, name: str) -> bool:
    return _constant_name(ctx, load) == name


def _through_base_helper(ctx: RuleContext, load: cst.Name) -> bool:
    return any(isinstance(a, cst.Call) and isinstance(a.func, cst.Name) and a.func.value == shapes.GENERATED_BASE
               for a in ctx.index.ancestors(load))


def _translated(ctx: RuleContext, load: cst.Name) -> bool:
    """``IONOS_LEGACY_MODELS.get(MODEL_ID, MODEL_ID)``, ``ionos_openai_base(BASE)``: a value the code the
    migration generated translates at run time."""
    for ancestor in ctx.index.ancestors(load):
        if isinstance(ancestor, cst.Call) and isinstance(ancestor.func, cst.Attribute):
            owner = ancestor.func.value
            if isinstance(owner, cst.Name) and owner.value == shapes.GENERATED_TABLE:
                return True
        if isinstance(ancestor, cst.Call) and isinstance(ancestor.func, cst.Name) and ancestor.func.value == shapes.GENERATED_BASE:
            return True
        if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return False
    return False


# --- calls split over modules -------------------------------------------------------


def _split_of(ctx: RuleContext, node: cst.CSTNode) -> SplitSite | None:
    project = ctx.context.project
    module = ctx.index.module_name
    for ancestor in ctx.index.ancestors(node):
        if isinstance(ancestor, cst.ClassDef):
            split = project.split_of_class(module, ancestor.name.value)
            if split is not None:
                return split
        if isinstance(ancestor, cst.Call):
            split = project.split_of_call(module, ctx.position(ancestor)[0])
            if split is not None:
                return split
    return None


def _split_requests(ctx: RuleContext, covered: _Coverage) -> None:
    """The HTTP calls in a split hierarchy's classes: the request of the split call."""
    for http in ctx.calls:
        if covered(http.call):
            continue
        split = _split_of(ctx, http.call)
        if split is not None:
            ctx.manual(http.call, SPLIT_RULE_ID, split.message, marker=split.marker)


RULE = Rule(
    RULE_ID, run, order=80,
    description="a legacy signal no rewrite accounts for (a retired URL, body, answer read, model id, /predictions "
                "path): manual, or a note for values nothing uses any more; never silent",
    also=(
        (SPLIT_RULE_ID, "a legacy call whose pieces sit in several modules (a class hierarchy and where it is built): "
                        "manual in every piece, with one message"),
        (CONSTANT_RULE_ID, "a module constant that still holds a retired URL or model id, and that no code here uses "
                           "in a way left to migrate: a note (info), it changes no exit code"),
    ),
)
