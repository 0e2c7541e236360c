"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path

import click

class WholeHelpGroup(click.Group):
    """Lists each subcommand with its first sentence whole (click cuts it at ~45 characters with "...")."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


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
