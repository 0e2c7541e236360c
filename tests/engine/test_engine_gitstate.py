"""Which files count as uncommitted for apply's refusal."""

from __future__ import annotations

from engine_helpers import git, make_tree
from ionos_migrate.gitstate import uncommitted


def test_modified_staged_and_untracked_files_are_dirty_clean_ones_are_not(tmp_path):
    make_tree(tmp_path, {"clean.py": "a = 1\n", "edited.py": "b = 1\n", "staged.py": "c = 1\n", "sub/x.py": "d\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    (tmp_path / "edited.py").write_text("b = 2\n")
    (tmp_path / "staged.py").write_text("c = 2\n")
    git(tmp_path, "add", "staged.py")
    (tmp_path / "new.py").write_text("e = 1\n")
    names = ["clean.py", "edited.py", "staged.py", "new.py", "sub/x.py"]
    dirty = uncommitted([tmp_path / name for name in names])
    assert sorted(p.name for p in dirty) == ["edited.py", "new.py", "staged.py"]
    assert "untracked" in dirty[tmp_path / "new.py"]


def test_files_outside_a_work_tree_are_not_checked(tmp_path):
    make_tree(tmp_path, {"a.py": "x = 1\n"})
    assert uncommitted([tmp_path / "a.py"]) == {}


def test_without_git_installed_files_in_a_work_tree_are_not_taken_as_clean(tmp_path, monkeypatch):
    make_tree(tmp_path, {"repo/a.py": "x = 1\n", "loose/b.py": "y = 1\n"})
    git(tmp_path / "repo", "init", "-q")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    dirty = uncommitted([tmp_path / "repo/a.py", tmp_path / "loose/b.py"])
    assert list(dirty) == [tmp_path / "repo/a.py"] and "not installed" in dirty[tmp_path / "repo/a.py"]


def test_a_work_tree_git_cannot_read_is_not_taken_as_clean(tmp_path):
    # A .git that git refuses (here: it points nowhere; in real life, say, a repository owned by another user).
    make_tree(tmp_path, {"repo/a.py": "x = 1\n", "repo/.git": "gitdir: ../nowhere\n"})
    dirty = uncommitted([tmp_path / "repo/a.py"])
    assert list(dirty) == [tmp_path / "repo/a.py"] and "git status failed" in dirty[tmp_path / "repo/a.py"]
