"""Optional parts of the install, and the message when one is missing.

The core install (``pip install ionos-migrate``) runs ``scan``, ``diff``,
``apply``, ``models`` and ``rules``. The runtime layer is the ``[runtime]``
extra: ``verify``, ``emulator serve`` and the in-process shim. ``shim serve``
needs ``[proxy]`` (the runtime plus the server stack).
"""

from __future__ import annotations

import importlib.util

import click

# extra -> the modules it brings that a command imports
EXTRAS = {
    "runtime": ("httpx", "starlette", "uvicorn"),
    "proxy": ("httpx", "starlette", "uvicorn", "aiohttp", "prometheus_client"),
}
EXIT_ERROR = 2  # the contract's usage error


def missing(extra: str) -> list[str]:
    return [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]


def require(extra: str, command: str) -> None:
    """Exit 2, naming the extra to install, when ``command`` cannot run here."""
    absent = missing(extra)
    if absent:
        click.echo(f"{command} needs the {extra} extra, which is not installed here (missing: {', '.join(absent)}).\n"
                   f"Install it with: pip install 'ionos-migrate[{extra}]'", err=True)
        raise SystemExit(EXIT_ERROR)
