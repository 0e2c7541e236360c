"""``--select`` / ``--ignore``: which rules' findings a run reports, and what it may write.

The codemods run with every rule (they depend on one another: a rule skips a
call another rule claimed, ``ionos-unused-imports`` tidies after the rules
that rewrite), and the selection is applied to what they found. A file is
rewritten whole or not at all, so a file whose rewrite also holds an edit of
a rule left out (a rewrite, or the ``# ionos-migrate:`` comment of a manual
site) is not rewritten: its selected sites are reported ``manual``, saying
why. ``scan``, ``diff`` and ``apply`` apply the same selection, so ``diff``
shows what ``apply`` writes. Files that could not be read or parsed, and
failures of the tool, are always reported: such a file may hold a site of
any rule.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Iterable

from ionos_migrate.engine import FileOutcome, RunResult
from ionos_migrate.ruleset import ALWAYS_REPORTED, FOLLOWERS, RuleInfo

# Statuses of findings whose site puts an edit into the file's rewrite.
EDITING = ("migrated", "manual")


class SelectionError(ValueError):
    pass


@dataclass(frozen=True)
class Selection:
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return self.select is not None or bool(self.ignore)

    def wants(self, rule: str) -> bool:
        if rule in ALWAYS_REPORTED:
            return True
        if self.select is not None and rule not in self.select:
            return False
        return rule not in self.ignore


def split_ids(values: Iterable[str]) -> list[str]:
    """``("a,b", "c")`` -> ``["a", "b", "c"]``: repeated flags, commas, or both."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_selection(select: Iterable[str] | None, ignore: Iterable[str], rules: dict[str, RuleInfo]) -> Selection:
    """Check every id against the known rules; ``select=None`` selects all."""
    chosen = _checked("--select", split_ids(select), rules, ignoring=False) if select is not None else None
    return Selection(select=chosen, ignore=_checked("--ignore", split_ids(ignore), rules, ignoring=True))


def _checked(option: str, ids: list[str], rules: dict[str, RuleInfo], *, ignoring: bool) -> frozenset[str]:
    for rule_id in ids:
        if rule_id not in rules:
            close = difflib.get_close_matches(rule_id, list(rules), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise SelectionError(f"{option} {rule_id}: no such rule{hint}; `ionos-migrate rules` lists them")
        if rule_id in FOLLOWERS:
            raise SelectionError(f"{option} {rule_id}: this rule has no findings of its own; it tidies up after the "
                                 "rules that rewrite and runs whenever they do")
        if ignoring and rule_id in ALWAYS_REPORTED:
            raise SelectionError(f"{option} {rule_id}: always reported, since a file that cannot be read, parsed or "
                                 "written may hold a site of any rule; use --exclude to skip a file")
    return frozenset(ids)


def apply_selection(result: RunResult, selection: Selection) -> None:
    """Drop the findings of rules left out, and the rewrite of files that needs them (in place)."""
    if not selection.active:
        return
    for outcome in result.outcomes:
        left_out = [f for f in outcome.findings if not selection.wants(f.rule)]
        outcome.findings = [f for f in outcome.findings if selection.wants(f.rule)]
        editing = sorted({f.rule for f in left_out if f.status in EDITING})
        if outcome.changed and editing:
            _hold_back(outcome, editing)


def _hold_back(outcome: FileOutcome, rules: list[str]) -> None:
    """The file's rewrite carries edits of rules left out: write none of it, and say so."""
    named = ", ".join(rules)
    why = (f"not rewritten: this file also has sites of {named}, left out by --select/--ignore, and a file is "
           "rewritten whole or not at all; run without leaving out " + ("that rule" if len(rules) == 1 else
                                                                       "those rules") + " to migrate it")
    outcome.findings = [
        replace(f, status="manual", message=f"{why}. {f.message}") if f.status == "migrated" else f
        for f in outcome.findings
        if f.rule != "notebook-layout"  # a note about the rewrite, which is not made
    ]
    outcome.original = outcome.new = None
    outcome.changes = []
