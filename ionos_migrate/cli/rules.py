"""``ionos-migrate rules``: every rule id, with what it finds and does."""

from __future__ import annotations

import json

import click

from ionos_migrate.ruleset import all_rules

GROUPS = (
    ("codemod", "Rules of the codemods (for --select / --ignore):"),
    ("engine", "Rules of the engine (for --select / --ignore):"),
    ("always reported", "Always reported (a file that cannot be read, parsed or written may hold any rule's sites):"),
    ("runs with the rules that rewrite", "Run with the rules that rewrite (no findings of their own):"),
)


@click.command(short_help="List every rule id with its description.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: id, description, kind, selectable, help URI.")
def rules(as_json: bool) -> None:
    """List every rule id a finding can carry, with what the rule finds and does.

    Use the ids with --select and --ignore of scan, diff and apply, or with
    the select and ignore keys of [tool.ionos-migrate].
    """
    found = all_rules()
    if as_json:
        rows = [{"id": r.id, "description": r.description, "kind": r.kind, "selectable": r.selectable,
                 "help_uri": r.help_uri} for r in found]
        click.echo(json.dumps({"rules": rows}, indent=2))
        return
    width = max(len(r.id) for r in found)
    first = True
    for kind, title in GROUPS:
        group = [r for r in found if r.kind == kind]
        if not group:
            continue
        if not first:
            click.echo()
        first = False
        click.echo(title)
        for rule in group:
            click.echo(f"  {rule.id:<{width}}  {rule.description}")
