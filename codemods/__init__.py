"""libcst codemods: find legacy IONOS AI Model Hub call sites and rewrite them.

The engine calls :func:`collect_constants` on every prefiltered file first
(the project-wide pass), builds a :class:`ProjectIndex`, then calls
:func:`transform` per file. Rules live in ``codemods/rules``, one module each.
``transform`` loads libcst on first use, so the engine's parent process,
which only collects constants, never pays for it.
"""

from __future__ import annotations

from typing import Any

from .api import Finding, MigrationContext, ProjectIndex, Target, Transformed
from .constants import collect_constants, module_name

__all__ = ["Finding", "MigrationContext", "ProjectIndex", "Target", "Transformed", "collect_constants", "module_name", "transform"]


def __getattr__(name: str) -> Any:
    if name == "transform":
        from .core import transform

        return transform
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
