"""Where git keeps the ignore patterns that are not in ``.gitignore`` files.

Git reads, from lowest to highest precedence: the user's excludes file
(``core.excludesFile``, by default ``$XDG_CONFIG_HOME/git/ignore`` or
``~/.config/git/ignore``), the repository's ``.git/info/exclude``, then the
``.gitignore`` files from the work tree's top down. Discovery matches the
patterns (with pathspec); this module only finds the files.

``core.excludesFile`` is read with ``git config`` when git is installed
(one call per scanned folder, about 2 ms; it honours includes and
``GIT_CONFIG_GLOBAL``), else from the config files themselves.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

GIT_CONFIG_TIMEOUT = 10  # seconds; a hung git must not hang the run
GIT_KEY_NOT_SET = 1  # `git config --get`'s exit code when the key is not set


def work_tree_top(folder: Path) -> Path | None:
    """The top of the git work tree ``folder`` is in (the folder holding ``.git``), or None."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def exclude_files(top: Path) -> list[Path]:
    """The excludes files that apply to work tree ``top``, lowest precedence first (they may not exist)."""
    files = [_global_excludes_file(top)]
    common = _common_git_dir(top)
    if common is not None:
        files.append(common / "info" / "exclude")
    return [path for path in files if path is not None]


def _common_git_dir(top: Path) -> Path | None:
    """``.git``, or where a ``.git`` file points (a linked worktree or submodule), then its common dir."""
    dot_git = top / ".git"
    if dot_git.is_dir():
        git_dir = dot_git
    else:
        try:
            first_line = dot_git.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError):
            return None
        if not first_line.startswith("gitdir:"):
            return None
        git_dir = (top / first_line[len("gitdir:"):].strip()).resolve()
    try:  # a linked worktree shares info/exclude with the main repository
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    return (git_dir / common).resolve()


def _global_excludes_file(top: Path) -> Path | None:
    configured = _configured_excludes_file(top)
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_absolute() else top / path
    config_home = _config_home()
    return config_home / "git" / "ignore" if config_home else None


def _config_home() -> Path | None:
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg)
    home = os.environ.get("HOME")
    return Path(home) / ".config" if home else None


def _configured_excludes_file(top: Path) -> str | None:
    git = shutil.which("git")
    if git:
        try:
            result = subprocess.run(
                [git, "-C", str(top), "config", "--type=path", "--get", "core.excludesFile"],
                capture_output=True, text=True, timeout=GIT_CONFIG_TIMEOUT, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None and result.returncode == 0:
            return result.stdout.rstrip("\n") or None
        if result is not None and result.returncode == GIT_KEY_NOT_SET:
            return None
        # Any other failure (say, a repository git refuses as unsafe): read the files instead.
    return _read_config_files(top)


def _read_config_files(top: Path) -> str | None:
    """``core.excludesFile`` from the global and repository config files; later files win, as in git."""
    candidates = []
    config_home = _config_home()
    if config_home:
        candidates.append(config_home / "git" / "config")
    if os.environ.get("HOME"):
        candidates.append(Path(os.environ["HOME"]) / ".gitconfig")
    common = _common_git_dir(top)
    if common is not None:
        candidates.append(common / "config")
    value = None
    for path in candidates:
        parser = configparser.RawConfigParser(strict=False, interpolation=None, allow_no_value=True)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue  # git would refuse the file too; its excludes file is then unknown
        for section in parser.sections():
            if section.lower() == "core" and parser.get(section, "excludesfile", fallback=None):
                value = parser.get(section, "excludesfile").strip().strip('"')
    return value
