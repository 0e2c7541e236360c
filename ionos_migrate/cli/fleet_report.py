"""``ionos-migrate fleet-report SHARE.json... -o FILE``: merge the shares of a fleet run.

Exit 0: merged, every share of the split present; 1: merged, but shares are
missing (the report says which); 2: a share cannot be read or merged.
Needs nothing beyond the core install.
"""

from __future__ import annotations

from pathlib import Path

import click

from ionos_migrate.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK


class _MergeError(click.ClickException):
    exit_code = EXIT_ERROR


@click.command("fleet-report")
@click.argument("shares", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The merged report: .json, .md or .html.")
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default=None,
              help="Report format, when the suffix of --output does not say.")
def fleet_report(shares: tuple[Path, ...], output: Path, fmt: str | None) -> None:
    """Merge the JSON reports of `python -m ionos_migrate.fleet --shard I/N --report ...` into one."""
    from ionos_migrate.fleet.report import FleetReportError, format_for, load, merge, write

    try:
        fmt = format_for(output, fmt)
        if not output.resolve().parent.is_dir():
            raise FleetReportError(f"{output}: folder {output.parent} does not exist")
        merged = merge((path, load(path)) for path in shares)
        write(merged, output, fmt)
    except FleetReportError as exc:
        raise _MergeError(str(exc)) from None
    totals = merged.totals()
    click.echo(f"fleet-report: {len(shares)} share(s), {totals['repositories']} repositories, "
               f"{totals['needing_attention']} need a human -> {output}", err=True)
    if merged.missing_shards:
        click.echo(f"fleet-report: incomplete, no report for share {', '.join(merged.missing_shards)}", err=True)
    click.get_current_context().exit(EXIT_FOUND if merged.missing_shards else EXIT_OK)
