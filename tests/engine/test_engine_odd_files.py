"""Symlinks, FIFOs and folders the walk cannot read: each file once, nothing blocks, nothing silent."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from engine_helpers import CLEAN_MODULE, LEGACY_MODULE, LEGACY_URL, as_nobody, make_tree, run_subprocess

from ionos_migrate.cli import main
from ionos_migrate.discovery import WalkNote, discover


def rels(files) -> list[str]:
    return [f.rel for f in files]


def report(path) -> dict:
    return json.loads(path.read_text("utf-8"))


def test_a_symlink_and_its_target_count_once_as_the_target(tmp_path):
    make_tree(tmp_path, {"pkg/real.py": "", "other.py": ""})
    (tmp_path / "a_link.py").symlink_to(tmp_path / "pkg/real.py")  # met before its target
    (tmp_path / "pkg/z_link.py").symlink_to("real.py")  # met after it
    assert rels(discover([tmp_path])) == ["other.py", "pkg/real.py"]
    assert rels(discover([tmp_path / "pkg", tmp_path / "a_link.py"])) == ["real.py"]


def test_a_link_to_a_file_outside_the_tree_is_taken_and_a_link_to_a_folder_is_not_followed(tmp_path):
    make_tree(tmp_path, {"outside/shared.py": "", "outside/lib/x.py": "", "tree/app.py": ""})
    (tmp_path / "tree/shared.py").symlink_to(tmp_path / "outside/shared.py")
    (tmp_path / "tree/lib").symlink_to(tmp_path / "outside/lib")
    (tmp_path / "tree/gone.py").symlink_to(tmp_path / "nowhere.py")  # broken: reading it reports it
    assert rels(discover([tmp_path / "tree"])) == ["app.py", "gone.py", "shared.py"]


def test_a_symlinked_legacy_module_is_one_changed_file(tmp_path, cli):
    """Before: the link and its target were two changed files with two migrated sites."""
    make_tree(tmp_path, {"app/client.py": LEGACY_MODULE})
    (tmp_path / "client_link.py").symlink_to(tmp_path / "app/client.py")
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 0, result.output
    data = report(tmp_path / "r.json")
    assert data["summary"]["files_changed"] == 1 and data["summary"]["sites_migrated"] == 1
    assert [f["path"] for f in data["findings"]] == ["app/client.py"]
    assert (tmp_path / "client_link.py").is_symlink() and LEGACY_URL not in (tmp_path / "app/client.py").read_text()


def test_a_fifo_named_like_python_is_a_note_and_does_not_block(tmp_path):
    """Before: the prefilter opened the FIFO and waited for a writer forever."""
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})
    os.mkfifo(tmp_path / "pipe.py")
    notes: list[WalkNote] = []
    assert rels(discover([tmp_path], notes=notes)) == ["legacy.py"]
    assert [(n.rel, n.status) for n in notes] == [("pipe.py", "info")] and "FIFO" in notes[0].message
    result = run_subprocess(tmp_path, "scan", "--report", "r.json")  # the helper gives up after 120 s
    assert result.returncode == 1, result.stderr
    found = {f["path"]: f for f in report(tmp_path / "r.json")["findings"]}
    assert found["pipe.py"]["status"] == "info" and "not a regular file" in found["pipe.py"]["message"]
    assert found["legacy.py"]["status"] == "migratable"


@pytest.fixture
def open_tmp():
    """A folder user nobody can reach (pytest's tmp_path is under a folder only root may enter)."""
    folder = Path(tempfile.mkdtemp(prefix="ionos-migrate-test-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def _discover_with_notes(root: Path) -> tuple[list[str], list[tuple[str, str, str]]]:
    notes: list[WalkNote] = []
    files = discover([root], notes=notes)
    return rels(files), [(n.rel, n.status, n.message) for n in notes]


def _scan(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["scan", str(root), "--jobs", "1", "--no-progress"], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_folder_that_cannot_be_read_is_an_error_finding(open_tmp):
    """Before: os.walk dropped it without a word, and scan said the tree was clean."""
    make_tree(open_tmp, {"app.py": CLEAN_MODULE, "locked/legacy.py": LEGACY_MODULE, "open/x.py": CLEAN_MODULE})
    (open_tmp / "locked").chmod(0)
    files, notes = as_nobody(_discover_with_notes, open_tmp)
    assert files == ["app.py", "open/x.py"] and [note[:2] for note in notes] == [("locked", "error")]
    exit_code, output = as_nobody(_scan, open_tmp)
    assert exit_code == 1, output
    assert "locked:1:1: error [read-error] cannot read this folder (Permission denied): its files were not " \
        "scanned" in output
