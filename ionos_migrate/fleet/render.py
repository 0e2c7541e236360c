"""The fleet report as Markdown and as one self-contained HTML page (the run report's look)."""

from __future__ import annotations

from html import escape
from typing import Any

from ionos_migrate import __version__
from ionos_migrate.fleet.report import OUTCOMES, FleetReport

TOTAL_LABELS = {
    "repositories": "repositories",
    "with_legacy": "with legacy code",
    "needing_attention": "need a human",
    "found": "sites found",
    "migrated": "migrated",
    "manual": "left for manual work",
    "errors": "files not parsed",
    "still_legacy": "still legacy",
}
REPO_COLUMNS = ("found", "migrated", "manual", "errors", "still_legacy")
STATUS_CLASS = {"pushed": "migrated", "would-push": "migrated", "pending": "info", "nothing-to-do": "info",
                "clean": "info", "skipped": "info", "check-failed": "manual", "declined": "manual", "error": "error"}
EXTRA_STYLE = """
table.repos td, table.repos th { border: 1px solid #d1d9e0; padding: .3rem .6rem; text-align: left; vertical-align: top; }
table.repos { border-collapse: collapse; margin: .5rem 0 1rem; } table.repos th { background: #f6f8fa; }
table td.num { text-align: right; } .warning { background: #ffebe9; color: #a40e26; padding: .5rem .8rem; }
ul.sites { margin: .2rem 0; padding-left: 1.2rem; } pre.error { white-space: pre-wrap; margin: .2rem 0; }
"""


def _title(report: FleetReport) -> str:
    what = "fleet inventory (dry run: nothing pushed)" if report.dry_run else "fleet migration"
    return f"ionos-migrate {what}"


def _missing(report: FleetReport) -> str:
    return (f"Incomplete: no report for share {', '.join(report.missing_shards)} of the split; the totals "
            "leave those repositories out.") if report.missing_shards else ""


def _site_line(site: dict[str, Any]) -> str:
    return f"{site.get('path')}:{site.get('line')} {site.get('status')} [{site.get('rule')}] {site.get('message')}"


# --- Markdown -------------------------------------------------------------------------


def markdown(report: FleetReport) -> str:
    totals = report.totals()
    out = [f"# {_title(report)}", ""]
    if report.missing_shards:
        out += [f"> **{_missing(report)}**", ""]
    out += ["| " + " | ".join(TOTAL_LABELS.values()) + " |", "|" + "---|" * len(TOTAL_LABELS),
            "| " + " | ".join(str(totals[key]) for key in TOTAL_LABELS) + " |", ""]
    out += ["Outcomes: " + ", ".join(f"{name} {n}" for name, n in report.outcomes().items()), ""]
    rules = report.rules()
    if rules:
        out += ["## Sites per rule", "", "| rule | status | sites |", "|---|---|---|"]
        out += [f"| `{rule}` | {status} | {n} |" for rule, statuses in rules.items() for status, n in statuses.items()]
        out.append("")
    out += ["## Repositories", "", "| repository | outcome | " + " | ".join(REPO_COLUMNS) + " |",
            "|---|---|" + "---|" * len(REPO_COLUMNS)]
    records = report.ordered()
    for r in records:
        out.append(f"| `{_md(r.repo)}` | **{r.outcome}** | " + " | ".join(str(getattr(r, c)) for c in REPO_COLUMNS)
                   + " |")
    out.append("")
    for r in records:
        if not (r.error or r.sites):
            continue
        out += [f"### `{_md(r.repo)}`: {r.outcome}", ""]
        if r.error:
            out += ["```", r.error.replace("```", "'''"), "```", ""]
        out += [f"- `{_md(_site_line(site))}`" for site in r.sites] + [""]
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'").replace("\n", " ")


# --- HTML -----------------------------------------------------------------------------


def html(report: FleetReport) -> str:
    from ionos_migrate.html_report import STYLE

    totals = report.totals()
    head = "".join(f"<th>{escape(label)}</th>" for label in TOTAL_LABELS.values())
    row = "".join(f'<td class="num">{totals[key]}</td>' for key in TOTAL_LABELS)
    outcomes = ", ".join(f"{escape(name)} {n}" for name, n in report.outcomes().items())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(_title(report))}</title>",
        f"<style>{STYLE}{EXTRA_STYLE}</style></head><body>",
        f"<h1>{escape(_title(report))}</h1>",
        f'<div class="meta">ionos-migrate {escape(__version__)} · shares {escape(", ".join(report.shards))} · '
        f"outcomes: {outcomes or 'none'}</div>",
        f'<p class="warning">{escape(_missing(report))}</p>' if report.missing_shards else "",
        f'<table class="summary"><tr>{head}</tr><tr>{row}</tr></table>',
        _rules_table(report.rules()),
        _repos_table(report),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _rules_table(rules: dict[str, dict[str, int]]) -> str:
    if not rules:
        return "<h2>Sites per rule</h2><p>No legacy call sites found.</p>"
    rows = "".join(
        f'<tr><td><code>{escape(rule)}</code></td><td><span class="status status-{escape(status)}">'
        f'{escape(status)}</span></td><td class="num">{n}</td></tr>'
        for rule, statuses in rules.items() for status, n in statuses.items())
    return f'<h2>Sites per rule</h2><table class="findings"><tr><th>rule</th><th>status</th><th>sites</th></tr>{rows}</table>'


def _repos_table(report: FleetReport) -> str:
    head = "<tr><th>repository</th><th>outcome</th>" + "".join(f"<th>{c.replace('_', ' ')}</th>" for c in REPO_COLUMNS)
    head += "<th>sites for a human, errors</th></tr>"
    rows = []
    for r in report.ordered():
        outcome = (f'<span class="status status-{STATUS_CLASS.get(r.outcome, "error")}" '
                   f'title="{escape(OUTCOMES.get(r.outcome, ""))}">{escape(r.outcome)}</span>')
        detail = f'<pre class="error">{escape(r.error)}</pre>' if r.error else ""
        if r.sites:
            detail += '<ul class="sites">' + "".join(f"<li><code>{escape(_site_line(s))}</code></li>"
                                                    for s in r.sites) + "</ul>"
        counts = "".join(f'<td class="num">{getattr(r, c)}</td>' for c in REPO_COLUMNS)
        rows.append(f"<tr><td><code>{escape(r.repo)}</code></td><td>{outcome}</td>{counts}<td>{detail}</td></tr>")
    return f'<h2>Repositories ({len(rows)})</h2><table class="repos">{head}{"".join(rows)}</table>'
