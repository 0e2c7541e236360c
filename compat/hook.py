"""The start-up hook ``ionos_migrate_shim.pth``: where it is, and putting it where Python runs it.

Python runs ``.pth`` files only from site-packages itself. A built wheel puts
the hook there (setup.py); an editable install (``pip install -e .``) does
not, so ``make`` runs ``python -m ionos_migrate.compat.hook`` after its
editable install. Importing this module does nothing.
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Mapping

from .runtime_defaults import SHIM_ENV, SHIM_OFF_VALUES

HOOK_NAME = "ionos_migrate_shim.pth"
SOURCE = Path(__file__).with_name(HOOK_NAME)  # in a source tree (editable installs); a wheel has it top-level only


def site_dirs() -> list[Path]:
    """Every folder whose ``.pth`` files this interpreter runs at start."""
    dirs = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    dirs.append(sysconfig.get_paths()["purelib"])
    return list(dict.fromkeys(Path(d) for d in dirs))


def installed_hooks() -> list[Path]:
    return [d / HOOK_NAME for d in site_dirs() if (d / HOOK_NAME).is_file()]


def missing_hook_warning(environ: Mapping[str, str]) -> str | None:
    """What to tell a user who set ``IONOS_MIGRATE_SHIM=1`` where no hook will act on it (None: all is well)."""
    if environ.get(SHIM_ENV, "").strip().lower() in SHIM_OFF_VALUES or installed_hooks():
        return None
    return (f"ionos-migrate: warning: {SHIM_ENV}={environ[SHIM_ENV]} is set, but this Python environment has no "
            f"{HOOK_NAME} start-up hook (an editable install made without `make`?), so Python processes started "
            f"here are NOT shimmed. Install from a wheel (pip install .), or run: "
            f"{Path(sys.executable).name} -m ionos_migrate.compat.hook")


def install_hook(target: Path | None = None) -> Path:
    """Write the hook into ``target`` (default: this interpreter's site-packages), atomically."""
    folder = Path(target or sysconfig.get_paths()["purelib"])
    text = SOURCE.read_text("utf-8")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".ionos_migrate_shim-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, folder / HOOK_NAME)
    return folder / HOOK_NAME


if __name__ == "__main__":
    if not SOURCE.is_file():
        found = installed_hooks()
        sys.exit(0 if found else f"{HOOK_NAME} is not in this installation; reinstall ionos-migrate from a wheel")
    print(f"ionos-migrate: start-up hook installed: {install_hook()}")
