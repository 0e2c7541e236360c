"""The autofixer over a fleet of local repositories, end to end: inventory, migration, a second run.

The expected numbers come from ``ionos-migrate scan`` on each repository
itself (the oracle), not from constants: the fleet must report what the
tool says about each repository, no more and no less.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fleet_helpers import CHECK_CMD, LEGACY_HOST, Fleet

LEGACY = ["payments/chat-service", "data/httpx-jobs", "data/urllib-script", "ml/notebooks", "platform/manual-only"]
CLEAN = ["web/frontend", "tools/cli"]


def scan(fleet: Fleet, name: str, ref: str = "main") -> list[dict]:
    """The findings of ``ionos-migrate scan`` over a fresh checkout of ``name`` at ``ref``."""
    commit = fleet.git(fleet.origins[name], "rev-parse", ref).strip()
    checkout = fleet.root / "oracle" / name.replace("/", "_") / commit
    if not checkout.exists():
        fleet.git(fleet.root, "clone", "-q", str(fleet.origins[name]), str(checkout))
        fleet.git(checkout, "checkout", "-q", commit)
    report = checkout.parent / f"{commit}.json"
    exe = Path(sys.executable).parent / "ionos-migrate"
    done = subprocess.run([str(exe), "scan", ".", "--no-progress", "--report", str(report)], cwd=checkout,
                          capture_output=True, text=True, env=fleet.env, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(report.read_text())["findings"]


def legacy_sites(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["status"] not in ("info", "error")]


def by_repo(report_path: Path) -> dict[str, dict]:
    return {r["repo"]: r for r in json.loads(report_path.read_text())["repositories"]}


def test_inventory_then_migration_then_a_second_run_that_changes_nothing(fleet: Fleet):
    before = fleet.heads()
    expected = {name: scan(fleet, name) for name in fleet.origins}

    # 1. The inventory: --dry-run pushes nothing and still reports every repository.
    dry = fleet.fixer("--dry-run", "--check-cmd", CHECK_CMD, "--report", "inventory.json")
    assert dry.returncode == 1, dry.stderr  # some repositories need a human
    assert fleet.heads() == before
    inventory = by_repo(fleet.root / "inventory.json")
    assert sorted(inventory) == sorted(fleet.origins)
    for name in LEGACY:
        record = inventory[name]
        assert record["outcome"] == "would-push", record
        assert record["found"] == len(legacy_sites(expected[name])) > 0
        assert record["found"] == record["migrated"] + record["manual"]
        assert record["still_legacy"] == record["manual"]
    for name in CLEAN:
        assert inventory[name]["outcome"] == "clean" and inventory[name]["found"] == 0
    assert inventory["platform/manual-only"]["migrated"] == 0 and inventory["platform/manual-only"]["manual"] > 0
    broken = inventory["broken/parser-fail"]
    assert broken["outcome"] == "error" and broken["errors"] == 1
    assert "could not be read or parsed (broken.py)" in broken["error"]
    (unparsed,) = broken["sites"]
    assert (unparsed["path"], unparsed["line"], unparsed["status"]) == ("broken.py", 2, "error")
    assert "cannot parse" in unparsed["message"]
    refused = inventory["infra/check-fails"]
    assert refused["outcome"] == "check-failed"
    assert "FAILED tests/test_app.py::test_ask - boom" in refused["error"]
    assert refused["still_legacy"] == refused["found"] == 1

    # 2. The migration, pushed with merge_to_master.
    run = fleet.fixer("--check-cmd", CHECK_CMD, "--report", "run.json")
    assert run.returncode == 1, run.stderr
    after = fleet.heads()
    changed = sorted(name for name in fleet.origins if after[name] != before[name])
    assert changed == sorted(LEGACY)
    records = by_repo(fleet.root / "run.json")
    for name in LEGACY:
        record = records[name]
        assert record["outcome"] == "pushed"
        # What the fleet says is left is what a scan of the new main finds.
        assert record["still_legacy"] == len(legacy_sites(scan(fleet, name)))
        assert all(site["status"] != "migrated" for site in scan(fleet, name))
        _check_commit_message(fleet, name, before[name], record)
    # The repository's own [tool.ionos-migrate] exclude holds: vendored code is untouched.
    vendored = "vendor/upstream_client.py"
    assert fleet.show("payments/chat-service", vendored) == fleet.show("payments/chat-service", vendored, before[
        "payments/chat-service"])
    assert LEGACY_HOST in fleet.show("payments/chat-service", vendored)
    assert "/predictions" not in fleet.show("data/urllib-script", "main.py")

    # 3. A second run commits nothing anywhere.
    again = fleet.fixer("--check-cmd", CHECK_CMD, "--report", "again.json")
    assert again.returncode == 1, again.stderr
    assert fleet.heads() == after
    second = by_repo(fleet.root / "again.json")
    for name in LEGACY:
        assert second[name]["outcome"] == "nothing-to-do", second[name]
        assert second[name]["migrated"] == 0
        assert second[name]["still_legacy"] == records[name]["still_legacy"]
    assert second["infra/check-fails"]["outcome"] == "check-failed"
    assert second["broken/parser-fail"]["outcome"] == "error"


def _check_commit_message(fleet: Fleet, name: str, base: str, record: dict) -> None:
    merge, commit = fleet.commit_messages(name, base)  # merge_to_master merges with --no-ff
    assert merge.startswith("Merge branch 'all-repos_autofix_ionos-migrate'")
    title, _, body = commit.partition("\n\n")
    assert "IONOS AI Model Hub API" in title and "\n" not in title
    migrated = {rule: statuses.get("migrated", 0) for rule, statuses in record["rules"].items()}
    for rule, count in migrated.items():
        if count:
            assert f"| `{rule}` | {count} |" in body, (rule, body)
    for site in record["sites"]:  # every site left for a human, with file:line and the reason
        assert f"- `{site['path']}:{site['line']}` [{site['rule']}] {' '.join(site['message'].split())}" in body
    assert "ionos-migrate verify --before" in body and "IONOS_MIGRATE_SHIM=1" in body


def test_a_repository_that_cannot_be_cloned_is_an_error_record_and_the_rest_go_on(fleet: Fleet):
    mirror = fleet.root / "output" / "data" / "urllib-script"
    fleet.git(mirror, "remote", "set-url", "origin", str(fleet.root / "gone.git"))  # the fetch fails
    done = fleet.fixer("--dry-run", "--report", "r.json")
    records = by_repo(fleet.root / "r.json")
    assert records["data/urllib-script"]["outcome"] == "error"
    assert "could not clone" in records["data/urllib-script"]["error"]
    assert records["data/httpx-jobs"]["outcome"] == "would-push"
    assert done.returncode == 1
