"""One self-contained HTML page: the summary, the findings, a side-by-side diff per file.

No scripts, no external styles or fonts: it opens from a CI artifact or a
mail attachment as it is. The side-by-side tables come from the standard
library's ``difflib.HtmlDiff``.
"""

from __future__ import annotations

import difflib
from html import escape
from typing import Any

from ionos_migrate import __version__
from ionos_migrate.engine import Change, RunResult
from ionos_migrate.reports import by_status, summary_labels

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #59636e; margin-bottom: 1.5rem; }
table.summary, table.findings { border-collapse: collapse; margin: .5rem 0 1rem; }
table.summary td, table.summary th, table.findings td, table.findings th {
  border: 1px solid #d1d9e0; padding: .3rem .6rem; text-align: left; vertical-align: top; }
table.summary th, table.findings th { background: #f6f8fa; }
.status { font-weight: 600; border-radius: 1rem; padding: .05rem .55rem; white-space: nowrap; }
.status-error { background: #ffebe9; color: #a40e26; } .status-manual { background: #fff8c5; color: #7d4e00; }
.status-migrated { background: #dafbe1; color: #116329; }
.status-migratable { background: #dafbe1; color: #116329; } .status-info { background: #ddf4ff; color: #0550ae; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
h2 code { font-size: 1rem; }
table.diff { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; border: 1px solid #d1d9e0;
  border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
table.diff td { padding: 0 .4rem; white-space: pre-wrap; word-break: break-all; vertical-align: top; width: 50%; }
table.diff th.diff_header { background: #f6f8fa; font-weight: 600; text-align: left; padding: .3rem .4rem; }
table.diff td.diff_header { color: #59636e; text-align: right; width: 1%; white-space: nowrap; background: #f6f8fa; }
table.diff .diff_next { display: none; }
.diff_add { background: #dafbe1; } .diff_chg { background: #fff8c5; } .diff_sub { background: #ffebe9; }
"""


def render(result: RunResult, *, command: str, written: bool, exit_code: int) -> str:
    summary = result.summary()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>ionos-migrate {escape(command)} report</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>ionos-migrate {escape(command)}</h1>",
        f'<div class="meta">ionos-migrate {escape(__version__)} · exit code {exit_code} · '
        f"{'files written' if written else 'nothing written'}</div>",
        _summary_table(summary, summary_labels(command)),
        _findings_table(result),
        *(_file_diff(change, written) for outcome in result.changed for change in outcome.changes),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary_table(summary: dict[str, Any], labels: dict[str, str]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for label in labels.values())
    row = "".join(f"<td>{escape(str(summary[key]))}</td>" for key in labels)
    return f'<table class="summary"><tr>{head}</tr><tr>{row}</tr></table>'


def _findings_table(result: RunResult) -> str:
    findings = by_status(result)
    if not findings:
        return "<h2>Findings</h2><p>No legacy call sites found.</p>"
    rows = []
    for f in findings:
        where = f"{f.path}:{f.line}:{f.column}" + (f" (cell {f.cell})" if f.cell is not None else "")
        rows.append(
            f"<tr><td><code>{escape(where)}</code></td>"
            f'<td><span class="status status-{escape(f.status)}">{escape(f.status)}</span></td>'
            f"<td><code>{escape(f.rule)}</code></td><td>{escape(f.message)}</td></tr>"
        )
    head = "<tr><th>where</th><th>status</th><th>rule</th><th>message</th></tr>"
    return f'<h2>Findings ({len(findings)})</h2><table class="findings">{head}{"".join(rows)}</table>'


def _file_diff(change: Change, written: bool) -> str:
    table = difflib.HtmlDiff(tabsize=4).make_table(
        change.old.splitlines(), change.new.splitlines(), fromdesc="before", todesc="after" if written else
        "after (proposed)", context=True, numlines=3,
    )
    return f"<h2><code>{escape(change.label)}</code></h2>\n{table}"
