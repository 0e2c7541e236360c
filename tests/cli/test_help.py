"""Help for every command and option, never cut short; "did you mean" for configuration keys."""

from __future__ import annotations

import click
from click.testing import CliRunner

from ionos_migrate.cli import main


def every_command():
    ctx = click.Context(main)
    stack = [((), main)]
    while stack:
        path, command = stack.pop()
        yield path, command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                stack.append(((*path, name), command.get_command(ctx, name)))


def test_every_command_and_option_has_help_and_no_listing_is_cut_short():
    seen = 0
    for path, command in every_command():
        seen += 1
        assert command.help, path
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, (path, param.opts)
        result = CliRunner().invoke(main, [*path, "--help"], terminal_width=80)
        assert result.exit_code == 0, (path, result.output)
        if isinstance(command, click.Group):
            listing = result.output.split("Commands:", 1)[1]
            assert not [line for line in listing.splitlines() if line.rstrip().endswith("...")], (path, listing)
    assert seen >= 12  # the group, its commands, and the serve subcommands


def test_an_unknown_config_key_names_the_nearest_one(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.ionos-migrate]\nexlude = ["vendor/"]\nno-progres = true\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan"])
    assert result.exit_code == 2
    assert "exlude (did you mean exclude?)" in result.output
    assert "no-progres (did you mean no-progress?)" in result.output
