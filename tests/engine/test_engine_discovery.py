"""Discovery: which files a run looks at, and stable shards."""

from __future__ import annotations

import pytest

from engine_helpers import git, make_tree
from ionos_migrate.discovery import ShardError, discover, in_shard, kind_of, parse_shard


def rels(files) -> list[str]:
    return [f.rel for f in files]


def test_finds_python_notebooks_and_text_files_and_nothing_else(tmp_path):
    make_tree(tmp_path, {
        "app.py": "", "nb.ipynb": "{}", ".env": "", "deploy/Dockerfile": "", "cfg/settings.yaml": "",
        "web/client.ts": "", "README.rst": "", "docs/guide.md": "", "image.png": b"\x89PNG", "lib/stub.pyi": "",
    })
    assert rels(discover([tmp_path])) == [".env", "README.rst", "app.py", "cfg/settings.yaml", "deploy/Dockerfile",
                                          "nb.ipynb", "web/client.ts"]


def test_kinds():
    assert kind_of("a.py") == "python"
    assert kind_of("a.ipynb") == "notebook"
    assert kind_of(".env.production") == kind_of("Dockerfile.dev") == kind_of("x.yml") == "text"
    assert kind_of("notes.txt") is None


def test_skips_virtualenvs_vcs_and_caches_by_default(tmp_path):
    make_tree(tmp_path, {
        "keep.py": "", ".git/hooks/x.py": "", ".venv/lib/x.py": "", "node_modules/m/x.js": "",
        "pkg/__pycache__/x.py": "", "myenv/pyvenv.cfg": "", "myenv/lib/x.py": "", ".tox/py/x.py": "",
    })
    assert rels(discover([tmp_path])) == ["keep.py"]


def test_honours_gitignore_files_deeper_ones_win(tmp_path):
    make_tree(tmp_path, {
        ".gitignore": "build/\n*.gen.py\n",
        "src/.gitignore": "!keep.gen.py\nlocal_*.py\n",
        "app.py": "", "build/out.py": "", "x.gen.py": "", "src/keep.gen.py": "", "src/local_dev.py": "",
        "src/mod.py": "",
    })
    git(tmp_path, "init", "-q")
    assert rels(discover([tmp_path])) == ["app.py", "src/keep.gen.py", "src/mod.py"]


def test_gitignore_of_the_work_tree_applies_when_scanning_a_subfolder(tmp_path):
    make_tree(tmp_path, {".gitignore": "generated/\n", "src/generated/x.py": "", "src/y.py": ""})
    git(tmp_path, "init", "-q")
    assert rels(discover([tmp_path / "src"])) == ["y.py"]


def test_include_and_exclude_globs_relative_to_the_scanned_folder(tmp_path):
    make_tree(tmp_path, {"app/a.py": "", "app/tests/t.py": "", "tools/b.py": "", "c.py": "", "app/x.json": ""})
    assert rels(discover([tmp_path], exclude=["tests/"])) == ["app/a.py", "app/x.json", "c.py", "tools/b.py"]
    assert rels(discover([tmp_path], include=["app/**/*.py"])) == ["app/a.py", "app/tests/t.py"]
    assert rels(discover([tmp_path], include=["*.py"], exclude=["tools"])) == ["app/a.py", "app/tests/t.py", "c.py"]


def test_a_file_named_explicitly_is_taken_even_if_ignored_but_excludes_apply(tmp_path):
    make_tree(tmp_path, {".gitignore": "ignored.py\n", "ignored.py": "", "other.py": ""})
    git(tmp_path, "init", "-q")
    assert rels(discover([tmp_path / "ignored.py"])) == ["ignored.py"]
    assert discover([tmp_path / "ignored.py"], exclude=["ignored.py"]) == []


def test_overlapping_paths_give_each_file_once(tmp_path):
    make_tree(tmp_path, {"pkg/a.py": "", "pkg/b.py": ""})
    files = discover([tmp_path, tmp_path / "pkg", tmp_path / "pkg" / "a.py"])
    assert sorted(str(f.path) for f in files) == sorted({str(f.path) for f in files})
    assert len(files) == 2


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        discover([tmp_path / "nope"])


def test_shards_cover_every_file_exactly_once(tmp_path):
    make_tree(tmp_path, {f"pkg{i % 7}/mod_{i}.py": "" for i in range(300)})
    files = discover([tmp_path])
    for count in (1, 2, 3, 5):
        shares = [[f.rel for f in files if in_shard(f, index, count)] for index in range(1, count + 1)]
        everything = [rel for share in shares for rel in share]
        assert sorted(everything) == sorted(f.rel for f in files)  # each file once, none lost
        if count > 1:
            assert all(share for share in shares)  # and every shard gets some work


def test_shards_are_stable_across_checkouts(tmp_path):
    make_tree(tmp_path / "one", {f"m{i}.py": "" for i in range(40)})
    make_tree(tmp_path / "two", {f"m{i}.py": "" for i in range(40)})
    first = [f.rel for f in discover([tmp_path / "one"]) if in_shard(f, 2, 3)]
    second = [f.rel for f in discover([tmp_path / "two"]) if in_shard(f, 2, 3)]
    assert first == second


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_bad_shard_specs_are_refused(text):
    with pytest.raises(ShardError):
        parse_shard(text)


def test_shard_spec():
    assert parse_shard("2/4") == (2, 4)


def test_excludes_apply_to_named_files_by_their_path_from_the_current_folder(tmp_path, monkeypatch):
    make_tree(tmp_path, {"src/vendor/lib.py": "", "src/app.py": ""})
    monkeypatch.chdir(tmp_path)
    named = [tmp_path / "src/vendor/lib.py", tmp_path / "src/app.py"]
    assert rels(discover(named, exclude=["vendor/"])) == ["src/app.py"]
