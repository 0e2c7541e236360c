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
