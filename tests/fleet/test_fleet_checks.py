"""The check before a commit: the rewritten files compile, and --check-cmd passes."""

from __future__ import annotations

import subprocess

import pytest
from fleet_helpers import git_env

from ionos_migrate.fleet.checks import command_check, compile_check


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git work tree with one commit, as the current folder."""
    env = git_env(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "newer.py").write_text("match = (\n")  # does not compile with any Python
    (tmp_path / "nb.ipynb").write_text('{"cells": []}\n')
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "base")):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    monkeypatch.chdir(tmp_path)
    for key, value in env.items():
        if key.startswith("GIT_"):
            monkeypatch.setenv(key, value)
    return tmp_path


def test_a_rewrite_that_compiles_passes(repo):
    (repo / "ok.py").write_text("x = 2\n")
    assert compile_check("HEAD") is None


def test_a_rewrite_that_breaks_a_file_is_refused_with_file_and_line(repo):
    (repo / "ok.py").write_text("x = 1\ndef f(:\n    pass\n")
    problem = compile_check("HEAD")
    assert problem is not None and "ok.py:2:" in problem and "nothing was committed" in problem


def test_a_file_that_did_not_compile_before_is_not_held_against_the_rewrite(repo):
    (repo / "newer.py").write_text("match = (\n# still broken\n")
    assert compile_check("HEAD") is None


def test_a_notebook_the_rewrite_left_as_broken_json_is_refused(repo):
    (repo / "nb.ipynb").write_text('{"cells": [}\n')
    assert "nb.ipynb: the rewritten notebook is not JSON" in compile_check("HEAD")


def test_a_deleted_file_is_nothing_to_compile(repo):
    (repo / "ok.py").unlink()
    (repo / "nb.ipynb").unlink()
    assert compile_check("HEAD") is None


def test_check_cmd_passes_fails_with_the_end_of_its_output_and_times_out(repo):
    assert command_check("test -f ok.py") is None  # runs in the current folder
    lines = "; ".join(f"echo line{n}" for n in range(50))
    problem = command_check(f"{lines}; echo 'the reason' >&2; exit 3")
    assert problem.startswith("--check-cmd") and "exited 3" in problem
    assert "the reason" in problem and "line49" in problem and "line5\n" not in problem  # the end, not all
    assert "did not finish within 0.2 s" in command_check("sleep 5", timeout=0.2)
