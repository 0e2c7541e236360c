"""Install the in-process shim at interpreter start, from environment variables.

Imported by the ``.pth`` hook shipped in the wheel (``ionos_migrate_shim.pth``)
and by ``verify``'s ``sitecustomize.py``. Does nothing, and imports nothing
else, unless ``IONOS_MIGRATE_SHIM=1``. Then it calls :func:`install` with:

- ``IONOS_MIGRATE_UPSTREAM``: OpenAI-compatible base URL ending in /v1
- ``IONOS_MIGRATE_LEGACY_UPSTREAM``: where collection requests go
- ``IONOS_MIGRATE_MODEL_MAP``: a TOML file with a ``[models]`` table
- ``IONOS_MIGRATE_TRANSLATE``: ``1`` (default) or ``0`` (route only)
- ``IONOS_MIGRATE_TOKEN``: bearer token for callers that send none
- ``IONOS_MIGRATE_TIMEOUT``: deadline in seconds for each upstream call
- ``IONOS_MIGRATE_MAX_ANSWER``: largest upstream answer passed on, in bytes

A bad value is reported on stderr and the shim is not installed: a
half-configured shim would send traffic somewhere unintended.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .runtime_defaults import SHIM_ENV as ENABLE
from .runtime_defaults import SHIM_OFF_VALUES as FALSE_VALUES

if TYPE_CHECKING:
    from typing import Mapping


class AutoshimError(ValueError):
    pass


def options_from_env(environ: "Mapping[str, str]") -> dict:
    """The keyword arguments of ``install()`` that the environment asks for."""
    from pathlib import Path

    from .model_map import ModelMap, ModelMapError
    from .shim import http_base_url

    options: dict = {}
    for option, name in (("upstream", "IONOS_MIGRATE_UPSTREAM"), ("legacy_upstream", "IONOS_MIGRATE_LEGACY_UPSTREAM")):
        if environ.get(name):
            try:
                options[option] = http_base_url(name, environ[name])
            except ValueError as exc:
                raise AutoshimError(str(exc)) from None
    if environ.get("IONOS_MIGRATE_MODEL_MAP"):
        try:
            options["model_map"] = ModelMap.load(files=(Path(environ["IONOS_MIGRATE_MODEL_MAP"]),))
        except ModelMapError as exc:
            raise AutoshimError(f"IONOS_MIGRATE_MODEL_MAP: {exc}") from None
    options["translate"] = environ.get("IONOS_MIGRATE_TRANSLATE", "1").strip().lower() not in FALSE_VALUES
    if environ.get("IONOS_MIGRATE_TOKEN"):
        options["token"] = environ["IONOS_MIGRATE_TOKEN"]
    if environ.get("IONOS_MIGRATE_TIMEOUT"):
        try:
            options["timeout"] = float(environ["IONOS_MIGRATE_TIMEOUT"])
        except ValueError:
            raise AutoshimError(f"IONOS_MIGRATE_TIMEOUT: {environ['IONOS_MIGRATE_TIMEOUT']!r} is not a number of seconds") from None
        if not options["timeout"] > 0:
            raise AutoshimError("IONOS_MIGRATE_TIMEOUT: must be more than 0 seconds")
    if environ.get("IONOS_MIGRATE_MAX_ANSWER"):
        value = environ["IONOS_MIGRATE_MAX_ANSWER"].strip()
        if not value.isdigit() or int(value) < 1:
            raise AutoshimError(f"IONOS_MIGRATE_MAX_ANSWER: {value!r} is not a number of bytes")
        options["max_answer_bytes"] = int(value)
    return options


def install_from_env() -> bool:
    """Install when enabled; True if it did."""
    if os.environ.get(ENABLE, "").strip().lower() in FALSE_VALUES:
        return False
    try:
        options = options_from_env(os.environ)
    except AutoshimError as exc:
        import sys

        print(f"ionos-migrate shim NOT installed: {exc}", file=sys.stderr)
        return False
    from .shim import install

    try:
        install(**options)
    except ImportError as exc:  # a core install without the runtime extra
        import sys

        print(f"ionos-migrate shim NOT installed: {exc}", file=sys.stderr)
        return False
    return True


install_from_env()
