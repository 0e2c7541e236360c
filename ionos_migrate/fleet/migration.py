"""The fleet's one point of contact with the migration engine.

Each repository is migrated by ``ionos-migrate apply`` itself, called
through the command line's Python entry point in the repository's clone,
so the repository's own ``[tool.ionos-migrate]`` settings apply exactly as
they do for a developer, and its JSON report (the documented, stable form)
is what the fleet reads. Findings are read field by field (``status``,
``rule``, ``path``, ``line``, ``message``) and a status this module does not
know counts as a site still to migrate: a new status must never vanish from
the fleet report.
"""

from __future__ import annotations

import io
import json
import tempfile
import zlib
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIGRATED = "migrated"  # apply: rewritten and written
MIGRATABLE = "migratable"  # scan (the check after the commit): apply would rewrite it, so it is still legacy
NOTE = "info"
ERROR = "error"
# The legacy signals the engine's prefilter looks for, as git grep patterns; a repository
# with none of them in any tracked file has nothing to migrate. A repository that
# configures the tool (extra markers among them) is always looked at.
CONFIG_MARKER = "tool.ionos-migrate"


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    rule: str
    status: str
    message: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Migration:
    """What one ``apply`` (or ``scan``) said about one repository."""

    exit_code: int
    sites: list[Site] = field(default_factory=list)
    failure: str | None = None  # the tool could not run here (bad settings, a crash): why

    @property
    def found(self) -> list[Site]:
        """Legacy sites: everything but notes and files the tool could not read or parse."""
        return [s for s in self.sites if s.status not in (NOTE, ERROR)]

    @property
    def migrated(self) -> list[Site]:
        return [s for s in self.sites if s.status == MIGRATED]

    @property
    def left(self) -> list[Site]:
        """Sites for a human: found but not migrated (manual, or any status this module does not know)."""
        return [s for s in self.found if s.status != MIGRATED]

    @property
    def errors(self) -> list[Site]:
        return [s for s in self.sites if s.status == ERROR]

    @property
    def notes(self) -> list[Site]:
        return [s for s in self.sites if s.status == NOTE]


def grep_patterns() -> list[str]:
    """``git grep`` arguments matching a file the engine's prefilter would keep."""
    from ionos_migrate.prefilter import markers

    patterns = [m.decode("utf-8") for m in markers()] + [CONFIG_MARKER]
    return ["--fixed-strings", *(arg for p in patterns for arg in ("-e", p))]


def migrate(*, target: str | None, model_map: Path | None, jobs: int | None) -> Migration:
    """``ionos-migrate apply .`` in the current folder (a fresh clone)."""
    return _run("apply", target=target, model_map=model_map, jobs=jobs)


def scan(*, target: str | None, model_map: Path | None, jobs: int | None) -> Migration:
    """``ionos-migrate scan .``: what is still legacy in the current folder."""
    return _run("scan", target=target, model_map=model_map, jobs=jobs)


def _run(command: str, *, target: str | None, model_map: Path | None, jobs: int | None) -> Migration:
    import click

    from ionos_migrate.cli import main

    with tempfile.TemporaryDirectory(prefix="ionos-migrate-fleet-") as folder:
        report = Path(folder) / "report.json"
        args = [command, ".", "--no-progress", "--report", str(report), "--format", "json"]
        args += ["--target", target] if target else []
        args += ["--model-map", str(model_map)] if model_map else []
        args += ["--jobs", str(jobs)] if jobs else []
        out, err = io.StringIO(), io.StringIO()  # findings and the summary table: the report has them
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main.main(args, prog_name="ionos-migrate", standalone_mode=False)
        except click.ClickException as exc:
            return Migration(exit_code=exc.exit_code, failure=f"ionos-migrate {command}: {exc.format_message()}")
        except SystemExit as exc:  # a subcommand that calls sys.exit
            code = exc.code if isinstance(exc.code, int) else 2
        if not report.is_file():
            said = (err.getvalue().strip() or out.getvalue().strip()).splitlines()[-5:]
            return Migration(exit_code=code or 2, failure=f"ionos-migrate {command} exited {code} without a "
                             "report" + (": " + " / ".join(said) if said else ""))
        return Migration(exit_code=code or 0, sites=_sites(json.loads(report.read_text("utf-8"))))


def _sites(report: dict[str, Any]) -> list[Site]:
    sites = []
    for finding in report.get("findings") or []:
        if not isinstance(finding, dict):
            continue
        line = finding.get("line")
        sites.append(Site(
            path=str(finding.get("path", "?")),
            line=line if isinstance(line, int) else 0,
            rule=str(finding.get("rule", "?")),
            status=str(finding.get("status", "?")),
            message=str(finding.get("message", "")),
        ))
    return sites


def in_shard(name: str, index: int, count: int) -> bool:
    """A stable share of the repositories, by the rule the engine uses for files (CRC-32 of the name)."""
    return zlib.crc32(name.encode("utf-8")) % count == index - 1


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``, with the engine's own message for a bad value (a ValueError)."""
    from ionos_migrate.discovery import parse_shard as parse

    return parse(text)

