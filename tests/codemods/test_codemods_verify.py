"""What proves a rewrite: each runnable case's before/ (legacy API, through the in-process
shim) and after/ (OpenAI-compatible API) print the same and send the same upstream
requests, against the offline emulator, via ``ionos_migrate.compat.verify``.

All runnable cases go into one before tree and one after tree with a small driver
that runs each case's script in turn, so the whole library costs one verify run.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.verify import verify

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_codemods_cases import CASE_NAMES, CASES, case_meta  # noqa: E402

RUNNABLE = [name for name in CASE_NAMES if "run" in case_meta(name)]
# --target openai: runnable cases the SDK rewrite migrates as far as the http one (its manual sites, if any, are
# values the migrated code translates at run time; a case the SDK leaves further behind says why in case.toml)
RUNNABLE_OPENAI = [
    name for name in RUNNABLE
    if (CASES / name / "after_openai").is_dir() and case_meta(name).get("expect_openai") == case_meta(name)["expect"]
]

DRIVER = textwrap.dedent('''\
    """Run every case's script in turn, each from its own folder, with its own modules."""
    import os
    import runpy
    import sys

    ROOT = os.path.dirname(os.path.abspath(__file__))
    for name, script, env in {cases!r}:
        print("==", name, flush=True)
        folder = os.path.join(ROOT, name)
        before = set(sys.modules)
        sys.path.insert(0, folder)
        os.chdir(folder)
        saved = {{key: os.environ.get(key) for key in env}}
        os.environ.update(env)  # the case's deployment: a base URL still set to the legacy value
        try:
            runpy.run_path(os.path.join(folder, script), run_name="__main__")
        except Exception as exc:  # one failing case must not hide the others
            print("failed:", type(exc).__name__, exc)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            sys.stdout.flush()
            sys.path.remove(folder)
            os.chdir(ROOT)
            for module in set(sys.modules) - before:  # forget the case's own modules only
                path = getattr(sys.modules[module], "__file__", None) or ""
                if path.startswith(folder):
                    del sys.modules[module]
''')


def combined_tree(root: Path, side: str, names: list[str] = RUNNABLE) -> Path:
    tree = root / side
    tree.mkdir()
    cases = [(name, case_meta(name)["run"]["script"], case_meta(name)["run"].get("env", {})) for name in names]
    for name, _script, _env in cases:
        shutil.copytree(CASES / name / side, tree / name)
    (tree / "run_cases.py").write_text(DRIVER.format(cases=cases), "utf-8")
    return tree


def model_map_of(names: list[str]) -> ModelMap:
    model_map = ModelMap.bundled()
    for name in names:
        model_map.update(case_meta(name).get("models", {}), source=f"tests/cases/{name}/case.toml")
    return model_map


def check_equivalent(tmp_path: Path, after_side: str, names: list[str]) -> None:
    before, after = combined_tree(tmp_path, "before", names), combined_tree(tmp_path, after_side, names)

    result = verify(before, after, [sys.executable, "run_cases.py"], model_map=model_map_of(names), timeout=120)

    assert result.before.exit_code == 0, result.before.stderr
    assert "failed:" not in result.before.stdout, result.before.stdout
    assert "failed:" not in result.after.stdout, result.after.stdout
    for name in names:
        assert f"== {name}\n" in result.before.stdout
    assert result.equivalent, result.render()
    assert len(result.before.requests) >= len(names)
    assert not result.after.legacy_calls


def test_runnable_cases_behave_the_same_before_and_after(tmp_path):
    assert len(RUNNABLE) >= 15
    check_equivalent(tmp_path, "after", RUNNABLE)


def test_runnable_cases_behave_the_same_through_the_openai_sdk(tmp_path):
    """--target openai: after_openai/ runs through the real openai package (and the httpx it uses)."""
    assert len(RUNNABLE_OPENAI) >= 10
    check_equivalent(tmp_path, "after_openai", RUNNABLE_OPENAI)
