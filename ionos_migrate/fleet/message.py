"""The commit message of one repository's migration, written to be its pull-request text.

all-repos's pull-request pushes take the title from the commit's first line
and the body from the rest. The body is Markdown without ``#`` headings (git
drops ``#`` lines when a message is edited): what was migrated per rule,
every site left for a human with file:line and the reason, and how to check
the change.
"""

from __future__ import annotations

import shlex
from collections import Counter
from pathlib import Path

from ionos_migrate import __version__
from ionos_migrate.fleet.migration import Migration, Site

# GitHub refuses a pull-request body over 65,536 characters; keep room for what all-repos adds.
MAX_BODY = 60_000
UNKNOWN_TEST_COMMAND = "<your test command>"
SHELL_SYNTAX = set(";&|<>()$`\\\"'*?[]{}~!#\n")


def title(migration: Migration) -> str:
    migrated, left = len(migration.migrated), len(migration.left)
    if not migrated:
        return f"Mark {left} call site{'s' * (left != 1)} of the retired IONOS AI Model Hub API for manual migration"
    text = f"Move {migrated} call site{'s' * (migrated != 1)} off the retired IONOS AI Model Hub API"
    return text + (f" ({left} left for manual work)" if left else "")


def pull_request_text(migration: Migration, *, base_branch: str, test_command: str) -> str:
    intro = [
        "The IONOS AI Model Hub's native API (`GET /models`, `POST /models/{modelId}/predictions`) was retired "
        "on 2026-05-05: calls to it fail. `ionos-migrate apply` rewrote this repository's calls to the "
        "OpenAI-compatible API, with the repository's own `[tool.ionos-migrate]` settings.",
        "",
        *_migrated(migration),
    ]
    ending = [*_how_to_check(base_branch, test_command),
              f"Migrated by ionos-migrate {__version__} (`python -m ionos_migrate.fleet`)."]
    budget = _Budget(MAX_BODY - sum(len(line) + 1 for line in intro + ending))
    listings = [
        *_listing("Left for manual work", migration.left, budget,
                  "Each site in Python code is marked with a `# ionos-migrate:` comment that says why."),
        *_listing("Files ionos-migrate could not read or parse (left unchanged)", migration.errors, budget, ""),
        *_listing("Notes", migration.notes, budget, ""),
    ]
    if budget.cut:
        listings += [f"… {budget.cut} more site(s) cut to fit a pull request: the fleet report (`--report`) "
                     "lists them all.", ""]
    return f"{title(migration)}\n\n" + "\n".join(intro + listings + ending)


class _Budget:
    """Characters left for the listings; what does not fit is counted, not silently dropped."""

    def __init__(self, left: int) -> None:
        self.left, self.cut = left - 200, 0  # room for the line that says what was cut

    def spend(self, lines: list[str]) -> list[str]:
        self.left -= sum(len(line) + 1 for line in lines)
        return lines

    def take(self, line: str) -> bool:
        if self.cut or len(line) + 1 > self.left:
            self.cut += 1
            return False
        self.left -= len(line) + 1
        return True


def _migrated(migration: Migration) -> list[str]:
    sites = migration.migrated
    if not sites:
        return ["Nothing was rewritten automatically.", ""]
    files = len({s.path for s in sites})
    lines = [f"**Migrated: {len(sites)} site{'s' * (len(sites) != 1)} in {files} file{'s' * (files != 1)}**", "",
             "| rule | sites |", "|---|---|"]
    lines += [f"| `{rule}` | {n} |" for rule, n in sorted(Counter(s.rule for s in sites).items())]
    return lines + [""]


def _listing(heading: str, sites: list[Site], budget: _Budget, remark: str) -> list[str]:
    if not sites:
        return []
    lines = budget.spend([f"**{heading}: {len(sites)}**", ""] + ([remark, ""] if remark else []) + [""])[:-1]
    lines += [line for line in (f"- `{s.where}` [{s.rule}] {_one_line(s.message)}" for s in sites) if budget.take(line)]
    return lines + [""]


def _how_to_check(base_branch: str, test_command: str) -> list[str]:
    return [
        "**How to check**",
        "",
        "1. Run this repository's tests on the old and the new code against an offline emulator of the new "
        "API; `verify` compares the requests that reach the API, the exit codes and the output (exit 0: "
        "equivalent):",
        "",
        "   ```sh",
        f"   git worktree add ../before-ionos-migrate origin/{base_branch}",
        f"   ionos-migrate verify --before ../before-ionos-migrate --after . -- {test_command}",
        "   ```",
        "2. Code that cannot change yet keeps working through the compat layer: `IONOS_MIGRATE_SHIM=1 "
        "<command>` translates legacy calls in-process (Python), `ionos-migrate shim serve` is a local proxy "
        "for anything else.",
        "",
    ]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def suggested_test_command(root: Path, check_cmd: str | None) -> str:
    """The repository's test command, as well as its files tell; the reviewer adjusts it."""
    if check_cmd:  # verify runs an argv, not a shell line
        return f"sh -c {shlex.quote(check_cmd)}" if set(check_cmd) & SHELL_SYNTAX else check_cmd
    pyproject = _read(root / "pyproject.toml")
    if ((root / "pytest.ini").is_file() or (root / "conftest.py").is_file() or "[tool.pytest" in pyproject
            or "[tool:pytest]" in _read(root / "setup.cfg") or (root / "tests").is_dir()):
        return "python -m pytest"
    if any(line.startswith("test:") for line in _read(root / "Makefile").splitlines()):
        return "make test"
    if (root / "tox.ini").is_file():
        return "tox"
    return UNKNOWN_TEST_COMMAND


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""
