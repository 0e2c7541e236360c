"""Which files a run looks at.

Walks the given paths for Python modules, notebooks and the text files that
may carry a legacy URL (``.env``, YAML, JSON, TOML, shell, JS/TS,
Dockerfiles). Honours what git ignores (with ``pathspec``, with git's
precedence: the user's ``core.excludesFile``, then ``.git/info/exclude``,
then ``.gitignore`` files, deeper ones winning), ``--include``/``--exclude`` globs (gitignore
syntax, relative to the scanned folder), and skips virtualenvs, VCS folders,
``node_modules`` and caches. A file named on the command line is taken even
if ignored, but include/exclude still apply, to its path from the current
folder (pre-commit passes file names from the repository's top).

Each file counts once: a symlink whose target is in the tree too is the
target (links to folders are not followed, as with ``os.walk``). What the
walk cannot take is a :class:`WalkNote`, never a silent gap: a folder it
cannot list (an error), a FIFO, socket or device with a name we look at (a
note: opening a FIFO would wait forever).
"""

from __future__ import annotations

import os
import stat
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator, Literal, Sequence

from pathspec import GitIgnoreSpec

from ionos_migrate.gitexcludes import exclude_files, work_tree_top

Kind = Literal["python", "notebook", "text"]

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".venv",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", ".ipynb_checkpoints",
})
TEXT_SUFFIXES = frozenset({
    ".env", ".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".sh", ".bash", ".zsh",
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".dockerfile",
})
TEXT_NAMES = frozenset({"Dockerfile", "Containerfile", ".env"})
TEXT_NAME_PREFIXES = ("Dockerfile.", "Containerfile.", ".env.")


class ShardError(ValueError):
    pass


@dataclass(frozen=True)
class SourceFile:
    location: str  # absolute path; a str because large trees have many files and Path objects cost
    rel: str  # posix path relative to the scanned folder: for globs, shards and module names
    kind: Kind

    @cached_property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def display(self) -> str:
        """The path as reports show it: relative to the current folder where possible."""
        try:
            return self.path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return self.path.as_posix()


@dataclass(frozen=True)
class WalkNote:
    """Something the walk could not take: ``error`` (a folder it cannot list) or ``info`` (not a regular file)."""

    location: str
    rel: str  # for shards, as a file's
    status: Literal["error", "info"]
    message: str

    @property
    def display(self) -> str:
        return SourceFile(self.location, self.rel, "text").display


def kind_of(name: str) -> Kind | None:
    if name.endswith(".py"):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name in TEXT_NAMES or name.startswith(TEXT_NAME_PREFIXES):
        return "text"
    if name.upper().startswith("README") and name.lower().endswith((".md", ".rst", ".txt")):
        return "text"  # a README that names a retired URL is a note; other documentation is not read
    return "text" if os.path.splitext(name)[1].lower() in TEXT_SUFFIXES else None


def is_virtualenv(folder: str) -> bool:
    return os.path.exists(os.path.join(folder, "pyvenv.cfg"))


