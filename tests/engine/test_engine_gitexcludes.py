"""Discovery honours what git ignores outside .gitignore files: .git/info/exclude and core.excludesFile.

Every test runs the CLI with its own HOME, so the machine's git configuration plays no part.
"""

from __future__ import annotations

import pytest

from engine_helpers import LEGACY_MODULE, git, make_tree, run_subprocess


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty HOME; no XDG_CONFIG_HOME; no system git config."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return path


def repo_with_legacy_files(root, *names: str):
    """A git work tree where each named module calls the legacy API, plus a clean one."""
    make_tree(root, {name: LEGACY_MODULE for name in names} | {"clean.py": "print('hi')\n"})
    git(root, "init", "-q")
    return root


def scanned_paths(result) -> set[str]:
    """The files scan reported a site in (one line per finding: path:line:column: ...)."""
    output = result.stdout if hasattr(result, "returncode") else result.output
    return {line.split(":", 1)[0] for line in output.splitlines() if ": migratable [" in line}


def test_info_exclude_is_honoured(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py", "generated/client.py", "local_try.py")
    (repo / ".git/info/exclude").write_text("# mine\ngenerated/\nlocal_*.py\n", encoding="utf-8")
    result = cli(repo, "scan", "--no-progress")
    assert result.exit_code == 1
    assert scanned_paths(result) == {"app.py"}


def test_only_info_exclude_patterns_means_a_clean_scan_exits_0(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "scratch/try.py")
    (repo / ".git/info/exclude").write_text("scratch/\n", encoding="utf-8")
    assert cli(repo, "scan", "--no-progress").exit_code == 0


def test_info_exclude_applies_when_scanning_a_subfolder(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "src/app.py", "src/generated/client.py")
    (repo / ".git/info/exclude").write_text("/src/generated/\n", encoding="utf-8")
    result = cli(repo / "src", "scan", "--no-progress", ".")
    assert scanned_paths(result) == {"app.py"}


def test_default_global_excludes_file_under_dot_config(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py", "notes_scratch.py")
    make_tree(home, {".config/git/ignore": "*_scratch.py\n"})
    assert scanned_paths(cli(repo, "scan", "--no-progress")) == {"app.py"}


def test_xdg_config_home_moves_the_default_global_excludes_file(tmp_path, home, cli, monkeypatch):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py", "notes_scratch.py", "other_tmp.py")
    make_tree(home, {".config/git/ignore": "other_tmp.py\n", "xdg/git/ignore": "*_scratch.py\n"})
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg"))
    assert scanned_paths(cli(repo, "scan", "--no-progress")) == {"app.py", "other_tmp.py"}


def test_core_excludes_file_from_the_global_config_with_a_tilde(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py", "wip.py", "default_ignored.py")
    make_tree(home, {
        ".gitconfig": "[user]\n\tname = t\n[core]\n\texcludesFile = ~/my-ignores\n",
        "my-ignores": "wip.py\n",
        ".config/git/ignore": "default_ignored.py\n",  # not read: core.excludesFile replaces it
    })
    assert scanned_paths(cli(repo, "scan", "--no-progress")) == {"app.py", "default_ignored.py"}


def test_core_excludes_file_from_the_repository_config(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py", "wip.py")
    make_tree(tmp_path, {"team-ignores": "wip.py\n"})
    git(repo, "config", "core.excludesFile", str(tmp_path / "team-ignores"))
    assert scanned_paths(cli(repo, "scan", "--no-progress")) == {"app.py"}


def test_core_excludes_file_is_read_from_config_files_when_git_is_not_installed(tmp_path, home, cli, monkeypatch):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py", "wip.py", "mine.py")
    make_tree(home, {".gitconfig": "[core]\n\texcludesfile = ~/my-ignores\n", "my-ignores": "wip.py\n"})
    (repo / ".git/info/exclude").write_text("mine.py\n", encoding="utf-8")
    (tmp_path / "no-git").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-git"))
    assert scanned_paths(cli(repo, "scan", "--no-progress")) == {"app.py"}


def test_precedence_is_gits_global_then_info_exclude_then_gitignore(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "a.py", "b.py", "c.py", "sub/d.py")
    make_tree(home, {".config/git/ignore": "*.py\n"})           # lowest: ignores every module
    (repo / ".git/info/exclude").write_text("!a.py\n!b.py\n!c.py\n!sub/\n", encoding="utf-8")  # beats it
    make_tree(repo, {".gitignore": "b.py\n", "sub/.gitignore": "!d.py\n"})  # beats both
    # git's own answer, for the record: the same files are ignored.
    ignored = git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all")
    assert "!! b.py" in ignored and "!! c.py" not in ignored and "!! sub/d.py" not in ignored
    assert scanned_paths(cli(repo, "scan", "--no-progress")) == {"a.py", "c.py", "sub/d.py"}


def test_outside_a_git_work_tree_the_global_excludes_file_does_not_apply(tmp_path, home, cli):
    make_tree(tmp_path / "plain", {"app.py": LEGACY_MODULE, "notes_scratch.py": LEGACY_MODULE})
    make_tree(home, {".config/git/ignore": "*_scratch.py\n"})
    assert scanned_paths(cli(tmp_path / "plain", "scan", "--no-progress")) == {"app.py", "notes_scratch.py"}


def test_a_linked_worktree_uses_the_main_repositorys_info_exclude(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "worktree", "add", "-q", str(tmp_path / "linked"))
    make_tree(tmp_path / "linked", {"wip.py": LEGACY_MODULE})
    (repo / ".git/info/exclude").write_text("wip.py\n", encoding="utf-8")
    assert scanned_paths(cli(tmp_path / "linked", "scan", "--no-progress")) == {"app.py"}


def test_a_file_named_on_the_command_line_is_taken_even_if_excluded(tmp_path, home, cli):
    repo = repo_with_legacy_files(tmp_path / "repo", "wip.py")
    (repo / ".git/info/exclude").write_text("wip.py\n", encoding="utf-8")
    assert cli(repo, "scan", "--no-progress", "wip.py").exit_code == 1


def test_real_subprocess_honours_both(tmp_path, home):
    repo = repo_with_legacy_files(tmp_path / "repo", "app.py", "wip.py", "notes_scratch.py")
    (repo / ".git/info/exclude").write_text("wip.py\n", encoding="utf-8")
    make_tree(home, {".config/git/ignore": "*_scratch.py\n"})
    result = run_subprocess(repo, "scan", "--no-progress")
    assert result.returncode == 1, result.stderr
    assert scanned_paths(result) == {"app.py"}
