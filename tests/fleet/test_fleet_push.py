"""Pull-request pushes: the text a pull request gets, re-runs while it is open, the interactive prompt."""

from __future__ import annotations

import json

import pytest
from fleet_helpers import LEGACY_HOST, PREDICT, Fleet, legacy_fleet

BRANCH = "all-repos_autofix_ionos-migrate"
NAMES = ("data/urllib-script", "platform/manual-only", "tools/cli")


@pytest.fixture
def branch_fleet(tmp_path) -> Fleet:
    repos = {name: files for name, files in legacy_fleet().items() if name in NAMES}
    built = Fleet(tmp_path, repos, push="branch_push", push_settings={"record": str(tmp_path / "pulls.jsonl")})
    built.clone()
    return built


def pulls(fleet: Fleet) -> list[dict]:
    path = fleet.root / "pulls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def branch_head(fleet: Fleet, name: str) -> str:
    return fleet.git(fleet.origins[name], "rev-parse", BRANCH).strip()


def test_each_pull_request_gets_its_repository_s_text_and_an_open_one_is_not_pushed_again(branch_fleet: Fleet):
    fleet = branch_fleet
    main_before = fleet.heads()
    first = fleet.fixer("-j", "2", "--report", "first.json")  # two worker processes
    assert first.returncode == 1, first.stderr  # manual-only leaves sites for a human
    assert fleet.heads() == main_before  # a pull request, not a merge
    sent = {pull["remote"]: pull for pull in pulls(fleet)}
    assert set(sent) == {str(fleet.origins[n]) for n in ("data/urllib-script", "platform/manual-only")}
    records = {r["repo"]: r for r in json.loads((fleet.root / "first.json").read_text())["repositories"]}
    assert records["tools/cli"]["outcome"] == "clean"
    manual = sent[str(fleet.origins["platform/manual-only"])]
    assert manual["base"] == "main" and manual["head"] == BRANCH
    left = records["platform/manual-only"]["manual"]
    assert manual["title"] == f"Mark {left} call sites of the retired IONOS AI Model Hub API for manual migration"
    for site in records["platform/manual-only"]["sites"]:
        assert f"`{site['path']}:{site['line']}` [{site['rule']}]" in manual["body"]
    script = sent[str(fleet.origins["data/urllib-script"])]
    assert script["title"] == "Move 1 call site off the retired IONOS AI Model Hub API"
    assert "| `ionos-predictions` | 1 |" in script["body"]
    heads = {name: branch_head(fleet, name) for name in ("data/urllib-script", "platform/manual-only")}

    # The pull requests are still open: a re-run finds the same change on the branch and pushes nothing.
    again = fleet.fixer("--report", "again.json")
    records = {r["repo"]: r for r in json.loads((fleet.root / "again.json").read_text())["repositories"]}
    assert records["data/urllib-script"]["outcome"] == "pending"
    assert records["platform/manual-only"]["outcome"] == "pending"
    assert len(pulls(fleet)) == 2, again.stdout
    assert {name: branch_head(fleet, name) for name in heads} == heads

    # Someone pushed something else to the branch: the run says so instead of overwriting it.
    work = fleet.root / "someone"
    fleet.git(fleet.root, "clone", "-q", "--branch", BRANCH, str(fleet.origins["data/urllib-script"]), str(work))
    (work / "main.py").write_text(PREDICT.replace(LEGACY_HOST, "https://example.invalid"))
    fleet.git(work, "commit", "-qam", "a different fix")
    fleet.git(work, "push", "-q", "origin", BRANCH)
    third = fleet.fixer("--repos", "output/data/urllib-script", "--report", "third.json")
    (record,) = json.loads((fleet.root / "third.json").read_text())["repositories"]
    assert record["outcome"] == "error" and "still on origin with a different change" in record["error"]
    assert third.returncode == 1
    assert len(pulls(fleet)) == 2


def test_declined_at_the_prompt_is_reported_and_nothing_is_pushed(branch_fleet: Fleet):
    done = branch_fleet.fixer("-i", "--repos", "output/data/urllib-script", "--report", "r.json", stdin="n\n")
    (record,) = json.loads((branch_fleet.root / "r.json").read_text())["repositories"]
    assert record["repo"] == "data/urllib-script" and record["outcome"] == "declined"
    assert pulls(branch_fleet) == []
    assert done.returncode == 1
    assert "Looks good" in done.stdout  # all-repos's own prompt


def test_tokens_in_a_failing_check_s_output_do_not_reach_the_report(branch_fleet: Fleet):
    leak = "echo 'Authorization: Bearer sk-secret-1 cloning https://bot:ghp_secret2@github.com/o/r' >&2; exit 1"
    branch_fleet.fixer("--dry-run", "--repos", "output/data/urllib-script", "--check-cmd", leak,
                       "--report", "r.json")
    text = (branch_fleet.root / "r.json").read_text()
    (record,) = json.loads(text)["repositories"]
    assert record["outcome"] == "check-failed"
    assert "Bearer ***" in record["error"] and "https://***@github.com/o/r" in record["error"]
    assert "sk-secret-1" not in text and "ghp_secret2" not in text


def test_limit_lists_the_repositories_it_leaves_out(branch_fleet: Fleet):
    branch_fleet.fixer("--dry-run", "--limit", "1", "--report", "r.json")
    outcomes = {r["repo"]: r["outcome"] for r in json.loads((branch_fleet.root / "r.json").read_text())["repositories"]}
    assert sorted(outcomes.values()) == ["clean", "skipped", "would-push"]
    assert outcomes["tools/cli"] == "clean"