class Filters:
    """``--include`` / ``--exclude`` patterns, matched against a path relative to the scan root."""

    def __init__(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> None:
        self.include = GitIgnoreSpec.from_lines(include) if include else None
        self.exclude = GitIgnoreSpec.from_lines(exclude) if exclude else None

    def excludes_dir(self, rel: str) -> bool:
        return bool(self.exclude and self.exclude.match_file(rel + "/"))

    def accepts_file(self, rel: str) -> bool:
        if self.exclude and self.exclude.match_file(rel):
            return False
        return self.include is None or self.include.match_file(rel)


class GitIgnores:
    """The ignore files that apply to a folder, lowest precedence first: for each path, the last
    spec with a pattern that matches it decides, as in git."""

    def __init__(self, specs: tuple[tuple[str, GitIgnoreSpec], ...] = ()) -> None:
        self.specs = specs  # (base folder ending in a separator, spec)

    @classmethod
    def at(cls, root: str) -> "GitIgnores":
        """Those that apply in ``root``, lowest precedence first: the user's excludes file
        (``core.excludesFile``), ``.git/info/exclude``, then the ``.gitignore`` files from the git
        work tree's top down to ``root``. Outside a work tree, only the scanned tree's own
        ``.gitignore`` files count."""
        top = work_tree_top(Path(root))
        if top is None:
            return cls().entering(root)
        ignores = cls()
        for path in exclude_files(top):
            ignores = ignores.reading(path, base=str(top))
        folders = [root]
        for folder in Path(root).parents:
            if not folder.is_relative_to(top):
                break
            folders.append(str(folder))
        for folder in reversed(folders):
            ignores = ignores.entering(folder)
        return ignores

    def entering(self, folder: str) -> "GitIgnores":
        return self.reading(os.path.join(folder, ".gitignore"), base=folder)

    def reading(self, path: str | Path, *, base: str) -> "GitIgnores":
        """These plus the patterns of file ``path`` (relative to ``base``), if it has any."""
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                spec = GitIgnoreSpec.from_lines(handle.read().splitlines())
        except OSError:
            return self
        if not any(pattern.include is not None for pattern in spec.patterns):
            return self  # comments only, as in a fresh .git/info/exclude: nothing to check files against
        base = os.path.join(base, "")
        if self.specs and self.specs[-1][0] == base:
            # Same base (the excludes files and the top .gitignore): one spec, patterns in precedence
            # order, gives the same verdicts (the last matching pattern decides) at half the cost.
            return GitIgnores(self.specs[:-1] + ((base, self.specs[-1][1] + spec),))
        return GitIgnores(self.specs + ((base, spec),))

    def ignored(self, path: str, is_dir: bool) -> bool:
        """``path`` lies under every spec's base (the walk builds it from there), so slicing gives the
        relative path; ``os.path.relpath`` cost more than the matching on big trees."""
        verdict = False
        for base, spec in self.specs:
            rel = path[len(base):].replace(os.sep, "/") + ("/" if is_dir else "")
            result = spec.check_file(rel).include
            if result is not None:
                verdict = result
        return verdict


def discover(
    paths: Iterable[Path],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    gitignore: bool = True,
    notes: list[WalkNote] | None = None,
) -> list[SourceFile]:
    """Every file a run should look at, sorted, each once; what it could not take goes to ``notes``."""
    filters = Filters(include, exclude)
    found: dict[str, SourceFile] = {}  # real path -> the file, under its own path when the tree has it
    notes = [] if notes is None else notes
    for given in paths or [Path(".")]:
        start = Path(given).resolve()
        if start.is_file():
            kind = kind_of(start.name)
            rel = _relative_to_cwd(start)
            if kind and filters.accepts_file(rel):
                _add(found, str(start), SourceFile(str(start), rel, kind))
        elif start.is_dir():
            for real, file in _walk(start, filters, gitignore, notes):
                _add(found, real, file)
        elif start.exists():
            raise FileNotFoundError(f"{given}: not a regular file or folder")
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
    return sorted(found.values(), key=lambda f: f.location)


def _add(found: dict[str, SourceFile], real: str, file: SourceFile) -> None:
    """A symlink and its target count once, as the target when the walk meets it."""
    current = found.get(real)
    if current is None or (current.location != real and file.location == real):
        found[real] = file


def _relative_to_cwd(path: Path) -> str:
    """A named file's path for globs and shards: from the current folder (where pre-commit runs)."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def _walk(root: Path, filters: Filters, gitignore: bool, notes: list[WalkNote]) -> Iterator[tuple[str, SourceFile]]:
    """``(real path, file)`` for each file under ``root``. ``os.scandir`` tells links, FIFOs and regular files
    apart from the folder listing (no extra system call), which ``os.walk`` does not pass on."""
    top = str(root)
    pending = [(top, GitIgnores.at(top) if gitignore else GitIgnores())]
    while pending:
        folder, ignores = pending.pop()
        prefix = folder[len(top) + 1:].replace(os.sep, "/") + "/" if folder != top else ""
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            notes.append(WalkNote(folder, prefix.rstrip("/") or ".", "error",
                                  f"cannot read this folder ({exc.strerror or exc}): its files were not scanned"))
            continue
        subfolders = []
        for entry in entries:
            name, path = entry.name, entry.path
            if _is_folder(entry):
                if name in SKIP_DIRS or is_virtualenv(path) or filters.excludes_dir(prefix + name):
                    continue
                if ignores.specs and ignores.ignored(path, is_dir=True):
                    continue
                subfolders.append((path, ignores.entering(path) if gitignore else ignores))
                continue
            kind = kind_of(name)
            if kind is None or not filters.accepts_file(prefix + name):
                continue
            if ignores.specs and ignores.ignored(path, is_dir=False):
                continue
            file = SourceFile(path, prefix + name, kind)
            if entry.is_file(follow_symlinks=False):
                yield path, file
                continue
            mode = _mode(path)  # through a link; None for a broken one
            if entry.is_symlink() and (mode is None or stat.S_ISREG(mode)):
                yield (path if mode is None else os.path.realpath(path)), file  # a broken link: reading reports it
            elif mode is not None and not stat.S_ISDIR(mode):  # a link to a folder is not followed
                notes.append(WalkNote(path, file.rel, "info", f"skipped: {_file_type(mode)}, not a regular file"))
        pending.extend(reversed(subfolders))  # depth first, in name order, as os.walk goes


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)  # links to folders are not followed
    except OSError:
        return False


def _mode(path: str) -> int | None:
    try:
        return os.stat(path).st_mode
    except OSError:
        return None


def _file_type(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return what
    return "a special file"


def module_keys(file: SourceFile) -> list[str]:
    """``src/app/settings.py`` -> ``src.app.settings``, ``app.settings``, ``settings``.

    Which folder is on ``sys.path`` when the code runs is not visible in the
    tree (namespace packages have no ``__init__.py``), so every dotted suffix
    is a key; the engine's ``build_index`` drops the ones that are ambiguous. The scanned
    folder's own ``__init__.py`` has none (its package name is not in the tree).
    """
    parts = file.rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[start:]) for start in range(len(parts))]


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``: the second of four shares (1-based)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ShardError(f"--shard expects I/N, such as 1/4, not {text!r}") from None
    if count < 1 or not 1 <= index <= count:
        raise ShardError(f"--shard {text}: I must be between 1 and N")
    return index, count


def in_shard(file: SourceFile | WalkNote, index: int, count: int) -> bool:
    """A stable share: the same file lands in the same shard on every machine."""
    return zlib.crc32(file.rel.encode("utf-8")) % count == index - 1
