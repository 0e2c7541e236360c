"""SARIF 2.1.0, the format GitHub code scanning and other tools read.

A live call to the retired API is an ``error`` (``migratable`` or ``manual``:
the code is broken today), so is a file the tool could not read or parse; a
site ``apply`` rewrote and an ``info`` note are ``note``. Each rule carries
its descriptions, help and a ``helpUri`` into docs/rules.md. A ``migratable``
result carries a ``fix``: the replacements of its part of the file's diff,
so a viewer shows the suggested change (not for notebooks, whose diff is per
cell). Paths are relative URIs against ``%SRCROOT%`` where they are under
the current folder.
"""

from __future__ import annotations

import difflib
import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from ionos_migrate import __version__
from ionos_migrate.codemods.api import Finding
from ionos_migrate.engine import FileOutcome, RunResult
from ionos_migrate.ruleset import DOCS_URL, PROJECT_URL, RuleInfo, all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "manual": "error", "migratable": "error", "migrated": "note", "info": "note"}
DEFAULT_LEVELS = {"codemod": "error", "engine": "error"}
STATUS_HELP = (
    "Statuses: migratable (scan, diff) means ionos-migrate can rewrite the site, and `ionos-migrate apply` does; "
    "migrated (apply) means it was rewritten; manual means the site is left as it is, marked with an "
    "`# ionos-migrate:` comment that says why and what to do by hand; info is a note."
)


def render(result: RunResult, *, command: str, written: bool, exit_code: int) -> str:
    findings = result.findings
    rules = _rules({f.rule for f in findings})
    index = {rule.id: n for n, rule in enumerate(rules)}
    fixes = _fixes(result, findings) if command != "apply" else {}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "ionos-migrate",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": PROJECT_URL,
            "rules": [_rule(rule) for rule in rules],
        }},
        "invocations": [{"executionSuccessful": exit_code != 2, "exitCode": exit_code,
                         "properties": {"command": command, "written": written}}],
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The folder ionos-migrate ran in."}}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule], fixes.get(id(f))) for f in findings],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"


# --- rules ---------------------------------------------------------------------------


def _rules(used: set[str]) -> list[RuleInfo]:
    """Every known rule (a code-scanning UI lists them), and any id a finding has that is not known."""
    known = all_rules()
    ids = {rule.id for rule in known}
    extra = [RuleInfo(rule_id, f"findings of {rule_id}", "engine") for rule_id in sorted(used - ids)]
    return known + extra


def _rule(rule: RuleInfo) -> dict[str, Any]:
    short = _sentence(rule.description)
    what = {"codemod": "A codemod rule of ionos-migrate.", "engine": "A check of the ionos-migrate engine."}[rule.origin]
    full = f"{short} {what} {STATUS_HELP}"
    help_text = (f"{short} Run `ionos-migrate diff` to see the rewrite and `ionos-migrate apply` to make it; "
                 f"sites it cannot rewrite safely are marked for manual work. More: {rule.help_uri}")
    help_markdown = (f"**{rule.id}**: {short}\n\n"
                     "Run `ionos-migrate diff` to see the rewrite and `ionos-migrate apply` to make it; sites it "
                     "cannot rewrite safely are marked with an `# ionos-migrate:` comment that says what to do by "
                     f"hand.\n\nStatuses, and what to do: [{rule.id}]({rule.help_uri}) in "
                     f"[the rules]({DOCS_URL}).")
    return {
        "id": rule.id,
        "name": _pascal(rule.id),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": DEFAULT_LEVELS[rule.origin]},
        "properties": {"tags": ["ionos-migrate", rule.kind], "selectable": rule.selectable},
    }


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


# --- results -------------------------------------------------------------------------


def _result(finding: Finding, rule_index: int, fix: list[dict[str, Any]] | None) -> dict[str, Any]:
    where = f" (notebook cell {finding.cell})" if finding.cell is not None else ""
    region = _region(finding)
    properties: dict[str, Any] = {"status": finding.status}
    if finding.cell is not None:
        properties["cell"] = finding.cell
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.status, "warning"),
        "message": {"text": _sentence(f"[{finding.status}] {finding.message}{where}")},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(finding.path), "region": region}}],
        "properties": properties,
    }
    if fix:
        result["fixes"] = [{
            "description": {"text": "The rewrite ionos-migrate apply makes here."},
            "artifactChanges": [{"artifactLocation": _artifact(finding.path), "replacements": fix}],
        }]
    return result


def _region(finding: Finding) -> dict[str, int]:
    region = {
        "startLine": max(1, finding.line),
        "startColumn": max(1, finding.column),
        "endLine": max(finding.line, finding.end_line, 1),
        "endColumn": max(1, finding.end_column),
    }
    if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
        region["endColumn"] = region["startColumn"]
    return region


def _artifact(path: str) -> dict[str, str]:
    posix = PurePosixPath(path)
    if posix.is_absolute():
        return {"uri": "file://" + quote(str(posix))}
    return {"uri": quote(str(posix)), "uriBaseId": "%SRCROOT%"}


# --- fixes ---------------------------------------------------------------------------


def _fixes(result: RunResult, findings: list[Finding]) -> dict[int, list[dict[str, Any]]]:
    """Replacements per migratable finding (keyed by ``id(finding)``), from each changed module's diff.

    Every changed block of lines goes to the migratable site it overlaps, else to the nearest one,
    so the fixes of a file together are its whole rewrite.
    """
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.status == "migratable" and f.cell is None:
            by_path.setdefault(f.path, []).append(f)
    fixes: dict[int, list[dict[str, Any]]] = {}
    for outcome in result.changed:
        sites = by_path.get(outcome.path)
        if not sites or not _is_whole_module(outcome):
            continue
        for replacement, (first, last) in _replacements(outcome.changes[0].old, outcome.changes[0].new):
            owner = min(sites, key=lambda f: _distance(f, first, last))
            fixes.setdefault(id(owner), []).append(replacement)
    return fixes


def _is_whole_module(outcome: FileOutcome) -> bool:
    return len(outcome.changes) == 1 and outcome.changes[0].label == outcome.path


def _replacements(old: str, new: str) -> list[tuple[dict[str, Any], tuple[int, int]]]:
    """Whole-line replacements turning ``old`` into ``new``, with the 1-based lines each touches."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    found = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # From the start of line i1+1 to the start of line i2+1: lines i1+1..i2 go (none for an insertion).
        deleted = {"startLine": i1 + 1, "startColumn": 1, "endLine": i2 + 1, "endColumn": 1}
        replacement: dict[str, Any] = {"deletedRegion": deleted}
        if j2 > j1:
            replacement["insertedContent"] = {"text": "".join(after[j1:j2])}
        found.append((replacement, (i1 + 1, max(i1 + 1, i2))))
    return found


def _distance(finding: Finding, first: int, last: int) -> int:
    start, end = finding.line, max(finding.line, finding.end_line)
    if last < start:
        return start - last
    if first > end:
        return first - end
    return 0
