"""The ``ionos-migrate`` command line. The contract is in DESIGN.md.

Subcommands load lazily, so ``scan`` does not pay for importing the server
stack and ``shim serve`` does not pay for libcst.
"""

from __future__ import annotations

import importlib
import os

import click

from ionos_migrate import __version__
from ionos_migrate.cli.options import WholeHelpGroup

# name -> "module:attribute"
COMMANDS = {
    "scan": "ionos_migrate.cli.migrate:scan",
    "diff": "ionos_migrate.cli.migrate:diff",
    "apply": "ionos_migrate.cli.migrate:apply",
    "models": "ionos_migrate.cli.models:models",
    "rules": "ionos_migrate.cli.rules:rules",
    "shim": "ionos_migrate.cli.shim:shim",
    "emulator": "ionos_migrate.cli.emulator:emulator",
    "verify": "ionos_migrate.cli.verify:verify",
    "fleet-report": "ionos_migrate.cli.fleet_report:fleet_report",
}

# Exit codes of the contract.
EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
EXIT_INCONCLUSIVE = 3  # verify: nothing differs, but nothing was proven either


class LazyGroup(WholeHelpGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ionos-migrate")
def main() -> None:
    """Migrate code off the retired IONOS AI Model Hub native API."""
    if os.environ.get("IONOS_MIGRATE_SHIM"):  # cheap unless set: then say so if nothing will act on it
        from ionos_migrate.compat.hook import missing_hook_warning

        warning = missing_hook_warning(os.environ)
        if warning:
            click.echo(warning, err=True)
