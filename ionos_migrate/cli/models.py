"""``ionos-migrate models``: the model map in force, and where each entry came from."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ionos_migrate.cli.options import color_option, model_map_option
from ionos_migrate.config import ConfigError, load_model_map, load_project_config

WIDE = 10_000  # columns when piped: nothing wraps


@click.command()
@model_map_option
@click.option("--project", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="Project folder whose pyproject.toml is read.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@color_option
def models(model_map_file: Path | None, project: Path, as_json: bool, color: str | None) -> None:
    """Print the model map in force: legacy model ids, model names, where each entry came from.

    Later sources win: the bundled table, then [tool.ionos-migrate.models] in
    pyproject.toml, then --model-map. Piped, nothing is wrapped: every id is
    whole on its line.
    """
    try:
        model_map = load_model_map(load_project_config([project]), model_map_file)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    entries = sorted(model_map.entries.values(), key=lambda e: e.legacy_id)
    if as_json:
        rows = [
            {"legacy_id": e.legacy_id, "name": e.name, "kind": e.kind, "source": e.source, "confidence": e.confidence}
            for e in entries
        ]
        click.echo(json.dumps({"models": rows, "unmapped_known_ids": model_map.hints}, indent=2))
        return
    from rich.table import Table

    from ionos_migrate.color import console as make_console
    from ionos_migrate.color import is_terminal

    table = Table(title="Model map in force (later sources win: bundled < pyproject.toml < --model-map)")
    for column in ("legacy id", "model name", "kind", "source", "confidence"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(e.legacy_id, e.name, e.kind, e.source, e.confidence)
    # Piped, the table takes the width it needs: a UUID folded over two lines cannot be grepped or copied.
    console = make_console(color, width=None if is_terminal(sys.stdout) else WIDE)
    console.print(table)
    unmapped = [hint for legacy_id, hint in model_map.hints.items() if legacy_id not in model_map.entries]
    if unmapped:
        console.print("\nKnown ids left unmapped on purpose (give your own map):")
        for legacy_id, hint in model_map.hints.items():
            if legacy_id not in model_map.entries:
                console.print(f"  {legacy_id}  {hint}")
