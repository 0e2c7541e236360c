"""The environment bootstrap, in real child interpreters (as ``verify`` and the .pth hook use it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ionos_migrate.compat import autoshim
from ionos_migrate.compat.autoshim import AutoshimError, options_from_env

from .conftest import TEXT_MODEL

PTH = Path(autoshim.__file__).with_name("ionos_migrate_shim.pth")

CHILD = textwrap.dedent(f"""
    import json
    from ionos_migrate.compat import shim
    before = shim.patched_libraries()
    import requests
    r = requests.post("https://inference.de-txl.ionos.com/models/{TEXT_MODEL}/predictions",
                      json={{"properties": {{"input": "hi"}}}})
    print(json.dumps([shim.installed(), before, shim.patched_libraries(), r.status_code, r.json().get("type")]))
""")


def run_child(code: str, env: dict[str, str], *, sitecustomize: Path | None = None, **kwargs: Any) -> subprocess.CompletedProcess:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("IONOS_MIGRATE_")}
    child_env.update(env)
    if sitecustomize is not None:
        child_env["PYTHONPATH"] = str(sitecustomize)
    return subprocess.run([sys.executable, "-c", code], env=child_env, capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture
def sitecustomize(tmp_path: Path) -> Path:
    """What ``verify`` puts on PYTHONPATH."""
    (tmp_path / "sitecustomize.py").write_text("import ionos_migrate.compat.autoshim\n")
    return tmp_path


def test_unset_does_nothing_and_imports_nothing_heavy(sitecustomize: Path) -> None:
    code = "import sys; print(sorted(m for m in ('ionos_migrate.compat.shim', 'requests', 'httpx', 'aiohttp', 'pydantic') if m in sys.modules))"
    result = run_child(code, {}, sitecustomize=sitecustomize)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert run_child(code, {"IONOS_MIGRATE_SHIM": "0"}, sitecustomize=sitecustomize).stdout.strip() == "[]"


def test_enabled_installs_from_env_and_hooks_libraries_as_they_are_imported(sitecustomize: Path, emulator: str, tmp_path: Path) -> None:
    result = run_child(CHILD, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_UPSTREAM": f"{emulator}/v1",
                               "IONOS_MIGRATE_TOKEN": "t0ken"}, sitecustomize=sitecustomize)
    assert result.returncode == 0, result.stderr
    installed, before, after, status, kind = json.loads(result.stdout)
    assert installed and "requests" not in before and "requests" in after  # hooked when imported
    assert (status, kind) == (200, "prediction")


def test_translate_0_routes_a_leftover_legacy_call_to_the_legacy_upstream(sitecustomize: Path, emulator: str,
                                                                          emulator_app: Any) -> None:
    result = run_child(CHILD, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_UPSTREAM": f"{emulator}/v1",
                               "IONOS_MIGRATE_LEGACY_UPSTREAM": emulator, "IONOS_MIGRATE_TRANSLATE": "0",
                               "IONOS_MIGRATE_TOKEN": "t"}, sitecustomize=sitecustomize)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[3:] == [404, None]
    assert emulator_app.state.journal.entries()[0]["path"] == f"/models/{TEXT_MODEL}/predictions"


def test_model_map_file_from_env(sitecustomize: Path, emulator: str, emulator_app: Any, tmp_path: Path) -> None:
    model_map = tmp_path / "map.toml"
    model_map.write_text(f'[models]\n"{TEXT_MODEL}" = "mistralai/Mistral-Nemo-Instruct-2407"\n')
    result = run_child(CHILD, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_UPSTREAM": f"{emulator}/v1",
                               "IONOS_MIGRATE_MODEL_MAP": str(model_map), "IONOS_MIGRATE_TOKEN": "t"},
                       sitecustomize=sitecustomize)
    assert result.returncode == 0, result.stderr
    assert emulator_app.state.journal.entries()[0]["body"]["model"] == "mistralai/Mistral-Nemo-Instruct-2407"


def test_bad_values_are_reported_and_nothing_is_installed(sitecustomize: Path, tmp_path: Path) -> None:
    code = "from ionos_migrate.compat import shim; print(shim.installed())"
    result = run_child(code, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_TIMEOUT": "soon"}, sitecustomize=sitecustomize)
    assert result.returncode == 0
    assert result.stdout.strip() == "False"
    assert "IONOS_MIGRATE_TIMEOUT" in result.stderr and "NOT installed" in result.stderr
    missing = run_child(code, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_MODEL_MAP": str(tmp_path / "nope.toml")},
                        sitecustomize=sitecustomize)
    assert missing.stdout.strip() == "False" and "model map file not found" in missing.stderr


def test_pth_hook_installs_only_when_enabled(tmp_path: Path, emulator: str) -> None:
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    shutil.copy(PTH, site_dir / PTH.name)
    code = f"import site; site.addsitedir({str(site_dir)!r}); from ionos_migrate.compat import shim; print(shim.installed())"
    assert run_child(code, {}).stdout.strip() == "False"
    enabled = run_child(code, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_UPSTREAM": f"{emulator}/v1"})
    assert enabled.stdout.strip() == "True", enabled.stderr


def test_options_from_env() -> None:
    assert options_from_env({}) == {"translate": True}
    options = options_from_env({"IONOS_MIGRATE_UPSTREAM": "http://u/v1", "IONOS_MIGRATE_LEGACY_UPSTREAM": "http://l",
                                "IONOS_MIGRATE_TRANSLATE": "0", "IONOS_MIGRATE_TOKEN": "x", "IONOS_MIGRATE_TIMEOUT": "2.5"})
    assert options == {"upstream": "http://u/v1", "legacy_upstream": "http://l", "translate": False, "token": "x",
                       "timeout": 2.5}
    with pytest.raises(AutoshimError, match="more than 0"):
        options_from_env({"IONOS_MIGRATE_TIMEOUT": "0"})
    for name in ("IONOS_MIGRATE_UPSTREAM", "IONOS_MIGRATE_LEGACY_UPSTREAM"):
        with pytest.raises(AutoshimError, match=f"{name}: 'localhost:8000' is not an http"):
            options_from_env({name: "localhost:8000"})


def test_installing_at_start_imports_no_http_library_and_no_pydantic(sitecustomize: Path, emulator: str) -> None:
    """Every Python process of a shimmed run pays for install(); it must stay cheap."""
    code = ("import sys; from ionos_migrate.compat import shim; "
            "print(shim.installed(), sorted(m for m in ('pydantic', 'httpx', 'requests', 'aiohttp', 'ssl') if m in sys.modules))")
    result = run_child(code, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_UPSTREAM": f"{emulator}/v1"},
                       sitecustomize=sitecustomize)
    assert result.stdout.strip() == "True []", result.stderr


def test_the_venv_make_builds_runs_the_hook(emulator: str) -> None:
    """`make test`/`make demo` make an editable install, which has no .pth of its own: make adds it."""
    from ionos_migrate.compat import hook

    assert hook.installed_hooks(), "no ionos_migrate_shim.pth in this environment: run `make install`"
    result = run_child(CHILD, {"IONOS_MIGRATE_SHIM": "1", "IONOS_MIGRATE_UPSTREAM": f"{emulator}/v1",
                               "IONOS_MIGRATE_TOKEN": "t"})  # no sitecustomize: only the .pth
    assert result.returncode == 0, result.stderr
    installed, _, _, status, kind = json.loads(result.stdout)
    assert installed and (status, kind) == (200, "prediction")


def test_install_hook_writes_the_hook_that_python_runs(tmp_path: Path) -> None:
    from ionos_migrate.compat import hook

    written = hook.install_hook(tmp_path)
    assert written.read_text() == PTH.read_text() and [p.name for p in tmp_path.iterdir()] == [PTH.name]
    code = f"import site; site.addsitedir({str(tmp_path)!r}); from ionos_migrate.compat import shim; print(shim.installed())"
    assert run_child(code, {"IONOS_MIGRATE_SHIM": "1"}).stdout.strip() == "True"


def test_the_cli_warns_when_the_shim_is_asked_for_and_no_hook_will_act(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ionos_migrate.cli import main
    from ionos_migrate.compat import hook

    monkeypatch.setenv("IONOS_MIGRATE_SHIM", "1")
    monkeypatch.setattr(hook, "installed_hooks", lambda: [])
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0 and "NOT shimmed" in result.output
    monkeypatch.setattr(hook, "installed_hooks", lambda: [PTH])
    assert "NOT shimmed" not in CliRunner().invoke(main, ["models"]).output
    monkeypatch.setenv("IONOS_MIGRATE_SHIM", "0")
    monkeypatch.setattr(hook, "installed_hooks", lambda: [])
    assert "NOT shimmed" not in CliRunner().invoke(main, ["models"]).output
