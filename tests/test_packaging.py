"""The wheel installs three packages under ionos_migrate and nothing top-level named compat or codemods."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                   check=True, capture_output=True)
    (built,) = out.glob("ionos_migrate-*.whl")
    return zipfile.ZipFile(built)


def test_only_ionos_migrate_is_top_level(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    tops.discard("ionos_migrate_shim.pth")  # the opt-in startup hook, when shipped
    assert tops == {"ionos_migrate"}


def test_every_source_module_is_in_the_wheel(wheel):
    names = set(wheel.namelist())
    for folder, package in (("compat", "ionos_migrate/compat"), ("codemods", "ionos_migrate/codemods"),
                            ("ionos_migrate", "ionos_migrate")):
        for source in (ROOT / folder).rglob("*.py"):
            relative = source.relative_to(ROOT / folder).as_posix()
            assert f"{package}/{relative}" in names, f"{folder}/{relative} is missing from the wheel"
    assert "ionos_migrate/compat/bundled_models.toml" in names


def test_console_script_is_declared(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "ionos-migrate = ionos_migrate.cli:main" in wheel.read(entry_points).decode()
