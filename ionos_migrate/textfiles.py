"""Legacy URLs in files that are not Python: reported for a human, never rewritten.

``.env``, YAML, JSON, TOML, shell, JavaScript/TypeScript and Dockerfiles
hold base URLs and full endpoints; what the code around them does with the
URL is not visible here, so each one is a ``manual`` finding. URLs of the
still-live ``/collections`` endpoints and of the new host are not findings.
"""

from __future__ import annotations

import re

from ionos_migrate.codemods.api import Finding
from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.rules import LEGACY_HOST, OPENAI_BASE_URL
from ionos_migrate.envfiles import setting

RULE = "legacy-url-in-text-file"
_STOP = r"\s\"'`<>()\[\]{},;\\"
LEGACY_URL_RE = re.compile(
    r"(?<![\w.-])(?:https?://)?" + re.escape(LEGACY_HOST) + rf"(?![\w.-])(?P<path>/[^{_STOP}]*)?"
)
# A path built from a variable (`${base}/models/${id}/predictions`) has braces in it.
PREDICTIONS_PATH_RE = re.compile(r"/models/[^\s\"'`<>]+?/predictions\b")


UUID_RE = re.compile(r"(?<![\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])")
MODEL_MAP_LINE = re.compile(r"^\s*[\"']?[0-9a-fA-F-]{36}[\"']?\s*=")  # a model map entry in TOML: not a use


DOC_SUFFIXES = (".md", ".rst", ".txt")


def scan_text(text: str, path: str, model_map: ModelMap | None = None) -> list[Finding]:
    if path.lower().endswith(DOC_SUFFIXES):
        return _documentation(text, path)
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        hits = [m for m in LEGACY_URL_RE.finditer(line) if not (m["path"] or "").startswith("/collections")]
        if not hits:
            hits = list(PREDICTIONS_PATH_RE.finditer(line))
        variable = setting(line)
        for match in hits:
            findings.append(Finding(
                path, number, match.start() + 1, number, match.end() + 1, RULE, "manual",
                _advice(match[0], variable, predictions=_built_predictions(match[0], line[match.end():])),
            ))
        if model_map is not None and not hits and not MODEL_MAP_LINE.match(line):
            findings.extend(_model_ids(line, number, path, model_map))
    return findings


def _documentation(text: str, path: str) -> list[Finding]:
    """A README or other document that names a retired URL: a note (no code runs it), so it gets updated."""
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in LEGACY_URL_RE.finditer(line):
            if (match["path"] or "").startswith("/collections") or not (match["path"] or "").strip("/"):
                continue
            findings.append(Finding(path, number, match.start() + 1, number, match.end() + 1, RULE, "info",
                                    f"documentation names the retired API ({match[0]!r}); update it to "
                                    f"{OPENAI_BASE_URL} once the code is migrated"))
    return findings


def _model_ids(line: str, number: int, path: str, model_map: ModelMap) -> list[Finding]:
    found = []
    for match in UUID_RE.finditer(line):
        legacy_id = match[0].lower()
        entry = model_map.entries.get(legacy_id)
        if entry is not None:
            status, what = "info", (f"legacy model id {match[0]} ({entry.name} in the model map, {entry.source}): the "
                                    f"new API names models; migrated calls translate the id, or write {entry.name!r} here")
        elif legacy_id in model_map.hints:
            status, what = "manual", (f"legacy model id {match[0]} ({model_map.hints[legacy_id]}): the new API names "
                                      "models, and this id has no name in the model map; write the model name here")
        else:
            continue
        found.append(Finding(path, number, match.start() + 1, number, match.end() + 1, RULE, status, what))
    return found


# What follows a URL that ends in /models/ on its line: + id + "/predictions" (JS, shell, ...).
BUILT_PREDICTIONS_RE = re.compile(r"^[^\n]*?/predictions\b")


def _built_predictions(url: str, rest: str) -> bool:
    """``".../models/" + id + "/predictions"``: the URL the string starts is a predictions endpoint."""
    return url.endswith("/models/") and BUILT_PREDICTIONS_RE.match(rest) is not None


def _advice(url: str, variable: str | None = None, *, predictions: bool = False) -> str:
    if variable and "/predictions" not in url and not predictions:
        return (f"{variable} is set to the retired API's base {url!r}: point it at {OPENAI_BASE_URL} (calls migrated "
                "by ionos-migrate that read it translate the retired value meanwhile; other readers must move to "
                "the OpenAI-compatible paths); not a Python file, so change it by hand")
    if "/predictions" in url or predictions:
        shown = f"{url!r} + <model id> + '/predictions'" if predictions and "/predictions" not in url else repr(url)
        what = (f"legacy predictions endpoint {shown}: the new API is POST {OPENAI_BASE_URL}/chat/completions "
                "(images: /images/generations) with the model name in the body")
    elif url.rstrip("/").endswith("/models"):
        what = f"legacy models list {url!r}: the new one is GET {OPENAI_BASE_URL}/models"
    else:
        what = (f"legacy host {url!r}: still right for /collections, but predictions and the models "
                f"list moved to {OPENAI_BASE_URL}")
    return f"{what}; not a Python file, so change it by hand"
