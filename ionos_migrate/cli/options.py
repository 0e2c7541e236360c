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

color_option = click.option(
    "--color",
    type=click.Choice(("auto", "always", "never")),
    default=None,
    help="Colour: auto (the default: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always, never.",
)
