"""libcst codemods: find legacy IONOS AI Model Hub call sites and rewrite them.

The engine calls :func:`collect_constants` on every prefiltered file first
(the project-wide pass), builds a :class:`ProjectIndex`, then calls
:func:`transform` per file. Rules live in ``codemods/rules``, one module each.
"""

from .api import Finding, MigrationContext, ProjectIndex, Target, Transformed
from .core import collect_constants, module_name, transform

__all__ = ["Finding", "MigrationContext", "ProjectIndex", "Target", "Transformed", "collect_constants", "module_name", "transform"]
