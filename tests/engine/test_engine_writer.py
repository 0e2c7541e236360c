"""Atomic writes that keep the file mode and refuse what they must not do."""

from __future__ import annotations

import stat

import pytest

from ionos_migrate.writer import WriteError, atomic_write


def leftovers(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".ionos-migrate")]


def test_replaces_content_and_keeps_the_mode(tmp_path):
    path = tmp_path / "tool.py"
    path.write_bytes(b"old\n")
    path.chmod(0o751)
    atomic_write(path, b"new\n", expected=b"old\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert leftovers(tmp_path) == []


def test_read_only_file_is_not_overwritten(tmp_path):
    path = tmp_path / "ro.py"
    path.write_bytes(b"old\n")
    path.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        atomic_write(path, b"new\n")
    assert path.read_bytes() == b"old\n" and leftovers(tmp_path) == []


def test_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"someone else's edit\n")
    with pytest.raises(WriteError, match="changed on disk"):
        atomic_write(path, b"new\n", expected=b"old\n")
    assert path.read_bytes() == b"someone else's edit\n"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(WriteError, match="cannot write"):
        atomic_write(tmp_path / "gone.py", b"new\n")


def test_a_symlink_stays_a_link_and_its_target_gets_the_content(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "settings.py"
    target.write_bytes(b"old\n")
    link = tmp_path / "settings.py"
    link.symlink_to(target)
    atomic_write(link, b"new\n", expected=b"old\n")
    assert link.is_symlink() and target.read_bytes() == b"new\n"
    assert leftovers(tmp_path) == leftovers(tmp_path / "real") == []
