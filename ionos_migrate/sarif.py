"""SARIF 2.1.0, the format GitHub code scanning and other tools read.

``manual`` sites and ``error`` files are what a reviewer must act on
(``warning`` and ``error``); ``migrated`` and ``info`` are notes. Paths are
relative URIs against ``%SRCROOT%`` where they are under the current folder.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from ionos_migrate import __version__
from ionos_migrate.codemods.api import Finding
from ionos_migrate.engine import RunResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "manual": "warning", "migratable": "warning", "migrated": "note", "info": "note"}


def render(result: RunResult, *, command: str, written: bool, exit_code: int) -> str:
    findings = result.findings
    rule_ids = sorted({f.rule for f in findings})
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "ionos-migrate",
            "version": __version__,
            "rules": [{"id": rule, "shortDescription": {"text": _describe(rule, findings)}} for rule in rule_ids],
        }},
        "invocations": [{"executionSuccessful": exit_code != 2, "exitCode": exit_code,
                         "properties": {"command": command, "written": written}}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_ids.index(f.rule)) for f in findings],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    where = f" (notebook cell {finding.cell})" if finding.cell is not None else ""
    region = {
        "startLine": max(1, finding.line),
        "startColumn": max(1, finding.column),
        "endLine": max(finding.line, finding.end_line, 1),
        "endColumn": max(1, finding.end_column),
    }
    if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
        region["endColumn"] = region["startColumn"]
    properties: dict[str, Any] = {"status": finding.status}
    if finding.cell is not None:
        properties["cell"] = finding.cell
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.status],
        "message": {"text": f"[{finding.status}] {finding.message}{where}"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(finding.path), "region": region}}],
        "properties": properties,
    }


def _artifact(path: str) -> dict[str, str]:
    posix = PurePosixPath(path)
    if posix.is_absolute():
        return {"uri": "file://" + quote(str(posix))}
    return {"uri": quote(str(posix)), "uriBaseId": "%SRCROOT%"}


def _describe(rule: str, findings: list[Finding]) -> str:
    statuses = sorted({f.status for f in findings if f.rule == rule})
    return f"ionos-migrate rule {rule} ({', '.join(statuses)})"
