"""Statuses say what happened: scan and diff call a site they would rewrite "migratable", apply "migrated"."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from engine_helpers import LEGACY_MODULE, make_tree, notebook  # noqa: E402

FORMATS = ("json", "sarif", "md", "html")


def invoke(cwd: Path, *args: str, monkeypatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def tree(tmp_path):
    return make_tree(tmp_path, {"app/legacy.py": LEGACY_MODULE, "nb.ipynb": notebook(LEGACY_MODULE)})


@pytest.mark.parametrize("command", ["scan", "diff"])
def test_a_site_not_written_is_never_called_migrated_in_any_output(tree, command, monkeypatch):
    for fmt in FORMATS:
        result = invoke(tree, command, "--no-progress", "--report", f"r.{fmt}", monkeypatch=monkeypatch)
        assert result.exit_code == 1, result.output
        text = (tree / f"r.{fmt}").read_text("utf-8")
        assert "migratable" in text, fmt
        if fmt == "json":  # its summary keeps a sites_migrated count (0) beside sites_migratable
            data = json.loads(text)
            assert {f["status"] for f in data["findings"]} == {"migratable"}
            assert data["summary"]["sites_migrated"] == 0 and data["summary"]["sites_migratable"] == 2
        elif fmt == "sarif":  # the rules' help explains every status; the results use one
            results = json.loads(text)["runs"][0]["results"]
            assert {r["properties"]["status"] for r in results} == {"migratable"}
            assert not [r for r in results if "migrated" in r["message"]["text"]]
        else:
            if fmt == "html":  # the style sheet has a class for each status
                text = text.split("</style>", 1)[1]
            assert "migrated" not in text.replace("ionos-migrate", ""), (fmt, text[:2000])
    out = invoke(tree, command, "--no-progress", monkeypatch=monkeypatch).output
    assert "migrated" not in out.replace("ionos-migrate", "")
    if command == "scan":
        assert "app/legacy.py:3:12: migratable [ionos-predictions]" in out
        assert "nb.ipynb[cell 1]:3:12: migratable [ionos-predictions]" in out
    assert "migratable" in out  # the summary table's column


def test_apply_calls_what_it_wrote_migrated_and_a_later_scan_finds_nothing(tree, monkeypatch):
    result = invoke(tree, "apply", "--no-progress", "--allow-dirty", "--report", "r.json", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "app/legacy.py:3:12: migrated [ionos-predictions]" in result.output
    data = json.loads((tree / "r.json").read_text("utf-8"))
    assert {f["status"] for f in data["findings"]} == {"migrated"}
    assert data["summary"]["sites_migrated"] == 2 and data["summary"]["sites_migratable"] == 0
    again = invoke(tree, "scan", "--no-progress", "--report", "again.json", monkeypatch=monkeypatch)
    assert again.exit_code == 0 and json.loads((tree / "again.json").read_text("utf-8"))["findings"] == []


def test_an_unwritable_file_is_manual_after_apply_not_migrated(tree, monkeypatch):
    target = tree / "app" / "legacy.py"
    target.chmod(0o444)
    try:
        result = invoke(tree, "apply", "--no-progress", "--allow-dirty", "--report", "r.json", monkeypatch=monkeypatch)
    finally:
        target.chmod(0o644)
    data = json.loads((tree / "r.json").read_text("utf-8"))
    statuses = {(f["path"], f["status"]) for f in data["findings"]}
    if ("app/legacy.py", "error") not in statuses:
        pytest.skip("running as a user who may write read-only files")  # root ignores the mode
    assert ("app/legacy.py", "manual") in statuses and ("app/legacy.py", "migrated") not in statuses
    assert result.exit_code == 1
