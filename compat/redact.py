"""Bearer tokens never reach a record we write: one pattern, used wherever text is published."""

from __future__ import annotations

import re

_BEARER_RE = re.compile(r"(?i)(bearer\s+)[^\s'\",]+")


def redact(text: str) -> str:
    """``Authorization: Bearer abc`` -> ``Authorization: Bearer ***``."""
    return _BEARER_RE.sub(r"\1***", text)
