"""``ionos-migrate fleet-report``: bad shares get a clear message (exit 2) and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main
from ionos_migrate.fleet.report import FleetReport, RepoRecord, render_json


def share(path: Path, records: list[RepoRecord], *, shard: str = "1/1", dry_run: bool = True) -> Path:
    path.write_text(render_json(FleetReport(records, dry_run=dry_run, shards=[shard])))
    return path


def record(repo: str, outcome: str = "pushed", **counts) -> RepoRecord:
    return RepoRecord(repo, outcome, **counts)


def run(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, ["fleet-report", *args], catch_exceptions=False)


def test_totals_and_rules_are_counted_from_the_repositories(tmp_path):
    a = share(tmp_path / "a.json", [record("org/a", found=3, migrated=2, manual=1, still_legacy=1,
                                           rules={"r1": {"migrated": 2, "manual": 1}}, seconds=1.5, git_seconds=0.5)],
              shard="1/2")
    b = share(tmp_path / "b.json", [record("org/b", "check-failed", found=2, migrated=2, still_legacy=2,
                                           rules={"r1": {"migrated": 1}, "r2": {"migrated": 1}}, error="boom"),
                                    record("org/c", "clean")], shard="2/2")
    out = tmp_path / "fleet.json"
    result = run(tmp_path, str(a), str(b), "-o", str(out))
    assert result.exit_code == 0, result.output
    merged = json.loads(out.read_text())
    assert merged["totals"] == {"repositories": 3, "with_legacy": 2, "needing_attention": 2, "found": 5,
                                "migrated": 4, "manual": 1, "errors": 0, "still_legacy": 3, "seconds": 1.5,
                                "git_seconds": 0.5}
    assert merged["outcomes"] == {"check-failed": 1, "pushed": 1, "clean": 1}
    assert merged["rules"] == {"r1": {"manual": 1, "migrated": 3}, "r2": {"migrated": 1}}
    # What needs a human first.
    assert [r["repo"] for r in merged["repositories"]] == ["org/b", "org/a", "org/c"]
    assert list(tmp_path.glob(".fleet.json.*")) == []  # no temp file left behind


@pytest.mark.parametrize("setup, message", [
    (lambda d: [share(d / "a.json", [record("x")], shard="1/2"), share(d / "b.json", [record("x")], shard="2/2")],
     "repository x is in both"),
    (lambda d: [share(d / "a.json", [record("x")], shard="1/2"),
                share(d / "b.json", [record("y")], shard="2/2", dry_run=False)], "mix dry runs and real runs"),
    (lambda d: [share(d / "a.json", [record("x")], shard="1/2"), share(d / "b.json", [record("y")], shard="1/3")],
     "do not come from one split"),
    (lambda d: [share(d / "a.json", [record("x")], shard="1/2"), share(d / "b.json", [record("y")], shard="1/2")],
     "given more than once"),
    (lambda d: [_write(d / "a.json", "{not json")], "not JSON"),
    (lambda d: [_write(d / "a.json", json.dumps({"version": 1, "findings": []}))], "not a fleet report"),
    (lambda d: [_write(d / "a.json", json.dumps({"kind": "fleet", "version": 99}))], "version 99"),
    (lambda d: [_write(d / "a.json", json.dumps({"kind": "fleet", "version": 1, "dry_run": True, "shards": ["1/1"],
                                                 "repositories": [{"outcome": "pushed"}]}))], "malformed"),
    (lambda d: [d / "missing.json"], "cannot read"),
])
def test_a_bad_share_is_exit_2_with_the_reason_and_writes_nothing(tmp_path, setup, message):
    paths = setup(tmp_path)
    out = tmp_path / "fleet.html"
    result = run(tmp_path, *map(str, paths), "-o", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_the_output_suffix_picks_the_format_or_is_refused(tmp_path):
    a = share(tmp_path / "a.json", [record("x")])
    refused = run(tmp_path, str(a), "-o", str(tmp_path / "fleet.txt"))
    assert refused.exit_code == 2 and "use .json, .md or .html" in refused.output
    assert run(tmp_path, str(a), "-o", str(tmp_path / "fleet.txt"), "--format", "md").exit_code == 0
    assert (tmp_path / "fleet.txt").read_text().startswith("# ionos-migrate fleet inventory")
    nowhere = run(tmp_path, str(a), "-o", str(tmp_path / "no" / "fleet.json"))
    assert nowhere.exit_code == 2 and "does not exist" in nowhere.output


def test_html_escapes_what_repositories_carry(tmp_path):
    evil = record("org/<script>", "error", error="<img src=x onerror=alert(1)>",
                  sites=[{"path": "a.py", "line": 1, "rule": "r", "status": "manual", "message": "<b>x</b>"}])
    a = share(tmp_path / "a.json", [evil])
    run(tmp_path, str(a), "-o", str(tmp_path / "f.html"))
    page = (tmp_path / "f.html").read_text()
    assert "<script>" not in page and "<img" not in page and "<b>x</b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_share_written_by_a_newer_tool_with_new_keys_and_outcomes_still_merges(tmp_path):
    data = json.loads(render_json(FleetReport([record("x", found=1, manual=1)], dry_run=True)))
    data["new_top_level_key"] = 1
    data["repositories"][0]["new_field"] = "y"
    data["repositories"].append({"repo": "z", "outcome": "archived", "found": 0})
    path = _write(tmp_path / "a.json", json.dumps(data))
    result = run(tmp_path, str(path), "-o", str(tmp_path / "m.json"))
    assert result.exit_code == 0, result.output
    merged = json.loads((tmp_path / "m.json").read_text())
    assert merged["outcomes"] == {"pushed": 1, "archived": 1}
    assert merged["totals"]["manual"] == 1


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
