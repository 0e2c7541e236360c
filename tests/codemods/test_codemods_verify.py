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

DRIVER = textwrap.dedent('''\
    """Run every case's script in turn, each from its own folder, with its own modules."""
    import os
    import runpy
    import sys

    ROOT = os.path.dirname(os.path.abspath(__file__))
    for name, script in {cases!r}:
        print("==", name, flush=True)
        folder = os.path.join(ROOT, name)
        before = set(sys.modules)
        sys.path.insert(0, folder)
        os.chdir(folder)
        try:
            runpy.run_path(os.path.join(folder, script), run_name="__main__")
        except Exception as exc:  # one failing case must not hide the others
            print("failed:", type(exc).__name__, exc)
        finally:
            sys.stdout.flush()
            sys.path.remove(folder)
            os.chdir(ROOT)
            for module in set(sys.modules) - before:  # forget the case's own modules only
                path = getattr(sys.modules[module], "__file__", None) or ""
                if path.startswith(folder):
                    del sys.modules[module]
''')


def combined_tree(root: Path, side: str) -> Path:
    tree = root / side
    tree.mkdir()
    cases = [(name, case_meta(name)["run"]["script"]) for name in RUNNABLE]
    for name, _script in cases:
        shutil.copytree(CASES / name / side, tree / name)
    (tree / "run_cases.py").write_text(DRIVER.format(cases=cases), "utf-8")
    return tree


def test_runnable_cases_behave_the_same_before_and_after(tmp_path):
    assert len(RUNNABLE) >= 15
    model_map = ModelMap.bundled()
    for name in RUNNABLE:
        model_map.update(case_meta(name).get("models", {}), source=f"tests/cases/{name}/case.toml")
    before, after = combined_tree(tmp_path, "before"), combined_tree(tmp_path, "after")

    result = verify(before, after, [sys.executable, "run_cases.py"], model_map=model_map, timeout=120)

    assert result.before.exit_code == 0, result.before.stderr
    assert "failed:" not in result.before.stdout, result.before.stdout
    for name in RUNNABLE:
        assert f"== {name}\n" in result.before.stdout
    assert result.equivalent, result.render()
    assert len(result.before.requests) >= len(RUNNABLE)
    assert not result.after.legacy_calls
