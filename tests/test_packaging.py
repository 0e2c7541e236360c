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
    tops.discard("ionos_migrate_shim.pth")  # the opt-in startup hook
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


def test_startup_hook_installs_the_shim_only_when_asked(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), wheel.filename],
                   check=True, capture_output=True)
    assert (target / "ionos_migrate_shim.pth").is_file()
    # site.addsitedir runs .pth files exactly as interpreter start does for site-packages
    probe = f"import site, sys; site.addsitedir({str(target)!r}); print('ionos_migrate.compat.shim' in sys.modules)"
    for value, expected in (("1", "True"), ("0", "False"), (None, "False")):
        env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("IONOS_MIGRATE")}
        if value is not None:
            env["IONOS_MIGRATE_SHIM"] = value
        out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected, (value, out.stderr)
