"""What ``scan``, ``diff`` and ``apply`` print: findings, the diff, the summary, progress.

Results go to stdout (finding lines; ``diff``'s unified diff), everything
else to stderr, so stdout can be piped. Colour follows :mod:`ionos_migrate.color`.
The progress bar shows only on a terminal (stderr), from the first phase on.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import click

from ionos_migrate.codemods.api import Finding
from ionos_migrate.color import console, is_terminal, wants_color
from ionos_migrate.engine import Progress, RunResult
from ionos_migrate.statuses import ERROR, INFO, MANUAL, rewrite_word

# A bar for a phase with at least this many files; a quicker run shows none.
PROGRESS_FROM = 50
# A run still looking for files after this many seconds shows that it is.
LOOKING_AFTER = 0.5
PHASES = {"reading": "reading modules", "rewriting": "parsing and rewriting"}
# Short column names, so the summary fits an 80-column terminal; sites_migratable
# (scan, diff) or sites_migrated (apply) goes after "changed".
TERMINAL_LABELS = {
    "files_scanned": "scanned", "files_prefiltered_out": "skipped", "files_parsed": "parsed",
    "files_changed": "changed", "sites_manual": "manual", "errors": "errors", "elapsed_seconds": "seconds",
}


@dataclass(frozen=True)
class Output:
    color: str | None = None  # --color: auto, always, never (None: auto)
    quiet: bool = False  # results only: no summary, no notes, no progress
    progress: bool = True


# --- progress --------------------------------------------------------------------------


@contextmanager
def progress_bar(output: Output) -> Iterator[Progress | None]:
    """A callback for the engine, or None when nothing is to be shown (not a terminal, --no-progress, --quiet)."""
    if output.quiet or not output.progress or not is_terminal(sys.stderr):
        yield None
        return
    bar = _Bar(output)
    try:
        yield bar.update
    finally:
        bar.close()


class _Bar:
    """Rich's progress bar, started lazily: a spinner while files are being found, then one bar per phase."""

    def __init__(self, output: Output) -> None:
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(transient=True, console=console(output.color, stderr=True))
        self.lock = threading.Lock()
        self.started = False
        self.closed = False
        self.looking: Any = None
        self.tasks: dict[str, Any] = {}
        self.timer = threading.Timer(LOOKING_AFTER, self._looking)
        self.timer.daemon = True
        self.timer.start()

    def _start(self) -> None:
        if not self.started:
            self.bar.start()
            self.started = True

    def _looking(self) -> None:
        with self.lock:
            if not self.closed and not self.tasks:
                self._start()
                self.looking = self.bar.add_task("finding files", total=None)

    def update(self, phase: str, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        with self.lock:
            if self.closed:
                return
            self._start()
            if self.looking is not None:
                self.bar.remove_task(self.looking)
                self.looking = None
            task = self.tasks.get(phase)
            if task is None:
                for earlier in self.tasks.values():  # one phase at a time
                    self.bar.update(earlier, visible=False)
                task = self.tasks[phase] = self.bar.add_task(PHASES.get(phase, phase), total=total)
            self.bar.update(task, completed=done)

    def close(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.closed = True
            if self.started:
                self.bar.stop()


# --- results ---------------------------------------------------------------------------


def print_results(command: str, result: RunResult, written: bool, output: Output) -> None:
    if command == "diff":
        print_diff(result, output)
        for finding in result.findings:  # what the diff cannot show: sites left for a human, notes
            if finding.status in (MANUAL, ERROR) or (finding.status == INFO and not output.quiet):
                click.echo(finding_line(finding), err=True)
    else:
        for finding in result.findings:
            if finding.status != INFO or not output.quiet:
                click.echo(finding_line(finding))
    if not output.quiet:
        print_summary(command, result, written, output)


def print_diff(result: RunResult, output: Output) -> None:
    colour = wants_color(output.color, sys.stdout)
    for outcome in result.changed:
        for line in outcome.diff().splitlines(keepends=True):
            click.echo(colour_diff_line(line) if colour else line, nl=False, color=colour)


def colour_diff_line(line: str) -> str:
    if line.startswith(("+++", "---")):
        return click.style(line, bold=True)
    if line.startswith("+"):
        return click.style(line, fg="green")
    if line.startswith("-"):
        return click.style(line, fg="red")
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    return line


def finding_line(f: Finding) -> str:
    where = f"{f.path}[cell {f.cell}]" if f.cell is not None else f.path
    return f"{where}:{f.line}:{f.column}: {f.status} [{f.rule}] {f.message}"


def print_summary(command: str, result: RunResult, written: bool, output: Output) -> None:
    from rich.table import Table

    summary = result.summary()
    outcome = ": files written" if written else "" if command == "scan" else ": nothing written"
    notes = summary["info"]  # no column for them (the table must fit 80 columns): the title says so
    title = f"ionos-migrate {command}{outcome}" + (f" ({notes} info note{'s' * (notes != 1)} above)" if notes else "")
    table = Table(title=title, title_justify="left", show_edge=False)  # 80 columns
    labels = terminal_labels(command)
    for label in labels.values():
        table.add_column(label, justify="right")
    table.add_row(*(str(summary[key]) for key in labels))
    console(output.color, stderr=True).print(table)


def terminal_labels(command: str) -> dict[str, str]:
    """The summary's columns for ``command``: its own word for the sites it rewrites."""
    word = rewrite_word(command)
    items = list(TERMINAL_LABELS.items())
    at = [key for key, _ in items].index("files_changed") + 1
    items.insert(at, (f"sites_{word}", word))
    return dict(items)
