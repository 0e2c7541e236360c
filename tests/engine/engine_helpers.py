"""Helpers for the engine tests: temporary trees, legacy sources, the CLI as a real subprocess, git."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # in the bundled map
LEGACY_URL = f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions"
LEGACY_MODULE = f'''import requests

response = requests.post(
    "{LEGACY_URL}",
    json={{"properties": {{"input": "Say hi", "options": {{"max_length": "50"}}}}}},
    headers={{"Authorization": "Bearer token"}},
)
print(response.json()["properties"]["output"])
'''
CLEAN_MODULE = "import os\n\nprint(os.getcwd())\n"


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_subprocess(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed console entry point, as a user or CI calls it."""
    exe = Path(sys.executable).parent / "ionos-migrate"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True,
                            env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                                 "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})
    return result.stdout


def notebook(*cells: str, indent: int = 1) -> str:
    """A notebook with these code cells (a markdown cell first), outputs and metadata included."""
    import json

    data = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Demo ü\n"]}] + [
            {"cell_type": "code", "execution_count": n, "id": f"c{n}", "metadata": {"tags": ["t"]},
             "outputs": [{"name": "stdout", "output_type": "stream", "text": ["old output\n"]}],
             "source": source.splitlines(keepends=True)}
            for n, source in enumerate(cells, start=1)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def nbformat3(*cells: str) -> str:
    """An IPython 2 notebook: cells in worksheets, a code cell's text in ``input``."""
    import json

    sheets = [
        {"cells": [{"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Demo"]},
                   {"cell_type": "code", "collapsed": False, "input": cells[0].splitlines(keepends=True),
                    "language": "python", "metadata": {}, "outputs": [], "prompt_number": 1}], "metadata": {}},
        {"cells": [{"cell_type": "code", "collapsed": False, "input": source, "language": "python",
                    "metadata": {}, "outputs": [], "prompt_number": n} for n, source in enumerate(cells[1:], 2)],
         "metadata": {}},
    ]
    return json.dumps({"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": sheets}, indent=1)



def segfault() -> None:
    """Die the way libcst's native parser dies on code nested too deep: SIGSEGV, no exception to catch."""
    import ctypes
    import faulthandler

    faulthandler.disable()  # pytest turns it on; its dump would only be noise here
    ctypes.string_at(0)


def double_or_die(item: int, die_on: frozenset[int] = frozenset()) -> int:
    """A pool worker's job that kills its process on the items in ``die_on``."""
    if item in die_on:
        segfault()
    return item * 2


def deep_sources() -> dict[str, str]:
    """Modules nested deep enough to kill libcst 1.9's native parser (each with a marker, so the prefilter keeps it)."""
    marker = f'URL = "{LEGACY_URL}"\n'
    return {
        "deep_brackets.py": marker + "x = " + "(" * 1500 + "1" + ")" * 1500 + "\n",
        "deep_and.py": marker + "x = a" + " and a" * 12_000 + "\n",
        "deep_unary.py": marker + "x = " + "-" * 20_000 + "1\n",
        "deep_elif.py": marker + "if a:\n    pass\n" + "elif a:\n    pass\n" * 12_000,
    }


def as_nobody(fn, *args):
    """``fn(*args)`` in a forked child running as user nobody, so that file permissions hold even when the
    tests run as root. Only what the parent imported is importable there (root's files are closed to nobody)."""
    import multiprocessing

    if os.geteuid() != 0:
        return fn(*args)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            send.send(("done", fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - shown by the parent
            send.send(("raised", repr(exc)))

    process = context.Process(target=child)
    process.start()
    kind, value = receive.recv()
    process.join()
    if kind == "raised":
        raise AssertionError(f"as nobody: {value}")
    return value
