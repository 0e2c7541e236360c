"""Legacy URLs in files that are not Python: reported for a human, never rewritten.

``.env``, YAML, JSON, TOML, shell, JavaScript/TypeScript and Dockerfiles
hold base URLs and full endpoints; what the code around them does with the
URL is not visible here, so each one is a ``manual`` finding. URLs of the
still-live ``/collections`` endpoints and of the new host are not findings.
"""

from __future__ import annotations

import re

from ionos_migrate.codemods.api import Finding
from ionos_migrate.compat.rules import LEGACY_HOST, OPENAI_BASE_URL

RULE = "legacy-url-in-text-file"
_STOP = r"\s\"'`<>()\[\]{},;\\"
LEGACY_URL_RE = re.compile(
    r"(?<![\w.-])(?:https?://)?" + re.escape(LEGACY_HOST) + rf"(?![\w.-])(?P<path>/[^{_STOP}]*)?"
)
# A path built from a variable (`${base}/models/${id}/predictions`) has braces in it.
PREDICTIONS_PATH_RE = re.compile(r"/models/[^\s\"'`<>]+?/predictions\b")


def scan_text(text: str, path: str) -> list[Finding]:
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        hits = [m for m in LEGACY_URL_RE.finditer(line) if not (m["path"] or "").startswith("/collections")]
        if not hits:
            hits = list(PREDICTIONS_PATH_RE.finditer(line))
        for match in hits:
            findings.append(Finding(
                path, number, match.start() + 1, number, match.end() + 1, RULE, "manual",
                _advice(match[0], predictions=_built_predictions(match[0], line[match.end():])),
            ))
    return findings


# What follows a URL that ends in /models/ on its line: + id + "/predictions" (JS, shell, ...).
BUILT_PREDICTIONS_RE = re.compile(r"^[^\n]*?/predictions\b")


def _built_predictions(url: str, rest: str) -> bool:
    """``".../models/" + id + "/predictions"``: the URL the string starts is a predictions endpoint."""
    return url.endswith("/models/") and BUILT_PREDICTIONS_RE.match(rest) is not None


def _advice(url: str, *, predictions: bool = False) -> str:
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
