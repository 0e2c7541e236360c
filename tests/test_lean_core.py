"""`pip install ionos-migrate` alone: at most 15 packages, and scan works; the extras say when they are missing.

A fresh venv gets the core install (no extra) from the package index, as a
user's `pip install` (and the pre-commit hook's environment) does; then the
commands run there as subprocesses.
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_PACKAGES = 15
LEGACY = ('import requests\n\nr = requests.post("https://inference.de-txl.ionos.com/models/'
          'b18b18de-92c3-466e-81a8-e5df91890091/predictions", json={"properties": {"input": "hi"}})\n'
          'print(r.json()["properties"]["output"])\n')


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("core") / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    str(ROOT)], check=True, capture_output=True, timeout=600, env=_env())
    return target


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IONOS_MIGRATE", "VIRTUAL_ENV", "PYTHON"))}
    env.update(NO_COLOR="1", **extra)
    return env


def _run(venv_dir: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv_dir / "bin" / "ionos-migrate"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=_env(**env))


def test_the_core_install_has_at_most_15_packages(core_venv: Path) -> None:
    listed = subprocess.run([str(core_venv / "bin" / "python"), "-m", "pip", "list", "--format=json",
                             "--disable-pip-version-check"], capture_output=True, text=True, check=True)
    names = sorted(p["name"].lower() for p in json.loads(listed.stdout))
    installed = [n for n in names if n not in ("pip", "setuptools")]  # what `python -m venv` brings
    assert len(installed) <= MAX_PACKAGES, installed
    assert "ionos-migrate" in installed and "libcst" in installed
    for heavy in ("httpx", "starlette", "uvicorn", "aiohttp", "uvloop", "httptools", "prometheus-client"):
        assert heavy not in installed


def test_scan_diff_apply_models_and_rules_run_on_the_core(core_venv: Path, tmp_path: Path) -> None:
    (tmp_path / "legacy.py").write_text(LEGACY, encoding="utf-8")
    scan = _run(core_venv, "scan", "--jobs", "1", cwd=tmp_path)
    assert scan.returncode == 1, scan.stderr
    assert "legacy.py:3:5: migratable [ionos-predictions]" in scan.stdout
    assert _run(core_venv, "diff", cwd=tmp_path).stdout.startswith("--- a/legacy.py")
    assert _run(core_venv, "models", cwd=tmp_path).returncode == 0
    assert "ionos-predictions" in _run(core_venv, "rules", cwd=tmp_path).stdout
    applied = _run(core_venv, "apply", "--allow-dirty", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert "/v1/chat/completions" in (tmp_path / "legacy.py").read_text("utf-8")


@pytest.mark.parametrize("args, extra", [
    (("shim", "serve", "--port", "0"), "proxy"),
    (("emulator", "serve", "--port", "0"), "runtime"),
    (("verify", "--before", ".", "--after", ".", "--", "true"), "runtime"),
])
def test_commands_of_an_extra_exit_2_naming_it(core_venv: Path, tmp_path: Path, args: tuple[str, ...],
                                               extra: str) -> None:
    result = _run(core_venv, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert f"pip install 'ionos-migrate[{extra}]'" in result.stderr


def test_the_startup_hook_says_the_shim_needs_the_runtime_extra(core_venv: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(core_venv / "bin" / "python"), "-c", "print('still runs')"], capture_output=True,
                            text=True, timeout=60, env=_env(IONOS_MIGRATE_SHIM="1"), cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "still runs"
    assert "shim NOT installed" in result.stderr and "ionos-migrate[runtime]" in result.stderr
