"""The rule registry: every module in this package that defines ``RULE``.

A new legacy pattern is a new module here (with ``RULE = Rule(id, run,
description=...)``; ``ionos-migrate rules`` lists it) plus cases in
``tests/cases``; nothing else changes. Rules run in module
name order; each sees the module's HTTP calls and plans edits per site.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..core import RuleContext


@dataclass(frozen=True)
class Rule:
    id: str
    run: Callable[["RuleContext"], None]
    order: int = 50  # lower runs first
    description: str = ""  # one line for `ionos-migrate rules`, SARIF and the docs: what it finds and does
    also: tuple = ()  # ((id, description), ...): further rule ids its findings carry


def _discover() -> list[Rule]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    return sorted(found, key=lambda r: (r.order, r.id))


RULES: list[Rule] = _discover()
