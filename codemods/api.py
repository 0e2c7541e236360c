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
    related: tuple[int, ...] = ()  # other lines that belong to the site (its URL, body, answer reads)


@dataclass(frozen=True)
class SplitSite:
    """One legacy call whose pieces sit in several modules: a class hierarchy (path in a base
    class, body and answer in a subclass) and the places that build it with a legacy URL.
    Every piece is reported with the same ``message``; none is rewritten alone."""

    classes: tuple[tuple[str, str], ...]  # (module, class name) of every class in the hierarchy
    calls: tuple[tuple[str, int], ...]  # (module, line) of each call that builds one with a legacy value
    message: str
    marker: str = ""  # the short text of the ``# ionos-migrate:`` comment in each piece


@dataclass(frozen=True)
class DeployValue:
    """A deployment file that sets an environment variable to a legacy value (``.env``, compose, Dockerfile)."""

    variable: str
    path: str
    line: int
    value: str


@dataclass(frozen=True)
class ProjectIndex:
    """What the project phase collected (``codemods.project.build_project``).

    ``constants["settings"]["PREDICT_URL"] == "https://..."``: module-level
    string constants, under every dotted name the module may be imported by.
    ``context``: the modules tied to IONOS, where weak signals count.
    ``env_constants[module][NAME]``: (the environment variable a constant reads, its default).
    ``splits``: legacy calls split over modules. ``deploy``: legacy values
    the deployment files give environment variables.
    """

    constants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    context: frozenset = frozenset()
    env_constants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    splits: tuple = ()  # tuple[SplitSite, ...]
    deploy: Mapping[str, tuple] = field(default_factory=dict)  # variable -> tuple[DeployValue, ...]
    legacy_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # module -> {NAME or Class.member: kind}
    importers: Mapping[str, Mapping[str, tuple]] = field(default_factory=dict)  # module -> {NAME: importing modules}
    legacy_modules: frozenset = frozenset()  # modules holding a retired URL, a body or a /predictions path

    def in_context(self, module: str) -> bool:
        return module in self.context

    def split_of_class(self, module: str, name: str) -> "SplitSite | None":
        return next((s for s in self.splits if (module, name) in s.classes), None)

    def split_of_call(self, module: str, line: int) -> "SplitSite | None":
        return next((s for s in self.splits if (module, line) in s.calls), None)

    def imported_by(self, module: str, name: str) -> tuple:
        """The project modules that import ``name`` from ``module``."""
        return self.importers.get(module, {}).get(name, ())

    def env_variable(self, module: str, name: str) -> str | None:
        found = self.env_constants.get(module, {}).get(name)
        return found[0] if found else None


@dataclass(frozen=True)
class MigrationContext:
    model_map: ModelMap
    target: Target = "http"
    project: ProjectIndex = field(default_factory=ProjectIndex)
    line_length: int = 88  # the project's [tool.ruff]/[tool.black] line-length: rewritten lines stay within it
    # --target openai: ``max_retries`` of the generated clients. 0 is faithful (the legacy code sent one
    # request, and the SDK's own default of 2 makes one failing call three); a team may opt into retries.
    sdk_retries: int = 0


@dataclass(frozen=True)
class Transformed:
    code: str
    findings: list[Finding]

    @property
    def changed(self) -> bool:
        return any(f.status == "migrated" for f in self.findings)
