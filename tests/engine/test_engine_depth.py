"""Code nested too deep for the parser: reported as an error finding, never the end of the run."""

from __future__ import annotations

import faulthandler
import json
import multiprocessing

import pytest

from engine_helpers import LEGACY_MODULE, LEGACY_URL, deep_sources, make_tree, run_subprocess, segfault

from ionos_migrate import engine
from ionos_migrate.codemods.facts import ModuleFacts
from ionos_migrate.depth import MAX_BRACKETS, bracket_depth, too_deep
from ionos_migrate.discovery import SourceFile
from ionos_migrate.project_phase import collect_file_facts

forked_workers = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patch must reach the workers by fork")


def findings(report_path) -> dict[str, list[dict]]:
    by_path: dict[str, list[dict]] = {}
    for finding in json.loads(report_path.read_text("utf-8"))["findings"]:
        by_path.setdefault(finding["path"], []).append(finding)
    return by_path


@pytest.mark.parametrize("name", sorted(deep_sources()))
def test_too_deep_names_each_shape_that_kills_libcst(name):
    assert too_deep(deep_sources()[name])


def test_ordinary_and_newer_code_is_not_too_deep():
    assert too_deep(LEGACY_MODULE) is None
    assert too_deep("x = " + "(" * MAX_BRACKETS + "1" + ")" * MAX_BRACKETS + "\n") is None
    assert too_deep("x = a" + " and a" * 2_000 + "\n") is None
    assert too_deep("type Pair = tuple[int, int]\n") is None  # newer syntax than 3.11's: libcst decides
    assert too_deep("print 'python 2'\n") is None  # a plain syntax error: libcst reports it


def test_bracket_depth_counts_code_only():
    assert bracket_depth("x = f(a[1], {2: (3,)})  # ((((((\ns = '[[[[[['\n") == 3
    # a syntax error on line 1 does not hide depth further down
    assert bracket_depth("print 'x'\ny = " + "[" * 300 + "]" * 300 + "\n") > MAX_BRACKETS


def test_a_deep_file_and_a_legacy_file_exit_1_with_both_in_the_report(tmp_path):
    """The issue's test: before, libcst's parser took the whole process down (exit -11, no report)."""
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE, **deep_sources()})
    result = run_subprocess(tmp_path, "scan", "--report", "r.json")
    assert result.returncode == 1, result.stderr
    found = findings(tmp_path / "r.json")
    assert [f["status"] for f in found["legacy.py"]] == ["migratable"]
    for name in deep_sources():
        (finding,) = found[name]
        assert (finding["status"], finding["rule"]) == ("error", "parse-error")
        assert "not parsed" in finding["message"] and "left unchanged" in finding["message"]


def test_the_pool_run_goes_on_past_a_deep_file(tmp_path):
    """Before: BrokenProcessPool, exit 2, no report, no other file processed."""
    files = {f"legacy{i}.py": LEGACY_MODULE for i in range(8)}
    make_tree(tmp_path, {**files, "deep_brackets.py": deep_sources()["deep_brackets.py"]})
    result = run_subprocess(tmp_path, "apply", "--jobs", "2", "--report", "r.json")
    assert result.returncode == 1, result.stderr
    found = findings(tmp_path / "r.json")
    assert all([f["status"] for f in found[name]] == ["migrated"] for name in files)
    assert found["deep_brackets.py"][0]["status"] == "error"
    assert LEGACY_URL not in (tmp_path / "legacy3.py").read_text()


def _pool_scan_with_a_deep_file(tmp_path, cli) -> list[dict]:
    """`scan --jobs 2` over 8 legacy modules and a deep one: every site found, exit 1. The deep file's findings."""
    files = {f"legacy{i}.py": LEGACY_MODULE for i in range(8)}
    make_tree(tmp_path, {**files, "deep_brackets.py": deep_sources()["deep_brackets.py"]})
    result = cli(tmp_path, "scan", "--jobs", "2", "--report", "r.json")
    assert result.exit_code == 1, result.output
    found = findings(tmp_path / "r.json")
    assert [f["status"] for name in files for f in found[name]] == ["migratable"] * 8
    return found["deep_brackets.py"]


def _no_depth_check(source: str) -> None:
    faulthandler.disable()  # runs in the worker, whose death is expected: pytest's stack dump would be noise
    return None


@forked_workers
def test_a_worker_killed_by_the_parser_becomes_an_error_finding(tmp_path, cli, monkeypatch):
    """Past the depth check (here switched off), libcst itself kills the worker: the pool isolates the file."""
    monkeypatch.setattr(engine, "too_deep", _no_depth_check)
    (crash,) = _pool_scan_with_a_deep_file(tmp_path, cli)
    assert crash["status"] == "error" and "parser crashed" in crash["message"] and "SIGSEGV" in crash["message"]


def _crash_on_deep(file: SourceFile, legacy_ids=frozenset()) -> ModuleFacts:
    if file.rel.startswith("deep"):
        segfault()
    return ModuleFacts()


@forked_workers
def test_a_worker_dying_in_the_project_phase_loses_nothing(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(engine, "collect_file_facts", _crash_on_deep)
    (finding,) = _pool_scan_with_a_deep_file(tmp_path, cli)
    assert finding["status"] == "error"  # the file phase's depth check reports it


@pytest.mark.parametrize("name", sorted(deep_sources()))
def test_the_project_phase_reads_deep_files_without_failing(tmp_path, name):
    make_tree(tmp_path, {name: deep_sources()[name]})
    # the stdlib parser refuses all but the and/or chain (flat for it) with an exception, never a crash
    constants = collect_file_facts(SourceFile(str(tmp_path / name), name, "python")).constants
    assert constants == ({"URL": LEGACY_URL} if name == "deep_and.py" else {})
