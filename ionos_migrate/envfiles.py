"""Environment variables that deployment files set to a legacy value.

``.env`` files (``IONOS_API_URL=https://inference...``), compose files
(``IONOS_ENDPOINT: https://...``, ``- IONOS_ENDPOINT=...``) and Dockerfiles
(``ENV IONOS_ENDPOINT=...``, ``ENV IONOS_ENDPOINT https://...``). The
project phase hands them to the codemods, so a migrated call whose base
URL comes from the environment can name the variable and every file that
still sets it to the retired API.
"""

from __future__ import annotations

import re
from typing import Iterator

from ionos_migrate.codemods.api import DeployValue
from ionos_migrate.codemods.shapes import legacy_url_kind

_SETTING = re.compile(
    r"""^\s*(?:-\s*)?(?:export\s+|ENV\s+|ARG\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""\s*(?:=|:\s|\s+(?=["']?https?://))\s*["']?(?P<value>[^"'\s#]+)"""
)


def setting(line: str) -> str | None:
    """The variable a line sets, if it is a ``NAME=value`` (or compose/Dockerfile) setting."""
    match = _SETTING.match(line)
    return match["name"] if match else None


def deploy_values(text: str, path: str) -> Iterator[DeployValue]:
    """Every ``NAME=value`` (or compose/Dockerfile form) whose value is a URL of the retired API."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SETTING.match(line)
        if match and legacy_url_kind(match["value"]):
            yield DeployValue(match["name"], path, number, match["value"])
