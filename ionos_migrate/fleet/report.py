"""The fleet report: one record per repository, totals on top; JSON is its stable form.

A run writes one; ``ionos-migrate fleet-report`` merges the shares of a
fleet split over CI jobs. Totals are always computed from the repository
records, so a merge of shares gives the same totals as one run over the
whole fleet. The layout is documented in docs/fleet.md; ``version`` goes up
when a key changes meaning or goes away (new keys may appear at any time).
Nothing here needs all-repos: the merge runs in the core install.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ionos_migrate import __version__

VERSION = 1
KIND = "fleet"
# What happened to a repository, the order the reports list them in (what needs a human first).
OUTCOMES = {
    "error": "the tool or git failed, or files could not be read or parsed and nothing was migrated",
    "check-failed": "the rewrite was refused by the compile check or --check-cmd; nothing committed",
    "declined": "declined at the interactive prompt; nothing committed",
    "pushed": "migrated, committed and pushed through the configured push",
    "would-push": "dry run: migrated and committed in a throwaway clone, nothing pushed",
    "pending": "the branch of an earlier run is still open with the same change; nothing pushed",
    "nothing-to-do": "looked at, nothing to change",
    "skipped": "has a legacy signal, left out by --limit",
    "clean": "no legacy signal in any tracked file; not cloned",
}
ATTENTION = ("error", "check-failed", "declined")
# user:password@ in a URL (a clone URL with a token in it, say), as git may print it.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
FORMATS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


class FleetReportError(ValueError):
    """A share that cannot be read or merged; the message names the file and the reason."""


@dataclass
class RepoRecord:
    repo: str
    outcome: str
    error: str | None = None
    found: int = 0  # legacy sites the run found
    migrated: int = 0
    manual: int = 0  # found and left for a human
    errors: int = 0  # files the tool could not read or parse
    still_legacy: int = 0  # legacy sites in the repository after the run
    rules: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> status -> sites
    sites: list[dict[str, Any]] = field(default_factory=list)  # every site left for a human, and every error
    seconds: float = 0.0
    git_seconds: float = 0.0

    @property
    def needs_attention(self) -> bool:
        return self.outcome in ATTENTION or self.manual > 0 or self.errors > 0


@dataclass
class FleetReport:
    repositories: list[RepoRecord]
    dry_run: bool
    shards: list[str] = field(default_factory=lambda: ["1/1"])  # the shares this report covers
    missing_shards: list[str] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)  # per run: shard, jobs, wall and find_repos seconds

    def totals(self) -> dict[str, Any]:
        repos = self.repositories
        return {
            "repositories": len(repos),
            "with_legacy": sum(1 for r in repos if r.found or r.errors),
            "needing_attention": sum(1 for r in repos if r.needs_attention),
            **{key: sum(getattr(r, key) for r in repos) for key in
               ("found", "migrated", "manual", "errors", "still_legacy")},
            "seconds": round(sum(r.seconds for r in repos), 3),
            "git_seconds": round(sum(r.git_seconds for r in repos), 3),
        }

    def outcomes(self) -> dict[str, int]:
        counts = Counter(r.outcome for r in self.repositories)
        return {name: counts[name] for name in [*OUTCOMES, *sorted(set(counts) - set(OUTCOMES))] if counts[name]}

    def rules(self) -> dict[str, dict[str, int]]:
        merged: dict[str, Counter[str]] = {}
        for record in self.repositories:
            for rule, statuses in record.rules.items():
                merged.setdefault(rule, Counter()).update(statuses)
        return {rule: dict(sorted(merged[rule].items())) for rule in sorted(merged)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "tool": {"name": "ionos-migrate", "version": __version__},
            "kind": KIND,
            "dry_run": self.dry_run,
            "shards": self.shards,
            "missing_shards": self.missing_shards,
            "runs": self.runs,
            "totals": self.totals(),
            "outcomes": self.outcomes(),
            "rules": self.rules(),
            "repositories": [asdict(r) for r in self.ordered()],
        }

    def ordered(self) -> list[RepoRecord]:
        """What needs a human first, then by outcome, then by name."""
        return sorted(self.repositories, key=_attention_first)


def _attention_first(record: RepoRecord) -> tuple[int, int, str]:
    order = list(OUTCOMES)
    return (not record.needs_attention, order.index(record.outcome) if record.outcome in order else -1, record.repo)


def scrub(text: str | None) -> str | None:
    """Text for a report: bearer tokens and URL credentials blanked (test output and git's messages may hold them)."""
    from ionos_migrate.compat.redact import redact

    return _URL_CREDENTIALS.sub(r"\1***@", redact(text)) if text else text


def format_for(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FleetReportError(f"{path}: cannot tell the format from the suffix; use .json, .md or .html")
    return fmt


def write(report: FleetReport, path: Path, fmt: str | None = None) -> None:
    """Render by format (or by suffix) and write atomically: a reader never sees half a report."""
    from ionos_migrate.fleet import render

    fmt = format_for(path, fmt)
    text = {"json": render_json, "md": render.markdown, "html": render.html}[fmt](report)
    try:
        _write_atomically(path, text)
    except OSError as exc:
        raise FleetReportError(f"{path}: cannot write: {exc.strerror or exc}") from None


def render_json(report: FleetReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- reading and merging shares ---------------------------------------------------


def load(path: Path) -> FleetReport:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise FleetReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FleetReportError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise FleetReportError(f"{path}: not a fleet report (python -m ionos_migrate.fleet --report writes one)")
    if data.get("version") != VERSION:
        raise FleetReportError(f"{path}: fleet report version {data.get('version')!r}; this ionos-migrate reads "
                               f"version {VERSION}")
    try:
        records = [_record(item) for item in data["repositories"]]
        return FleetReport(records, dry_run=bool(data["dry_run"]), shards=[str(s) for s in data["shards"]],
                           runs=list(data.get("runs") or []))
    except (KeyError, TypeError, ValueError) as exc:
        raise FleetReportError(f"{path}: malformed fleet report ({type(exc).__name__}: {exc})") from None


def _record(item: dict[str, Any]) -> RepoRecord:
    names = RepoRecord.__dataclass_fields__
    record = RepoRecord(**{key: value for key, value in item.items() if key in names})
    if not isinstance(record.repo, str) or not isinstance(record.outcome, str):
        raise ValueError("a repository record needs 'repo' and 'outcome' strings")
    return record


def merge(shares: Iterable[tuple[Path, FleetReport]]) -> FleetReport:
    """One report of all shares. A repository in two shares, or dry and real runs mixed, is an error."""
    shares = list(shares)
    if not shares:
        raise FleetReportError("no shares to merge")
    dry = {report.dry_run for _, report in shares}
    if len(dry) > 1:
        kinds = ", ".join(f"{path} ({'dry run' if r.dry_run else 'real run'})" for path, r in shares)
        raise FleetReportError(f"the shares mix dry runs and real runs: {kinds}")
    seen: dict[str, Path] = {}
    records: list[RepoRecord] = []
    for path, report in shares:
        for record in report.repositories:
            if record.repo in seen:
                raise FleetReportError(f"repository {record.repo} is in both {seen[record.repo]} and {path}")
            seen[record.repo] = path
            records.append(record)
    shards = [s for _, report in shares for s in report.shards]
    return FleetReport(records, dry_run=dry.pop(), shards=sorted(shards, key=_shard_key),
                       missing_shards=missing_shards(shards), runs=[run for _, r in shares for run in r.runs])


def _shard_key(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    return (int(count), int(index)) if index.isdigit() and count.isdigit() else (0, 0)


def missing_shards(shards: list[str]) -> list[str]:
    """The shares of the split that no report covers (a CI job that failed or did not upload)."""
    counts = {_shard_key(s)[0] for s in shards}
    if len(counts) != 1 or 0 in counts:
        raise FleetReportError(f"the shares do not come from one split: {', '.join(shards)}")
    (count,) = counts
    duplicated = sorted(s for s, n in Counter(shards).items() if n > 1)
    if duplicated:
        raise FleetReportError(f"share {', '.join(duplicated)} is given more than once")
    have = {_shard_key(s)[1] for s in shards}
    return [f"{i}/{count}" for i in range(1, count + 1) if i not in have]
