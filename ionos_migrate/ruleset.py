"""Every rule id a finding can carry, with what it means.

``ionos-migrate rules``, ``--select``/``--ignore`` and the SARIF report read
this. A codemod rule describes itself (``Rule.description`` beside its code
in ``codemods/rules``); the ids the engine gives its own findings are
described in the tables below. A new rule module needs nothing here; a new
engine id gets a line in :data:`ENGINE_RULES` or :data:`ALWAYS_REPORTED`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where the rules are documented: docs/rules.md, one heading (and so one anchor) per rule id.
DOCS_URL = "https://github.com/ionos-migrate/ionos-migrate/blob/main/docs/rules.md"
PROJECT_URL = "https://github.com/ionos-migrate/ionos-migrate"

# Findings of the engine's own that --select/--ignore may leave out.
ENGINE_RULES = {
    "legacy-url-in-text-file": "a legacy URL in a file that is not Python (.env, YAML, JSON, TOML, INI, shell, "
                               "JS/TS, Dockerfile): left for a human, never rewritten",
    "notebook-layout": "a notebook whose JSON layout json.dumps does not give back, rewritten with a standard "
                       "indent: a note (info)",
}
# A file that could not be read, parsed or written, or a failure of the tool: always
# reported, since such a file may hold a site of any rule.
ALWAYS_REPORTED = {
    "parse-error": "a Python file or notebook cell that cannot be parsed; the file is left unchanged",
    "read-error": "a file that cannot be read or decoded; it is left unchanged",
    "write-error": "apply could not write a file (read-only, or changed on disk meanwhile); its sites stay manual",
    "internal-error": "ionos-migrate failed on a file (a bug); the file is left unchanged and the exit code is 2",
    "ionos-codemods": "the analysis could not follow a file (it nests too deeply); check its legacy calls by hand",
}
# Codemod rules with no findings of their own: they tidy up after the rules that
# rewrite and run whenever those do, so there is nothing to select or ignore.
FOLLOWERS = frozenset({"ionos-unused-imports"})


@dataclass(frozen=True)
class RuleInfo:
    id: str
    description: str
    origin: str  # "codemod" or "engine"
    selectable: bool = True  # False: always reported, or no findings of its own

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.id}"

    @property
    def kind(self) -> str:
        if self.id in ALWAYS_REPORTED:
            return "always reported"
        if self.id in FOLLOWERS:
            return "runs with the rules that rewrite"
        return self.origin


def all_rules() -> list[RuleInfo]:
    """Codemod rules in the order they run, then the engine's ids."""
    from ionos_migrate.codemods.rules import RULES

    found: dict[str, RuleInfo] = {}
    for rule in RULES:
        found[rule.id] = RuleInfo(rule.id, rule.description, "codemod", selectable=rule.id not in FOLLOWERS)
        for extra_id, description in rule.also:
            found[extra_id] = RuleInfo(extra_id, description, "codemod")
    for rule_id, description in ENGINE_RULES.items():
        found.setdefault(rule_id, RuleInfo(rule_id, description, "engine"))
    for rule_id, description in ALWAYS_REPORTED.items():
        found.setdefault(rule_id, RuleInfo(rule_id, description, "engine", selectable=False))
    return list(found.values())


def by_id() -> dict[str, RuleInfo]:
    return {rule.id: rule for rule in all_rules()}
