"""``scan``, ``diff`` and ``apply``: the migration commands (contract in DESIGN.md).

Exit codes: ``scan`` 0 nothing found / 1 sites found; ``diff`` 0 nothing to
change / 1 changes proposed; ``apply`` 0 all migrated / 1 sites left for
manual work; all three 2 for usage errors and failures of the tool itself.
A file that cannot be parsed is an ``error`` finding (exit 1), not a failure.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Callable, Sequence

import click

from ionos_migrate.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK
from ionos_migrate.cli.options import color_option, model_map_option
from ionos_migrate.cli.terminal import Output, print_results, progress_bar
from ionos_migrate.codemods.api import MigrationContext
from ionos_migrate.color import MODES as COLOR_MODES
from ionos_migrate.config import ConfigError, ProjectConfig, load_model_map, load_project_config
from ionos_migrate.discovery import ShardError, parse_shard
from ionos_migrate.engine import RunOptions, RunResult, run, write_changes
from ionos_migrate.selection import Selection, SelectionError, apply_selection, parse_selection
from ionos_migrate.reports import FORMATS, ReportError, format_for, write_report
from ionos_migrate.statuses import ERROR, FOUND, MANUAL, name_for_command

TARGETS = ("http", "openai")


class ToolError(click.ClickException):
    """A usage or tool error: the contract's exit 2 (click's own default is 1)."""

    exit_code = EXIT_ERROR


def _common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--target", type=click.Choice(TARGETS), default=None,
                     help="http: keep the code's HTTP library (default); openai: move to the openai SDK."),
        click.option("--sdk-retries", type=click.IntRange(min=0), default=None, metavar="N",
                     help="--target openai: max_retries of the generated clients (default 0: one request, as the "
                          "legacy code sent; the SDK's own default is 2)."),
        model_map_option,
        click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="Write a report: .json, .sarif, .md or .html."),
        click.option("--format", "report_format", type=click.Choice(FORMATS), default=None,
                     help="Report format, when the --report suffix does not say."),
        click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
                     help="Worker processes (default: one per core; 1: no pool)."),
        click.option("--shard", default=None, metavar="I/N",
                     help="Take only the I-th of N stable shares of the files."),
        click.option("--include", multiple=True, metavar="GLOB", help="Only files matching (gitignore syntax)."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching (gitignore syntax)."),
        click.option("--select", multiple=True, metavar="RULE,...",
                     help="Report only these rules (ids from `ionos-migrate rules`; comma-separated or repeated)."),
        click.option("--ignore", multiple=True, metavar="RULE,...",
                     help="Leave these rules out. A file whose rewrite needs a rule left out is not rewritten."),
        click.option("--no-progress", is_flag=True, help="No progress bar (it shows only on a terminal)."),
        click.option("--quiet", "-q", is_flag=True,
                     help="Print only the results (findings, or the diff and the sites left for manual work): no "
                          "summary, no notes, no progress."),
        color_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@_common_options
def scan(**kwargs: Any) -> None:
    """List legacy call sites. Exit 0: none; 1: some found; 2: error."""
    _execute("scan", **kwargs)


@click.command()
@_common_options
def diff(**kwargs: Any) -> None:
    """Show the rewrite as a unified diff; nothing is written. Exit 0: nothing to change; 1: changes proposed."""
    _execute("diff", **kwargs)


@click.command()
@_common_options
@click.option("--allow-dirty", is_flag=True, help="Also rewrite files with uncommitted changes.")
def apply(**kwargs: Any) -> None:
    """Rewrite in place. Exit 0: all migrated; 1: sites left for manual work; 2: error."""
    _execute("apply", **kwargs)


# --- the run -------------------------------------------------------------------


def _execute(command: str, *, paths: tuple[Path, ...], target: str | None, sdk_retries: int | None,
             model_map_file: Path | None,
             report_path: Path | None, report_format: str | None, jobs: int | None, shard: str | None,
             include: tuple[str, ...], exclude: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
             no_progress: bool, quiet: bool, color: str | None, allow_dirty: bool = False) -> None:
    paths = paths or (Path("."),)
    try:
        config = load_project_config(paths)
        report_path = report_path or _path(config, "report")
        report_format = report_format or _choice(config, "format", FORMATS, None)
        shard = shard or _choice(config, "shard", None, None)
        output = Output(color=color or _choice(config, "color", COLOR_MODES, None),
                        quiet=quiet or _flag(config, "quiet"),
                        progress=not (no_progress or _flag(config, "no_progress")))
        allow_dirty = allow_dirty or _flag(config, "allow_dirty")
        options = RunOptions(
            paths=paths,
            include=include or _strings(config, "include"),
            exclude=exclude or _strings(config, "exclude"),
            markers=_strings(config, "markers"),
            jobs=jobs if jobs is not None else _jobs(config),
            shard=parse_shard(shard) if shard else None,
        )
        context = MigrationContext(model_map=load_model_map(config, model_map_file),
                                   target=target or _target(config), line_length=config.line_length,
                                   sdk_retries=sdk_retries if sdk_retries is not None else _sdk_retries(config))
        selection = _selection(config, select, ignore)
        fmt = format_for(report_path, report_format) if report_path else None
        if report_path and not report_path.resolve().parent.is_dir():
            # Say so before apply writes anything, not after.
            raise ReportError(f"--report {report_path}: folder {report_path.parent} does not exist")
    except (ConfigError, ShardError, ReportError, SelectionError) as exc:
        raise ToolError(str(exc)) from None

    try:
        with progress_bar(output) as progress:
            result = run(options, context, progress=progress)
        apply_selection(result, selection)
        name_for_command(result, command)
        written = False
        if command == "apply" and result.changed:
            _refuse_dirty(result, allow_dirty)
            written = write_changes(result) > 0  # every write may have been refused (read-only files)
    except FileNotFoundError as exc:
        raise ToolError(str(exc)) from None
    except ToolError:
        raise
    except Exception as exc:  # noqa: BLE001 - a failure of the tool itself is exit 2, not Python's 1
        traceback.print_exc()
        raise ToolError(f"ionos-migrate failed ({type(exc).__name__}: {exc}); this is a bug, please report it "
                        "with the traceback above") from None

    code = exit_code(command, result)
    print_results(command, result, written, output)
    if report_path and fmt:
        try:
            write_report(result, report_path, fmt, command=command, written=written, exit_code=code)
        except ReportError as exc:
            raise ToolError(str(exc)) from None
    click.get_current_context().exit(code)


def exit_code(command: str, result: RunResult) -> int:
    if result.crashed:
        return EXIT_ERROR
    statuses = {f.status for f in result.findings}
    if command == "scan":
        found = bool(statuses & FOUND)
    elif command == "diff":
        found = bool(result.changed) or bool(statuses & {MANUAL, ERROR})
    else:
        found = bool(statuses & {MANUAL, ERROR})
    return EXIT_FOUND if found else EXIT_OK


def _refuse_dirty(result: RunResult, allow_dirty: bool) -> None:
    if allow_dirty:
        return
    from ionos_migrate.gitstate import uncommitted

    dirty = uncommitted(outcome.abs_path for outcome in result.changed)
    if dirty:
        by_path = {o.abs_path: o.path for o in result.changed}
        lines = [f"  {by_path.get(path, path)}: {why}" for path, why in sorted(dirty.items())]
        raise ToolError(
            "apply would rewrite files that have uncommitted changes, so nothing was written:\n" + "\n".join(lines)
            + "\nCommit or stash them first (then the migration is its own reviewable diff), or pass --allow-dirty."
        )


# --- configuration ---------------------------------------------------------------


def _selection(config: ProjectConfig, select: tuple[str, ...], ignore: tuple[str, ...]) -> Selection:
    """Flags win over the file, key by key; the rule registry (and libcst) loads only when one is given."""
    select = select or _strings(config, "select")
    ignore = ignore or _strings(config, "ignore")
    if not select and not ignore:
        return Selection()
    from ionos_migrate.ruleset import by_id

    return parse_selection(select or None, ignore, by_id())


def _strings(config: ProjectConfig, key: str) -> tuple[str, ...]:
    value = config.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{config.path}: [tool.ionos-migrate] {key} must be a list of strings")
    return tuple(value)


def _path(config: ProjectConfig, key: str) -> Path | None:
    value = config.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{config.path}: [tool.ionos-migrate] {key} must be a file name")
    return config.root / value if config.root else Path(value)  # relative to pyproject.toml, like model-map


def _choice(config: ProjectConfig, key: str, choices: Sequence[str] | None, default: str | None) -> str | None:
    value = config.get(key, default)
    if value is not None and (not isinstance(value, str) or (choices is not None and value not in choices)):
        allowed = f"one of {', '.join(choices)}" if choices else "a string"
        raise ConfigError(f"{config.path}: [tool.ionos-migrate] {key} must be {allowed}")
    return value


def _flag(config: ProjectConfig, key: str) -> bool:
    value = config.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{config.path}: [tool.ionos-migrate] {key} must be true or false")
    return value


def _jobs(config: ProjectConfig) -> int:
    value = config.get("jobs", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{config.path}: [tool.ionos-migrate] jobs must be a whole number >= 0")
    return value


def _sdk_retries(config: ProjectConfig) -> int:
    value = config.get("sdk_retries", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{config.path}: [tool.ionos-migrate] sdk-retries must be a whole number >= 0")
    return value


def _target(config: ProjectConfig) -> str:
    value = config.get("target", "http")
    if value not in TARGETS:
        raise ConfigError(f"{config.path}: [tool.ionos-migrate] target must be one of {', '.join(TARGETS)}")
    return value
