"""The check before a commit: the rewritten files compile, and ``--check-cmd`` passes.

Each check returns None when it passes and the reason when it does not; a
repository that fails one is reported, not committed.
"""

from __future__ import annotations

import json
import subprocess

# Lines of a failing --check-cmd's output kept for the report: the end is where test runners say why.
OUTPUT_TAIL = 30


def compile_check(base: str) -> str | None:
    """Every Python file the rewrite changed still compiles (notebooks: still JSON).

    A file that did not compile with this Python before the rewrite either
    (code for a newer Python, say) is not held against the rewrite.
    """
    problems = []
    for path in _changed_files(base):
        if path.endswith(".py"):
            error = _compile_error(_read(path), path)
            if error and not _compile_error(_committed(base, path), path):
                problems.append(error)
        elif path.endswith(".ipynb") and (data := _read(path)) is not None:
            try:
                json.loads(data)
            except ValueError as exc:
                problems.append(f"{path}: the rewritten notebook is not JSON ({exc})")
    if not problems:
        return None
    return "the rewrite does not compile, so nothing was committed:\n" + "\n".join(problems)


def command_check(command: str, *, timeout: float | None = None) -> str | None:
    """Run ``command`` through the shell in the current folder (the rewritten clone)."""
    try:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"--check-cmd {command!r} did not finish within {timeout:g} s"
    if done.returncode == 0:
        return None
    output = (done.stdout + done.stderr).strip().splitlines()[-OUTPUT_TAIL:]
    return f"--check-cmd {command!r} exited {done.returncode}" + (":\n" + "\n".join(output) if output else "")


def _changed_files(base: str) -> list[str]:
    out = subprocess.run(("git", "diff", "--name-only", "-z", base), capture_output=True, check=True).stdout
    return [name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name]


def _compile_error(source: bytes | None, path: str) -> str | None:
    if source is None:
        return None
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{path}:{exc.lineno}: {exc.msg}"
    except ValueError as exc:  # null bytes
        return f"{path}: {exc}"
    return None


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None  # deleted by the rewrite: nothing to compile


def _committed(base: str, path: str) -> bytes | None:
    done = subprocess.run(("git", "show", f"{base}:{path}"), capture_output=True)
    return done.stdout if done.returncode == 0 else None
