"""What proves a rewrite: each runnable case's before/ (legacy API, through the in-process
shim) and after/ (OpenAI-compatible API) print the same and send the same upstream
requests, against the offline emulator, via ``ionos_migrate.compat.verify``.

All runnable cases go into one before tree and one after tree with a small driver
that runs each case's script in turn, so the whole library costs one verify run.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from ionos_migrate.compat.emulator import FAIL_ENV
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
    FAILING = os.environ.get("IONOS_MIGRATE_EMULATOR_FAIL", "").split("@")[0]  # the emulator answers this error


    def failure(exc):
        """An HTTP error by its status (requests, httpx, aiohttp, urllib and the openai SDK name it
        differently, and an error path may rightly raise the SDK's own); anything else in full."""
        for holder in (exc, getattr(exc, "response", None)):
            for name in ("status_code", "status", "code"):
                value = getattr(holder, name, None)
                if isinstance(value, int) and 400 <= value < 600:
                    return "HTTP error %d" % value
        if FAILING and isinstance(exc, KeyError) and exc.args and exc.args[0] in ("properties", "items", "metadata"):
            # legacy code without a status check read its answer keys from the error answer and stopped
            # there; through the SDK it stops at the call (codemods/error_path.py): the same path
            return "HTTP error " + FAILING
        return "%s %s" % (type(exc).__name__, exc)

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
            print("failed:", failure(exc))
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


# How each HTTP library (and the SDK) words an error answer in its exception; the text names the URL or the
# error body, which differ by nature (the http target's too). Error runs compare these by their status only.
ERROR_TEXTS = [
    re.compile(r"(\d{3}) (?:Client|Server) Error: .*? for url: \S+"),  # requests
    re.compile(r"(?:Client|Server) error '(\d{3}) [^']*' for url '[^']*'(?:\nFor more information check: \S+)?"),  # httpx
    re.compile(r"HTTP Error (\d{3}): .*"),  # urllib
    re.compile(r"(\d{3}), message='[^']*', url=\S+"),  # aiohttp
    re.compile(r"Error code: (\d{3}) - .*"),  # openai
]


def error_texts_masked(stdout: str) -> str:
    for pattern in ERROR_TEXTS:
        stdout = pattern.sub(lambda match: f"<HTTP error {match.group(1)}>", stdout)
    return stdout


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


def check_equivalent(tmp_path: Path, after_side: str, names: list[str], status: int | None = None):
    """``status``: the emulator answers every API request with it (IONOS_MIGRATE_EMULATOR_FAIL), so the
    error paths are compared: the same requests (one each: no retries), the same output."""
    before, after = combined_tree(tmp_path, "before", names), combined_tree(tmp_path, after_side, names)

    with pytest.MonkeyPatch.context() as patch:
        if status is not None:
            patch.setenv(FAIL_ENV, str(status))
        result = verify(before, after, [sys.executable, "run_cases.py"], model_map=model_map_of(names), timeout=120)

    assert result.before.exit_code == 0, result.before.stderr
    for name in names:
        assert f"== {name}\n" in result.before.stdout
    if status is None:
        assert "failed:" not in result.before.stdout, result.before.stdout
        assert "failed:" not in result.after.stdout, result.after.stdout
        assert result.equivalent, result.render()
    else:
        assert {r["status"] for r in result.before.requests if r["path"].startswith("/v1/")} == {status}
        assert not [d for d in result.differences if d.kind != "stdout"], result.render()
        assert error_texts_masked(result.after.stdout) == error_texts_masked(result.before.stdout), result.render()
    assert len(result.before.requests) >= len(names)
    assert not result.after.legacy_calls
    return result


def test_runnable_cases_behave_the_same_before_and_after(tmp_path):
    assert len(RUNNABLE) >= 15
    check_equivalent(tmp_path, "after", RUNNABLE)


def test_runnable_cases_behave_the_same_through_the_openai_sdk(tmp_path):
    """--target openai: after_openai/ runs through the real openai package (and the httpx it uses)."""
    assert len(RUNNABLE_OPENAI) >= 10
    check_equivalent(tmp_path, "after_openai", RUNNABLE_OPENAI)


@pytest.mark.parametrize("status", [401, 500])
def test_the_openai_rewrites_keep_the_error_paths(tmp_path, status):
    """Every API request answered 401 (a bad token) or 500: each program takes the same error path
    through the SDK as through its HTTP library, with as many requests (max_retries=0)."""
    result = check_equivalent(tmp_path, "after_openai", RUNNABLE_OPENAI, status)
    assert any(FAIL_ENV in note for note in result.notes)
