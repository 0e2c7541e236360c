"""DESIGN.md's one-way data flow, checked: the runtime side never loads libcst or the CLI side."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_every_compat_module_loads_no_libcst_and_nothing_of_the_cli_side():
    modules = sorted(f"ionos_migrate.compat.{p.stem}" for p in (ROOT / "compat").glob("*.py") if p.stem != "__init__")
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'libcst' or m.startswith(('libcst.', 'ionos_migrate.codemods',"
        " 'ionos_migrate.engine', 'ionos_migrate.cli')))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_codemods_import_nothing_from_the_cli_side():
    for path in (ROOT / "codemods").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("ionos_migrate.cli", "ionos_migrate.engine")), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith(("ionos_migrate.cli", "ionos_migrate.engine")) for a in node.names), path
