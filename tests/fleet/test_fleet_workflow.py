"""examples/fleet/migrate-fleet.yml parses, and every command it runs exists and takes the flags it is given."""

from __future__ import annotations

import re
import shlex
from importlib.metadata import entry_points
from itertools import product
from pathlib import Path

import click
import pytest
import yaml

from ionos_migrate.cli import main
from ionos_migrate.fleet.autofixer import build_parser

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "fleet" / "migrate-fleet.yml"
# Values for the expressions the workflow uses; an expression not listed here fails the test.
EXPRESSIONS = {
    "matrix.shard": ["1"],
    "strategy.job-total": ["4"],
    "secrets.FLEET_TOKEN": ["token"],
    "inputs.dry_run && '--dry-run' || '--jobs 2'": ["--dry-run", "--jobs 2"],
}
SHELL_COMMANDS = {"python", "git", "chmod", "test", "cat", "all-repos-clone", "ionos-migrate"}


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def commands() -> list[list[str]]:
    """The argv of every simple command of every run: step, each ${{ }} expression taking each of its values."""
    found = []
    for job in load()["jobs"].values():
        for step in job["steps"]:
            for line in (step.get("run") or "").replace("\\\n", " ").splitlines():
                for variant in _variants(line):
                    found += _simple_commands(variant)
    return found


def _simple_commands(line: str) -> list[list[str]]:
    """Split at ; && || | and redirections, quotes respected (a quoted ; is not a separator)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    out: list[list[str]] = [[]]
    for token in lexer:
        if token and set(token) <= set(";&|<>()"):
            out.append([])
        else:
            out[-1].append(token)
    return [argv for argv in out if argv and not argv[0].startswith("$")]  # `>> "$FILE"` leaves a target


def _variants(line: str) -> list[str]:
    found = re.findall(r"\$\{\{\s*(.*?)\s*\}\}", line)
    unknown = [expr for expr in found if expr not in EXPRESSIONS]
    assert not unknown, f"add a value for {unknown} to EXPRESSIONS"
    variants = []
    for values in product(*(EXPRESSIONS[expr] for expr in found)):
        text = line
        for value in values:
            text = re.sub(r"\$\{\{.*?\}\}", lambda _: value, text, count=1)
        variants.append(text)
    return variants


def test_the_workflow_is_a_matrix_of_shares_and_a_merge_job():
    workflow = load()
    assert workflow["jobs"]["migrate"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert workflow["jobs"]["report"]["needs"] == "migrate"
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "workflow_dispatch" in trigger


def test_every_command_the_workflow_runs_exists_with_its_flags():
    checked = set()
    for argv in commands():
        line = shlex.join(argv)
        if argv[:3] == ["python", "-m", "ionos_migrate.fleet"]:
            build_parser().parse_args(argv[3:])  # SystemExit on an unknown flag
            checked.add("fleet")
        elif argv[0] == "ionos-migrate":
            command = main.get_command(click.Context(main), argv[1])
            assert command is not None, f"no command {argv[1]}: {line}"
            command.make_context(argv[1], argv[2:])  # UsageError on an unknown flag
            checked.add(argv[1])
        elif argv[0] == "all-repos-clone":
            assert any(ep.name == "all-repos-clone" for ep in entry_points(group="console_scripts"))
            assert argv[1:3] == ["-C", "examples/fleet/all-repos.json"]
            checked.add("clone")
        else:
            assert argv[0] in SHELL_COMMANDS, f"a command the test does not know: {line}"
    assert checked == {"fleet", "fleet-report", "clone"}


def test_the_migrate_step_runs_each_share_and_keeps_the_job_going_on_exit_1():
    runs = [argv for argv in commands() if argv[:3] == ["python", "-m", "ionos_migrate.fleet"]]
    assert {argv[argv.index("--shard") + 1] for argv in runs} == {"1/4"}
    assert any("--dry-run" in argv for argv in runs) and any(argv[-4:-2] == ["--jobs", "2"] for argv in runs)
    assert "|| test $? -eq 1" in WORKFLOW.read_text()


@pytest.mark.parametrize("line", ["python -m ionos_migrate.fleet --no-such-flag",
                                  "ionos-migrate fleet-report a.json --no-such-flag -o x.json"])
def test_the_check_itself_catches_a_wrong_flag(line):
    argv = shlex.split(line)
    with pytest.raises((SystemExit, click.UsageError)):
        if argv[0] == "python":
            build_parser().parse_args(argv[3:])
        else:
            main.get_command(click.Context(main), argv[1]).make_context(argv[1], argv[2:])
