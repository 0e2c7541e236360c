"""Keep the parser away from files that cannot hold a legacy site.

Pass one keeps a file whose bytes contain a marker: the legacy host,
``/predictions``, a legacy model id of the model map, or a marker from
``[tool.ionos-migrate] markers``. A Python file or notebook with only a
*weak* marker (``"properties"``, ``inputTokens``: common in JSON schemas and
other vendors' APIs) goes to ``weak``: the project phase reads its facts,
and the file phase parses it only when it is tied to IONOS.

Pass two follows URLs across modules without parsing. In each kept module
it finds the top-level names whose definition mentions a marker (or a name
found so far): ``PREDICT_URL = "https://inference..."``, a ``CONFIG = {...}``
dict, a ``class Settings`` or a ``def predict_url()``. Another Python file
or notebook is kept when it imports one of those names from that module
(``from app.settings import PREDICT_URL``, ``settings.PREDICT_URL``, an
alias): module names such as ``settings`` or ``client`` alone would pull in
half of a large tree. Pass
two re-reads only Python files and notebooks, only when there are names to
follow, and repeats for re-exports only while it finds new names. Only
names that look like settings are followed: ``UPPER_CASE``, or with ``url``,
``endpoint``, ``base``, ``host``, ``api``, ``config`` or ``settings`` in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ionos_migrate.codemods.shapes import mentions_ionos_bytes
from ionos_migrate.compat.rules import PREFILTER_MARKERS, WEAK_MARKERS, WEAK_SCREENS
from ionos_migrate.discovery import SourceFile, module_keys
from ionos_migrate.sourcetext import searchable

MAX_ROUNDS = 4  # re-exports of re-exports; more than this is not seen in real code
SETTING_WORDS = (b"url", b"endpoint", b"base", b"host", b"api", b"config", b"settings")
_TOP_LEVEL_NAME = re.compile(rb"^(?:(?:async\s+)?def\s+|class\s+)?([A-Za-z_]\w*)\s*(?:[:(][^=\n]*)?=?")
_IDENTIFIER = re.compile(rb"[A-Za-z_]\w*")
# {"properties": {"input": ...: a legacy request body, a strong signal behind a weak marker
_LEGACY_BODY = re.compile(rb"""["']properties["']\s*:\s*\{\s*["']input["']\s*:""")
_FROM_IMPORT = re.compile(rb"^[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]*(\([^)]*\)|[^\n]*)", re.M)
_PLAIN_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([^\n]*)", re.M)


@dataclass
class Prefiltered:
    kept: list[SourceFile] = field(default_factory=list)
    dropped: int = 0
    unreadable: list[tuple[SourceFile, str]] = field(default_factory=list)
    via_import: int = 0  # kept only because they import a name from a kept module
    weak: list[SourceFile] = field(default_factory=list)  # Python files and notebooks with only a weak marker


def markers(extra: Iterable[str] = (), model_ids: Iterable[str] = ()) -> tuple[bytes, ...]:
    return PREFILTER_MARKERS + tuple(m.encode("utf-8") for m in (*extra, *sorted(model_ids)) if m)


def prefilter(files: Sequence[SourceFile], marker_bytes: Sequence[bytes], weak: bool = False) -> Prefiltered:
    """``weak``: also set aside the Python files and notebooks with only a weak marker that are tied to
    IONOS by their bytes (they name it, or import or are imported by a kept module)."""
    result = Prefiltered()
    # module name -> names it exports that carry a legacy URL
    exports: dict[str, set[bytes]] = {}
    candidates: list[tuple[SourceFile, bytes]] = []
    for file in files:
        data = _read(file, result)
        if data is None:
            continue
        if any(marker in data for marker in marker_bytes):
            result.kept.append(file)
            _note_exports(file, data, marker_bytes, set(), exports)
        elif weak and file.kind != "text" and _weak_marker(data):
            candidates.append((file, data))
    _keep_importers(files, result, marker_bytes, exports)
    if candidates:
        kept = {f.location for f in result.kept}
        result.weak = _tied_by_bytes([(f, d) for f, d in candidates if f.location not in kept], result.kept)
    result.dropped = len(files) - len(result.kept) - len(result.weak) - len(result.unreadable)
    return result


def _imported_names(data: bytes) -> set[bytes]:
    """The last part of every module an import names, and the names it imports (maybe submodules):
    ``from a.b import c, d`` -> b, c, d; ``import x.y as z`` -> y."""
    names: set[bytes] = set()
    for match in _FROM_IMPORT.finditer(data):
        names.add(match[1].rsplit(b".", 1)[-1])
        names.update(_IDENTIFIER.findall(match[2]))
    for match in _PLAIN_IMPORT.finditer(data):
        names.update(part.split(b" as ")[0].strip().rsplit(b".", 1)[-1] for part in match[1].split(b","))
    return names


def _weak_marker(data: bytes) -> bool:
    if b"properties" in data and any(marker in data for marker in WEAK_MARKERS[:2]):
        return True
    return WEAK_SCREENS[1] in data


