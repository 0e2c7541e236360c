"""Keep the parser away from files that cannot hold a legacy site.

A file is kept when its bytes contain a marker (the legacy host,
``/predictions``, or a marker from ``[tool.ionos-migrate] markers``), or when
it is a Python file or notebook that imports a module that was kept: a URL
constant defined in ``settings.py`` is used where ``settings`` is imported.
That second pass repeats until nothing new is kept, and reads only Python
files again, only when some module was kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ionos_migrate.compat.rules import PREFILTER_MARKERS
from ionos_migrate.discovery import SourceFile


@dataclass
class Prefiltered:
    kept: list[SourceFile] = field(default_factory=list)
    dropped: int = 0
    unreadable: list[tuple[SourceFile, str]] = field(default_factory=list)
    via_import: int = 0  # kept only because they import a kept module


def markers(extra: Iterable[str] = ()) -> tuple[bytes, ...]:
    return PREFILTER_MARKERS + tuple(m.encode("utf-8") for m in extra if m)


def module_names(file: SourceFile) -> set[str]:
    """The names other files could import this module by: its last dotted part and its package."""
    parts = file.rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return {parts[-1]} if parts else set()


def prefilter(files: Sequence[SourceFile], marker_bytes: Sequence[bytes]) -> Prefiltered:
    result = Prefiltered()
    kept_paths = set()
    for file in files:
        data = _read(file, result)
        if data is None:
            continue
        if any(marker in data for marker in marker_bytes):
            result.kept.append(file)
            kept_paths.add(file.path)
    _keep_importers(files, result, kept_paths)
    result.dropped = len(files) - len(result.kept) - len(result.unreadable)
    return result


def _keep_importers(files: Sequence[SourceFile], result: Prefiltered, kept_paths: set) -> None:
    searched: set[str] = set()
    new_names = {name for f in result.kept if f.kind == "python" for name in module_names(f)}
    while new_names - searched:
        names = new_names - searched
        searched |= names
        pattern = _import_pattern(names)
        encoded = [name.encode() for name in names]
        new_names = set()
        for file in files:
            if file.path in kept_paths or file.kind == "text":
                continue
            data = _read(file, None)
            if data is None or not any(name in data for name in encoded) or not pattern.search(data):
                continue
            result.kept.append(file)
            result.via_import += 1
            kept_paths.add(file.path)
            if file.kind == "python":
                new_names |= module_names(file)


def _import_pattern(names: Iterable[str]) -> re.Pattern[bytes]:
    name = rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b"
    # `from pkg.settings import X`, `from . import settings`, `import settings as s`,
    # `from pkg import (\n    settings,\n)`.
    # In a notebook the line sits inside a JSON string: after a quote, a `[`,
    # or an escaped newline.
    return re.compile(
        rb'(?m)(?:^|\\n|\[)[ \t"]*(?:from\s+[\w.]*' + name
        + rb"|from\s+[\w.]+\s+import\b[^\n]*" + name
        + rb"|from\s+[\w.]+\s+import\s*\([^)]*" + name
        + rb"|import\s[^\n]*" + name + rb")"
    )


def _read(file: SourceFile, result: Prefiltered | None) -> bytes | None:
    try:
        with open(file.path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        if result is not None:
            result.unreadable.append((file, exc.strerror or str(exc)))
        return None
