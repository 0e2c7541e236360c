"""A fleet split over CI jobs: the merged shares give what one run over the whole fleet gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fleet_helpers import CHECK_CMD, Fleet

TIMINGS = ("seconds", "git_seconds")


def merge(fleet: Fleet, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "ionos-migrate"
    return subprocess.run([str(exe), "fleet-report", *args], cwd=fleet.root, capture_output=True, text=True,
                          timeout=120)


def without_timings(report: dict) -> dict:
    return {
        "totals": {k: v for k, v in report["totals"].items() if k not in TIMINGS},
        "outcomes": report["outcomes"],
        "rules": report["rules"],
        "repositories": sorted(({k: v for k, v in r.items() if k not in TIMINGS} for r in report["repositories"]),
                               key=lambda r: r["repo"]),
    }


def test_merged_shares_have_the_totals_of_one_run_over_the_whole_fleet(fleet: Fleet):
    for args in (("--report", "whole.json"), ("--shard", "1/2", "--report", "share-1.json"),
                 ("--shard", "2/2", "--report", "share-2.json")):
        done = fleet.fixer("--dry-run", "--check-cmd", CHECK_CMD, *args)
        assert done.returncode == 1, done.stderr
    shares = [json.loads((fleet.root / f"share-{i}.json").read_text()) for i in (1, 2)]
    names = [{r["repo"] for r in share["repositories"]} for share in shares]
    assert names[0] and names[1] and not names[0] & names[1]  # a real split, no repository twice
    assert names[0] | names[1] == set(fleet.origins)

    merged = merge(fleet, "share-1.json", "share-2.json", "-o", "merged.json")
    assert merged.returncode == 0, merged.stderr
    whole = json.loads((fleet.root / "whole.json").read_text())
    result = json.loads((fleet.root / "merged.json").read_text())
    assert without_timings(result) == without_timings(whole)
    assert result["shards"] == ["1/2", "2/2"] and result["missing_shards"] == []
    assert result["totals"]["seconds"] == round(sum(r["seconds"] for r in result["repositories"]), 3)
    assert len(result["runs"]) == 2

    for suffix, marker in ((".html", "<!DOCTYPE html>"), (".md", "# ionos-migrate fleet inventory")):
        page = merge(fleet, "share-1.json", "share-2.json", "-o", f"merged{suffix}")
        assert page.returncode == 0, page.stderr
        text = (fleet.root / f"merged{suffix}").read_text()
        assert text.startswith(marker)
        for name in fleet.origins:
            assert name in text
        assert "FAILED tests/test_app.py::test_ask - boom" in text  # the check's reason
        assert "cannot parse" in text

    # A share that did not arrive (its CI job failed) is named, and the exit code says so.
    partial = merge(fleet, "share-1.json", "-o", "partial.json")
    assert partial.returncode == 1
    assert "2/2" in partial.stderr
    assert json.loads((fleet.root / "partial.json").read_text())["missing_shards"] == ["2/2"]