def _tied_by_bytes(candidates: list[tuple[SourceFile, bytes]], kept: list[SourceFile]) -> list[SourceFile]:
    """The weak-marker files worth the project phase: they name IONOS, or one imports the other (by
    module name, on bytes: a superset of what the project phase will find with the parser)."""
    kept_modules = [f for f in kept if f.kind == "python"]
    kept_names = {name.encode() for name in (module_name(f) for f in kept_modules) if name}
    kept_imports: set[bytes] = set()
    for file in kept_modules:
        kept_imports |= _imported_names(_read(file, None) or b"")
    seeds = {file.location for file, data in candidates if mentions_ionos_bytes(data) or _LEGACY_BODY.search(data)}
    for file, data in candidates:  # a seed among them ties its import neighbours too
        if file.location in seeds and file.kind == "python":
            kept_imports |= _imported_names(data)
            kept_names.add((module_name(file) or "").encode())
    packages = {f.rel.rsplit("/", 1)[0] for f in kept_modules if "/" in f.rel}
    packages |= {f.rel.rsplit("/", 1)[0] for f, _d in candidates if f.location in seeds and "/" in f.rel}
    tied = []
    for file, data in candidates:
        name = module_name(file)
        if (file.location in seeds or (name and name.encode() in kept_imports) or _imported_names(data) & kept_names
                or ("/" in file.rel and file.rel.rsplit("/", 1)[0] in packages)):
            tied.append(file)
    return tied


def _keep_importers(files: Sequence[SourceFile], result: Prefiltered, marker_bytes: Sequence[bytes],
                    exports: dict[str, set[bytes]]) -> None:
    kept = {f.location for f in result.kept}
    followed: dict[str, set[bytes]] = {}
    for _ in range(MAX_ROUNDS):
        todo = {module: names - followed.get(module, set()) for module, names in exports.items()}
        todo = {module: names for module, names in todo.items() if names}
        if not todo:
            return
        for module, names in todo.items():
            followed.setdefault(module, set()).update(names)
        checks = [_ImportCheck(module, names) for module, names in todo.items()]
        for file in files:
            if file.location in kept or file.kind == "text":
                continue
            data = _read(file, None)
            if data is None:
                continue
            used = {name for check in checks for name in check.names_used(data)}
            if used:
                kept.add(file.location)
                result.kept.append(file)
                result.via_import += 1
                _note_exports(file, data, marker_bytes, used, exports)


class _ImportCheck:
    """Which of ``names`` a file imports from ``module``: ``from ...module import NAME``,
    ``module.NAME``, or ``import ...module as alias`` then ``alias.NAME``."""

    def __init__(self, module: str, names: set[bytes]) -> None:
        self.module = module.encode()
        self.names = names
        mod = rb"\b" + re.escape(self.module) + rb"\b"
        self.from_import = re.compile(rb"from\s+[\w.]*" + mod + rb"\s+import\s*(\([^)]*\)|[^\n]*)")
        self.attribute = re.compile(mod + rb"\.(\w+)")
        self.alias = re.compile(rb"import\s+[\w.]*" + mod + rb"\s+as\s+(\w+)")

    def names_used(self, data: bytes) -> set[bytes]:
        if self.module not in data or not any(name in data for name in self.names):
            return set()
        words: set[bytes] = set()
        for match in self.from_import.finditer(data):
            words.update(_IDENTIFIER.findall(match[1]))
        words.update(match[1] for match in self.attribute.finditer(data))
        for alias in {match[1] for match in self.alias.finditer(data)}:
            # `(?<![\w])` fails after a JSON `\n` escape in a notebook, hence the second look-behind.
            use = re.compile(rb"(?:(?<![\w])|(?<=\\n))" + re.escape(alias) + rb"\.(\w+)")
            words.update(match[1] for match in use.finditer(data))
        return words & self.names


def module_name(file: SourceFile) -> str | None:
    """The last dotted part a module is imported by: ``app/settings.py`` -> ``settings``."""
    if file.kind != "python":
        return None
    keys = module_keys(file)
    return keys[-1] if keys else None


def exported_names(data: bytes, marker_bytes: Sequence[bytes], known: set[bytes]) -> set[bytes]:
    """Top-level names whose definition (with its indented or bracketed continuation) mentions a marker
    or a known name."""
    found: set[bytes] = set()
    definitions: list[tuple[bytes, list[bytes]]] = []
    for line in data.splitlines():
        if line[:1].isspace() or line[:1] in (b")", b"]", b"}") or not line.strip():
            if definitions:
                definitions[-1][1].append(line)  # continuation of the last top-level statement
            continue
        match = _TOP_LEVEL_NAME.match(line)
        definitions.append((match[1] if match and match[0].rstrip().endswith((b"=", b":", b"(")) else b"", [line]))
    changed = True
    while changed:  # B = A + "/predictions" after A = "https://...": follow within the file
        changed = False
        for name, lines in definitions:
            if not name or name in found:
                continue
            body = b"\n".join(lines)
            if any(m in body for m in marker_bytes) or _mentions(body, known | found):
                found.add(name)
                changed = True
    return found


def _note_exports(file: SourceFile, data: bytes, marker_bytes: Sequence[bytes], known: set[bytes],
                  exports: dict[str, set[bytes]]) -> None:
    module = module_name(file)
    if module:
        # Only names that look like settings (`PREDICT_URL`, `Settings`, `api_base()`) are
        # followed: every name costs a read of the tree, and `r = requests.post(URL)` is no URL.
        names = {name for name in exported_names(data, marker_bytes, known) if _looks_like_setting(name)}
        if names:
            exports.setdefault(module, set()).update(names)


def _looks_like_setting(name: bytes) -> bool:
    return name.isupper() or any(word in name.lower() for word in SETTING_WORDS)


def _mentions(body: bytes, names: set[bytes]) -> bool:
    return bool(names) and any(word in names for word in _IDENTIFIER.findall(body))


def _read(file: SourceFile, result: Prefiltered | None) -> bytes | None:
    try:
        with open(file.location, "rb") as handle:
            return searchable(handle.read())  # UTF-16/32 text as UTF-8, so its markers are found
    except OSError as exc:
        if result is not None:
            result.unreadable.append((file, exc.strerror or str(exc)))
        return None
