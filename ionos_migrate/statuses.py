"""The words a finding's status uses, by command, so output says what happened.

The codemods say ``migrated`` for a site they rewrite, whether or not the
rewrite is written. Only ``apply`` writes, so ``scan`` and ``diff`` call
such a site ``migratable``; ``apply`` keeps ``migrated`` (and turns a site
whose file could not be written into ``manual``, see the engine).
``manual``, ``error`` and ``info`` mean the same in every command.
"""

from __future__ import annotations

from dataclasses import replace

from ionos_migrate.engine import RunResult

MIGRATED = "migrated"
MIGRATABLE = "migratable"
MANUAL = "manual"
ERROR = "error"
INFO = "info"
# Most urgent first: the order of the Markdown and HTML findings tables.
ORDER = (ERROR, MANUAL, MIGRATABLE, MIGRATED, INFO)
# Statuses that are legacy sites (or files) still to look at; ``info`` changes no exit code.
FOUND = frozenset({MIGRATABLE, MIGRATED, MANUAL, ERROR})


def rewrite_word(command: str) -> str:
    """What a site the tool rewrites is called in this command's output."""
    return MIGRATED if command == "apply" else MIGRATABLE


def name_for_command(result: RunResult, command: str) -> None:
    """Give ``result``'s findings the words of ``command`` (in place)."""
    word = rewrite_word(command)
    if word == MIGRATED:
        return
    for outcome in result.outcomes:
        outcome.findings = [replace(f, status=word) if f.status == MIGRATED else f for f in outcome.findings]
