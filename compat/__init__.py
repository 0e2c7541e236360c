"""The runtime side of ionos-migrate: translation, shim, proxy, emulator, verifier.

Never imports libcst. Heavy parts load on first use, so ``import
ionos_migrate.compat`` stays cheap for a ``.pth`` hook.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "install": "ionos_migrate.compat.shim",
    "uninstall": "ionos_migrate.compat.shim",
    "shim": "ionos_migrate.compat.shim",
    "Experiment": "ionos_migrate.compat.experiment",
    "ModelMap": "ionos_migrate.compat.model_map",
    "to_openai": "ionos_migrate.compat.translate",
    "to_legacy": "ionos_migrate.compat.translate",
    "TranslationError": "ionos_migrate.compat.translate",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
