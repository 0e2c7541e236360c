"""Reports of a run: JSON, SARIF 2.1.0, Markdown and HTML.

The JSON layout is documented in docs/engine.md; its ``version`` goes up
when a key changes meaning or goes away (new keys may appear at any time).
"""

from __future__ import annotations

import dataclasses
import html
import json
from pathlib import Path
from typing import Any, Callable

from ionos_migrate import __version__
from ionos_migrate.codemods.api import Finding
from ionos_migrate.engine import RunResult
from ionos_migrate.statuses import ORDER as STATUS_ORDER
from ionos_migrate.statuses import rewrite_word

# 2: scan and diff call a site they would rewrite "migratable" (1 said "migrated");
# summary.sites_migratable beside sites_migrated.
JSON_VERSION = 2
FORMATS = ("json", "sarif", "md", "html")
SUFFIXES = {".json": "json", ".sarif": "sarif", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


class ReportError(ValueError):
    pass


def format_for(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise ReportError(f"--report {path}: cannot tell the format from the suffix; use .json, .sarif, .md or "
                          ".html, or --format")
    return fmt


def write_report(result: RunResult, path: Path, fmt: str, *, command: str, written: bool, exit_code: int) -> None:
    render = _renderers()[fmt]
    text = render(result, command=command, written=written, exit_code=exit_code)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"--report {path}: cannot write: {exc.strerror or exc}") from None


def _renderers() -> dict[str, Callable[..., str]]:
    from ionos_migrate import html_report, sarif

    return {"json": render_json, "sarif": sarif.render, "md": render_markdown, "html": html_report.render}


def as_dict(result: RunResult, *, command: str, written: bool, exit_code: int) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "tool": {"name": "ionos-migrate", "version": __version__},
        "command": command,
        "written": written,
        "exit_code": exit_code,
        "summary": result.summary(),
        "findings": [dataclasses.asdict(f) for f in result.findings],
        "files": [{"path": o.path, "diff": o.diff()} for o in result.changed],
    }


def render_json(result: RunResult, **how: Any) -> str:
    return json.dumps(as_dict(result, **how), indent=2, ensure_ascii=False) + "\n"


def summary_labels(command: str) -> dict[str, str]:
    """The summary table's columns: the command's own word for the sites it rewrites."""
    word = rewrite_word(command)
    return {
        "files_scanned": "files scanned",
        "files_prefiltered_out": "prefiltered out",
        "files_parsed": "parsed",
        "files_changed": "changed",
        f"sites_{word}": f"sites {word}",
        "sites_manual": "sites manual",
        "errors": "errors",
        "elapsed_seconds": "elapsed (s)",
    }


def render_markdown(result: RunResult, *, command: str, written: bool, exit_code: int) -> str:
    summary = result.summary()
    verb = "changed" if written else "would change"
    labels = summary_labels(command)
    out = [f"## ionos-migrate {command}", ""]
    out.append("| " + " | ".join(labels.values()) + " |")
    out.append("|" + "---|" * len(labels))
    out.append("| " + " | ".join(str(summary[key]) for key in labels) + " |")
    out.append("")
    findings = by_status(result)
    if findings:
        out += ["### Findings", "", "| where | status | rule | message |", "|---|---|---|---|"]
        for f in findings:
            where = f"`{f.path}:{f.line}:{f.column}`" + (f" (cell {f.cell})" if f.cell is not None else "")
            out.append(f"| {_md_cell(where)} | **{f.status}** | `{f.rule}` | {_md_cell(f.message)} |")
        out.append("")
    else:
        out += ["No legacy call sites found.", ""]
    for outcome in result.changed:
        diff = outcome.diff()
        fence = "````" if "```" in diff else "```"
        out += [f"<details><summary><code>{html.escape(outcome.path)}</code> {verb}</summary>", "", fence + "diff",
                diff.rstrip("\n"), fence, "", "</details>", ""]
    return "\n".join(out)


def by_status(result: RunResult) -> list[Finding]:
    """Findings as the Markdown and HTML reports list them: what needs a human first."""
    return sorted(result.findings, key=lambda f: (STATUS_ORDER.index(f.status), f.path, f.line))


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
