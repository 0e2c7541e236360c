"""Module constants that still hold a retired URL once their call sites are migrated.

The codemods rewrite call sites and leave module-level constants alone
(``PREDICT_URL = f"{BASE}/models/{ID}/predictions"`` in a settings module):
other modules, or code outside the tree, may still import them. After
``apply`` such a constant is dead weight that points at a retired endpoint,
so the engine reports it as an ``info`` finding. ``info`` never changes an
exit code: ``scan`` on a fully migrated tree still exits 0.

A constant counts when its value (as :func:`ionos_migrate.codemods.collect_constants`
resolves it: literals, f-strings, ``+``, ``%`` and ``.format`` of other
constants, also imported ones) is on the legacy host and is a predictions
path or the model list. The host alone (``INFERENCE_BASE``) does not count:
the collections endpoints there are still live.
"""

from __future__ import annotations

import ast
import re
from urllib.parse import urlsplit

from ionos_migrate.codemods import Finding, ProjectIndex, collect_constants
from ionos_migrate.compat.rules import LEGACY_HOST, LEGACY_MODELS_PATH, OPENAI_BASE_URL, PREDICTIONS_PATH_RE

RULE_LEGACY_CONSTANT = "legacy-url-constant"


def is_retired_url(value: str) -> bool:
    """A legacy predictions URL or the legacy model list, on the legacy host."""
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:  # not a URL (an unbalanced "[" reads as a broken IPv6 host)
        return False
    if host != LEGACY_HOST:
        return False
    return bool(PREDICTIONS_PATH_RE.match(parts.path)) or parts.path.rstrip("/") == LEGACY_MODELS_PATH


def retired_url_constants(source: str, *, project: ProjectIndex | None = None, module: str = "") -> dict[str, str]:
    """Module-level constants of ``source`` whose value is a retired URL: name -> URL."""
    constants = collect_constants(source, project=project, module=module)
    return {name: value for name, value in constants.items() if is_retired_url(value)}


def leftover_constant_findings(path: str, original: str, rewritten: str | None, *,
                               project: ProjectIndex | None = None, module: str = "") -> list[Finding]:
    """``info`` findings for the retired-URL constants the rewrite leaves in place.

    ``rewritten`` is the module after the codemods (None: unchanged). Positions
    are those of ``original``, like every other finding of ``scan`` and ``diff``.
    """
    if "/models" not in original and "/predictions" not in original:
        return []  # cheap: no constant here can spell a retired path (a re-export is reported where it is defined)
    found = retired_url_constants(original, project=project, module=module)
    if found and rewritten is not None:
        after = retired_url_constants(rewritten, project=project, module=module)
        found = {name: value for name, value in found.items() if after.get(name) == value}
    if not found:
        return []
    return [
        Finding(path, line, column, end_line, end_column, RULE_LEGACY_CONSTANT, "info", _message(name, found[name]))
        for name, (line, column, end_line, end_column) in _assignments(original, set(found)).items()
    ]


def _message(name: str, url: str) -> str:
    return (
        f"{name} still holds the retired URL {url}. ionos-migrate leaves module constants in place (other "
        f"modules may import them); the call sites it migrates no longer use it. Remove it, or point it at the "
        f"new API ({OPENAI_BASE_URL}), once nothing else uses it"
    )


def _assignments(source: str, names: set[str]) -> dict[str, tuple[int, int, int, int]]:
    """Where each name was last assigned at module level (the value collect_constants keeps);
    1-based lines and columns in characters, as editors and SARIF count."""
    lines = re.split(r"\r\n?|\n", source)  # the line breaks ast counts (splitlines knows more)
    where: dict[str, tuple[int, int, int, int]] = {}
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in names:
                end_line = statement.end_lineno or statement.lineno
                where[target.id] = (
                    statement.lineno, _column(lines, statement.lineno, statement.col_offset),
                    end_line, _column(lines, end_line, statement.end_col_offset or 0),
                )
    return where


def _column(lines: list[str], line: int, byte_offset: int) -> int:
    """ast counts columns in UTF-8 bytes; editors count characters."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1
