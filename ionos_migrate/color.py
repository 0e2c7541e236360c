"""When output is coloured: ``--color``, then ``NO_COLOR``, then ``FORCE_COLOR``, then the terminal.

``--color always|never`` wins. Otherwise ``NO_COLOR`` (https://no-color.org)
set to anything but the empty string turns colour off, ``FORCE_COLOR`` set
likewise turns it on where the stream is not a terminal (CI logs), and
without either, colour is on for a terminal only. Off means no escape codes
at all, bold and tables' styles included.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

MODES = ("auto", "always", "never")


def wants_color(mode: str | None, stream: IO[str] | None) -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal(stream)


def is_terminal(stream: IO[str] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # a closed or odd stream
        return False


def console(mode: str | None, *, stderr: bool = False, **options: Any) -> Any:
    """A rich Console on stdout or stderr that colours exactly when :func:`wants_color` says so."""
    from rich.console import Console

    colour = wants_color(mode, sys.stderr if stderr else sys.stdout)
    if colour:
        return Console(stderr=stderr, force_terminal=True, **options)
    return Console(stderr=stderr, color_system=None, **options)
