"""The small interface between the engine and the codemods.

The engine reads files, hands source text to :func:`transform` and gets
source text and findings back; it writes. Codemods never touch the file
system. A new legacy pattern is a new module in ``codemods/rules`` plus new
cases in ``tests/cases``; nothing here changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

from ionos_migrate.compat.model_map import ModelMap

Status = Literal["migrated", "manual", "error", "info"]
Target = Literal["http", "openai"]


@dataclass(frozen=True)
class Finding:
    """One legacy site. Lines and columns are 1-based, as editors show them."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    status: Status
    message: str
    cell: int | None = None  # notebook cell index, when the file is a notebook


@dataclass(frozen=True)
class ProjectIndex:
    """What the project-wide pass collected: module-level string constants.

    ``constants["settings"]["PREDICT_URL"] == "https://..."``. Keys are dotted
    module names relative to the scanned root.
    """

    constants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class MigrationContext:
    model_map: ModelMap
    target: Target = "http"
    project: ProjectIndex = field(default_factory=ProjectIndex)


@dataclass(frozen=True)
class Transformed:
    code: str
    findings: list[Finding]

    @property
    def changed(self) -> bool:
        return any(f.status == "migrated" for f in self.findings)
