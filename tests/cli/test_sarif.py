"""SARIF a code-scanning user can act on: levels, rule help, and fixes that are the rewrite."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from engine_helpers import LEGACY_MODULE, LEGACY_URL, make_tree, notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tests" / "engine" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
TWO_SITES = '''import os

import requests

TOKEN = os.environ["IONOS_API_TOKEN"]


def ask(text):
    r = requests.post(
        "{url}",
        json={{"properties": {{"input": text}}}},
        headers={{"Authorization": "Bearer " + TOKEN}},
    )
    return r.json()["properties"]["output"]


def models():
    r = requests.get("https://inference.de-txl.ionos.com/models", headers={{"Authorization": "Bearer " + TOKEN}})
    return [m["properties"]["name"] for m in r.json()["items"]]
'''.format(url=LEGACY_URL)


def sarif(cwd: Path, *args: str, monkeypatch) -> dict:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, [*args, "--no-progress", "--report", "r.sarif"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    data = json.loads((cwd / "r.sarif").read_text("utf-8"))
    jsonschema.validate(data, SCHEMA)
    return data["runs"][0]


@pytest.fixture
def tree(tmp_path):
    return make_tree(tmp_path, {"two.py": TWO_SITES, "nb.ipynb": notebook(LEGACY_MODULE), ".env": f"U={LEGACY_URL}\n",
                                "broken.py": f'U = "{LEGACY_URL}"\nif x\n'})


def test_live_legacy_calls_are_errors_and_every_rule_has_help(tree, monkeypatch):
    run = sarif(tree, "scan", monkeypatch=monkeypatch)
    levels = {(r["properties"]["status"], r["level"]) for r in run["results"]}
    assert levels == {("migratable", "error"), ("manual", "error"), ("error", "error")}
    docs = (ROOT / "docs" / "rules.md").read_text("utf-8")
    driver = run["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"].startswith(
            rule["shortDescription"]["text"])
        assert rule["help"]["text"] and rule["id"] in rule["help"]["markdown"]
        page, anchor = rule["helpUri"].split("#")
        assert page.endswith("/docs/rules.md") and anchor == rule["id"]
        assert f"### `{anchor}`" in docs
    ids = [rule["id"] for rule in driver["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"].endswith((".", "?", "!"))


def test_after_apply_the_rewritten_sites_are_notes_without_fixes(tree, monkeypatch):
    run = sarif(tree, "apply", "--allow-dirty", monkeypatch=monkeypatch)
    migrated = [r for r in run["results"] if r["properties"]["status"] == "migrated"]
    assert migrated and all(r["level"] == "note" and "fixes" not in r for r in migrated)


@pytest.mark.parametrize("target", ["http", "openai"])
def test_the_fixes_of_a_file_together_are_exactly_what_apply_writes(tmp_path, monkeypatch, target):
    tree = make_tree(tmp_path / "t", {"two.py": TWO_SITES, "nb.ipynb": notebook(LEGACY_MODULE)})
    run = sarif(tree, "diff", "--target", target, monkeypatch=monkeypatch)
    fixed = [r for r in run["results"] if "fixes" in r]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in fixed} == {"two.py"}
    assert len(fixed) == 2  # each site carries its own part of the rewrite
    replacements = [rep for r in fixed for change in r["fixes"][0]["artifactChanges"] for rep in change["replacements"]]
    proposed = apply_replacements(TWO_SITES, replacements)

    copy = shutil.copytree(tree, tmp_path / "copy")
    monkeypatch.chdir(copy)
    applied = CliRunner().invoke(main, ["apply", "--allow-dirty", "--target", target, "--no-progress"])
    assert applied.exit_code in (0, 1) and "two.py:" in applied.output  # the notebook token may stay manual
    assert proposed == (copy / "two.py").read_text("utf-8")


def apply_replacements(text: str, replacements: list[dict]) -> str:
    """What a SARIF viewer does with whole-line replacements, bottom up."""
    lines = text.splitlines(keepends=True)
    for rep in sorted(replacements, key=lambda r: r["deletedRegion"]["startLine"], reverse=True):
        region = rep["deletedRegion"]
        assert region["startColumn"] == region["endColumn"] == 1
        start, end = region["startLine"] - 1, region["endLine"] - 1
        lines[start:end] = [rep.get("insertedContent", {}).get("text", "")]
    return "".join(lines)
