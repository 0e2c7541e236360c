"""``ionos-migrate verify``: run CMD on the old and the new tree, compare what reached the API.

Exit 0 equivalent, 1 not, 2 usage error, 3 inconclusive (both runs failed, or
neither sent a request: nothing was proven).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ionos_migrate.cli import EXIT_ERROR, EXIT_FOUND, EXIT_INCONCLUSIVE, EXIT_OK
from ionos_migrate.cli.options import model_map_option


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--before", "before", required=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The unmigrated tree (runs with the legacy shim translating).")
@click.option("--after", "after", required=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The migrated tree (runs without translation).")
@model_map_option
@click.option("--upstream", default=None, metavar="URL",
              help="A live OpenAI-compatible base URL instead of the offline emulator (uses your token).")
@click.option("--report", "report_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the full result as JSON to this file.")
@click.option("--repeat", default=1, show_default=True, type=click.IntRange(1),
              help="Run `before` this many times first; what differs between those runs is noise and ignored.")
@click.option("--timeout", default=None, type=click.FloatRange(min=0, min_open=True),
              help="Seconds each run may take (default: no limit).")
@click.option("--expect-failure", is_flag=True,
              help="The command is expected to exit non-zero in both trees: compare anyway instead of "
                   "calling the result inconclusive (exit 3).")
@click.argument("cmd", nargs=-1, required=True, type=click.UNPROCESSED)
def verify(before: Path, after: Path, model_map_file: Path | None, upstream: str | None, report_file: Path | None,
           repeat: int, timeout: float | None, expect_failure: bool, cmd: tuple[str, ...]) -> None:
    """Run CMD in BEFORE (legacy shim on) and AFTER (no translation); compare.

    Example: ionos-migrate verify --before old/ --after new/ -- python main.py

    Exit 0 equivalent, 1 not equivalent, 2 usage error (or the runtime extra
    missing), 3 inconclusive.
    """
    from ionos_migrate.extras import require

    require("runtime", "verify")
    from ionos_migrate.compat.verify import VerifyError, verify as run_verify
    from ionos_migrate.config import ConfigError, load_model_map, load_project_config

    try:
        model_map = load_model_map(load_project_config([before]), model_map_file)
        result = run_verify(before, after, list(cmd), model_map=model_map, upstream=upstream, repeat=repeat,
                            timeout=timeout, expect_failure=expect_failure, progress=lambda label: click.echo(f"verify: running {label} ...", err=True))
    except (ConfigError, VerifyError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(result.render())
    if report_file is not None:
        try:
            report_file.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        except OSError as exc:
            click.echo(f"Error: cannot write --report {report_file}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_ERROR)
    sys.exit({"equivalent": EXIT_OK, "different": EXIT_FOUND}.get(result.verdict, EXIT_INCONCLUSIVE))
