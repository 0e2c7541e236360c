"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path

import click

model_map_option = click.option(
    "--model-map",
    "model_map_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help='TOML file with a [models] table: "legacy-id" = "model name".',
)
