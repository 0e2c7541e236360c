"""The fleet's one contact with the engine: apply/scan through the CLI entry point, findings read defensively."""

from __future__ import annotations

import subprocess

import pytest
from fleet_helpers import LEGACY_HOST, PREDICT, git_env

from ionos_migrate.fleet import migration

WITH_TOKEN = PREDICT.replace("import requests", "import os\n\nimport requests").replace(
    "}}})", "}}}, headers={\"Authorization\": f\"Bearer {os.environ['IONOS_API_TOKEN']}\"})").replace(
    "b18b18de-92c3-466e-81a8-e5df91890091", "0b6c4a15-bb8d-4092-82b0-f357b77c59fd")
UNKNOWN_ID_MAP = '[models]\n"0b6c4a15-bb8d-4092-82b0-f357b77c59fd" = "meta-llama/Meta-Llama-3.1-8B-Instruct"\n'


def test_migrate_rewrites_the_current_folder_and_reads_the_json_report(tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text(PREDICT)
    monkeypatch.chdir(tmp_path)
    result = migration.migrate(target=None, model_map=None, jobs=1)
    assert result.failure is None and result.exit_code == 0
    assert [(s.path, s.status, s.rule) for s in result.found] == [("app.py", "migrated", "ionos-predictions")]
    assert "/v1/chat/completions" in (tmp_path / "app.py").read_text()
    assert migration.scan(target=None, model_map=None, jobs=1).found == []


def test_flags_reach_the_engine(tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text(WITH_TOKEN)
    (tmp_path / "map.toml").write_text(UNKNOWN_ID_MAP)
    monkeypatch.chdir(tmp_path)
    assert [s.status for s in migration.scan(target=None, model_map=None, jobs=1).found] == ["manual"]
    result = migration.migrate(target="openai", model_map=tmp_path / "map.toml", jobs=1)
    assert [s.status for s in result.found] == ["migrated"]
    assert "OpenAI(" in (tmp_path / "app.py").read_text()


def test_the_repository_s_bad_settings_are_a_failure_with_the_reason(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.ionos-migrate]\ntraget = "http"\n')
    (tmp_path / "app.py").write_text(PREDICT)
    monkeypatch.chdir(tmp_path)
    result = migration.migrate(target=None, model_map=None, jobs=1)
    assert result.exit_code == 2 and "unknown key(s) traget" in result.failure
    assert (tmp_path / "app.py").read_text() == PREDICT


def test_findings_are_read_field_by_field():
    report = {"findings": [
        {"path": "a.py", "line": 3, "rule": "r", "status": "migratable", "message": "m", "new_key": 1},
        {"path": "b.py", "line": "?", "status": "manual"},
        "not a finding",
    ]}
    sites = migration._sites(report)
    assert [(s.where, s.status, s.rule) for s in sites] == [("a.py:3", "migratable", "r"), ("b.py:0", "manual", "?")]
    assert migration._sites({}) == []


@pytest.mark.parametrize("content, found", [
    (PREDICT, True),
    ('PATH = "/predictions"\n', True),
    ("[tool.ionos-migrate]\nmarkers = ['my-proxy.internal']\n", True),
    (f"# the retired host was {LEGACY_HOST[:20]}\n", False),
    ("print('hello')\n", False),
])
def test_grep_patterns_find_what_the_engine_s_prefilter_keeps(tmp_path, content, found):
    env = git_env(tmp_path)
    (tmp_path / "file.txt").write_text(content)
    for args in (("init", "-q"), ("add", "-A")):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True)
    grep = subprocess.run(["git", "grep", "--quiet", *migration.grep_patterns()], cwd=tmp_path, env=env)
    assert (grep.returncode == 0) is found


def test_shards_split_the_repositories_stably_into_disjoint_shares():
    names = [f"org/repo-{n}" for n in range(200)]
    for count in (1, 3, 4):
        shares = [[name for name in names if migration.in_shard(name, index, count)] for index in range(1, count + 1)]
        assert sorted(sum(shares, [])) == sorted(names)
        assert all(shares)
    with pytest.raises(ValueError, match="I/N"):
        migration.parse_shard("two")
