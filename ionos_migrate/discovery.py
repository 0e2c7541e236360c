"""Which files a run looks at.

Walks the given paths for Python modules, notebooks and the text files that
may carry a legacy URL (``.env``, YAML, JSON, TOML, shell, JS/TS,
Dockerfiles). Honours ``.gitignore`` files (with ``pathspec``, as git reads
them: deeper files win), ``--include``/``--exclude`` globs (gitignore
syntax, relative to the scanned folder), and skips virtualenvs, VCS folders,
``node_modules`` and caches. A file named on the command line is taken even
if ignored, but include/exclude still apply, to its path from the current
folder (pre-commit passes file names from the repository's top).
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator, Literal, Sequence

from pathspec import GitIgnoreSpec

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


def kind_of(name: str) -> Kind | None:
    if name.endswith(".py"):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name in TEXT_NAMES or name.startswith(TEXT_NAME_PREFIXES):
        return "text"
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
    """The ``.gitignore`` files that apply to a folder, outermost first."""

    def __init__(self, specs: tuple[tuple[str, GitIgnoreSpec], ...] = ()) -> None:
        self.specs = specs  # (base folder, spec)

    @classmethod
    def above(cls, root: str) -> "GitIgnores":
        """Those of the folders from the git work tree's top down to ``root``'s parent."""
        folders = []
        for folder in Path(root).parents:
            folders.append(str(folder))
            if (folder / ".git").exists():
                break
        else:
            folders = []  # not in a git work tree: only the scanned tree's own files count
        ignores = cls()
        for folder in reversed(folders):
            ignores = ignores.entering(folder)
        return ignores

    def entering(self, folder: str) -> "GitIgnores":
        path = os.path.join(folder, ".gitignore")
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                spec = GitIgnoreSpec.from_lines(handle.read().splitlines())
        except OSError:
            return self
        return GitIgnores(self.specs + ((folder, spec),))

    def ignored(self, path: str, is_dir: bool) -> bool:
        verdict = False
        for base, spec in self.specs:
            rel = os.path.relpath(path, base).replace(os.sep, "/") + ("/" if is_dir else "")
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
) -> list[SourceFile]:
    """Every file a run should look at, sorted, each once."""
    filters = Filters(include, exclude)
    found: dict[str, SourceFile] = {}
    for given in paths or [Path(".")]:
        start = Path(given).resolve()
        if start.is_file():
            kind = kind_of(start.name)
            rel = _relative_to_cwd(start)
            if kind and filters.accepts_file(rel):
                found.setdefault(str(start), SourceFile(str(start), rel, kind))
        elif start.is_dir():
            for file in _walk(start, filters, gitignore):
                found.setdefault(file.location, file)
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
    return sorted(found.values(), key=lambda f: f.location)


def _relative_to_cwd(path: Path) -> str:
    """A named file's path for globs and shards: from the current folder (where pre-commit runs)."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def _walk(root: Path, filters: Filters, gitignore: bool) -> Iterator[SourceFile]:
    top = str(root)
    ignores_by_folder = {top: GitIgnores.above(top).entering(top) if gitignore else GitIgnores()}
    for folder, dirnames, filenames in os.walk(top):
        ignores = ignores_by_folder.pop(folder)
        prefix = folder[len(top) + 1:].replace(os.sep, "/") + "/" if folder != top else ""
        kept = []
        for name in sorted(dirnames):
            child = os.path.join(folder, name)
            if name in SKIP_DIRS or is_virtualenv(child) or filters.excludes_dir(prefix + name):
                continue
            if ignores.specs and ignores.ignored(child, is_dir=True):
                continue
            kept.append(name)
            ignores_by_folder[child] = ignores.entering(child) if gitignore else ignores
        dirnames[:] = kept
        for name in filenames:
            kind = kind_of(name)
            if kind is None or not filters.accepts_file(prefix + name):
                continue
            path = os.path.join(folder, name)
            if ignores.specs and ignores.ignored(path, is_dir=False):
                continue
            yield SourceFile(path, prefix + name, kind)


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``: the second of four shares (1-based)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ShardError(f"--shard expects I/N, such as 1/4, not {text!r}") from None
    if count < 1 or not 1 <= index <= count:
        raise ShardError(f"--shard {text}: I must be between 1 and N")
    return index, count


def in_shard(file: SourceFile, index: int, count: int) -> bool:
    """A stable share: the same file lands in the same shard on every machine."""
    return zlib.crc32(file.rel.encode("utf-8")) % count == index - 1
