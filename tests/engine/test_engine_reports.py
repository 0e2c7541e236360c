"""Every report format, written by the real CLI and parsed back."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from engine_helpers import LEGACY_MODULE, LEGACY_URL, make_tree, notebook

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
UNKNOWN = LEGACY_MODULE.replace("b18b18de-92c3-466e-81a8-e5df91890091", "00000000-1111-2222-3333-444444444444")


@pytest.fixture
def mixed_tree(tmp_path):
    """One site of each status: migrated, manual (unknown model, text file), error; plus a notebook cell."""
    return make_tree(tmp_path, {
        "src/legacy.py": LEGACY_MODULE,
        "src/unknown.py": UNKNOWN,
        "src/broken.py": f'URL = "{LEGACY_URL}"\nif x\n',
        "src/a|b <c>.py": LEGACY_MODULE,  # awkward name: markdown table, URI and HTML escaping
        "demo.ipynb": notebook(LEGACY_MODULE),
        ".env": f"URL={LEGACY_URL}\n",
    })


def run_report(cli, root: Path, name: str, *extra: str):
    result = cli(root, "diff", "--report", name, *extra)
    assert result.exit_code == 1, result.output
    return (root / name).read_text("utf-8")


def test_json_report(cli, mixed_tree):
    data = json.loads(run_report(cli, mixed_tree, "report.json"))
    assert {"version", "summary", "findings"} <= set(data)
    assert data["version"] == 2 and data["command"] == "diff" and data["written"] is False
    assert data["exit_code"] == 1
    for finding in data["findings"]:
        assert {"path", "line", "column", "end_line", "end_column", "rule", "status", "message", "cell"} <= set(finding)
    statuses = {f["status"] for f in data["findings"]}
    assert statuses == {"migratable", "manual", "error"}  # diff writes nothing: nothing is "migrated"
    assert data["summary"]["sites_migratable"] == 3 and data["summary"]["sites_migrated"] == 0
    assert data["summary"]["errors"] == 1
    [cell] = [f for f in data["findings"] if f["path"] == "demo.ipynb"]
    assert cell["cell"] == 1
    changed = {entry["path"] for entry in data["files"]}
    assert changed >= {"src/legacy.py", "demo.ipynb"}
    assert all(entry["diff"].startswith("--- a/") for entry in data["files"])


def test_sarif_report_is_valid_against_the_published_schema(cli, mixed_tree):
    data = json.loads(run_report(cli, mixed_tree, "report.sarif"))
    jsonschema.validate(data, SCHEMA)
    [run] = data["runs"]
    assert run["tool"]["driver"]["name"] == "ionos-migrate"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    levels = {result["level"] for result in run["results"]}
    assert levels == {"error"}  # diff: every site is a live call to the retired API (or a file not parsed)
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "src/a%7Cb%20%3Cc%3E.py" in uris


def test_markdown_report(cli, mixed_tree):
    text = run_report(cli, mixed_tree, "report.md")
    assert text.startswith("## ionos-migrate diff")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert all(line.count(" | ") == 3 for line in table)  # a | in a path or message does not split a row
    assert "`src/a\\|b <c>.py:3:12`" in text
    assert "<details><summary><code>src/legacy.py</code> would change</summary>" in text
    assert "```diff" in text and f"-    \"{LEGACY_URL}\"," in text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.classes: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        self.classes += (attrs.get("class") or "").split()
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.external.append(attrs[key])

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_one_self_contained_page(cli, mixed_tree):
    page = _Collector()
    page.feed(run_report(cli, mixed_tree, "report.html"))
    assert page.external == [] and "script" not in page.tags  # opens offline, as it is
    assert "summary" in page.classes and "findings" in page.classes
    assert page.classes.count("diff") == 4  # one side-by-side table per changed file or cell
    text = "".join(page.text)
    assert "src/a|b <c>.py" in text  # escaped in the markup, shown as is
    assert "demo.ipynb (cell 1)" in text


def test_format_flag_overrides_the_suffix(cli, mixed_tree):
    data = json.loads(run_report(cli, mixed_tree, "report.txt", "--format", "sarif"))
    assert data["version"] == "2.1.0"


def test_reports_left_in_the_tree_are_not_findings_of_the_next_run(cli, mixed_tree):
    run_report(cli, mixed_tree, "report.json")
    run_report(cli, mixed_tree, "report.sarif")
    data = json.loads(run_report(cli, mixed_tree, "again.json"))
    assert not [f for f in data["findings"] if f["path"] in ("report.json", "report.sarif")]
