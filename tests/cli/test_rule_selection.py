"""--select / --ignore through the CLI, the config keys, and the `rules` command."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main
from ionos_migrate.ruleset import ALWAYS_REPORTED, all_rules

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from engine_helpers import LEGACY_MODULE, LEGACY_URL, make_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MODELS_LIST = '''import requests

r = requests.get("https://inference.de-txl.ionos.com/models", headers={"Authorization": "Bearer t"})
print([m["properties"]["name"] for m in r.json()["items"]])
'''
MIXED = LEGACY_MODULE + "\n" + MODELS_LIST.replace("import requests\n\n", "")


def invoke(cwd: Path, *args: str, monkeypatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def tree(tmp_path):
    return make_tree(tmp_path, {"predict.py": LEGACY_MODULE, "listing.py": MODELS_LIST, "mixed.py": MIXED,
                                ".env": f"URL={LEGACY_URL}\n", "broken.py": f'URL = "{LEGACY_URL}"\nif x\n'})


def findings(root: Path, name: str = "r.json") -> list[tuple[str, str, str]]:
    data = json.loads((root / name).read_text("utf-8"))
    return sorted((f["path"], f["rule"], f["status"]) for f in data["findings"])


def test_select_reports_only_the_selected_rule_and_errors_always(tree, monkeypatch):
    result = invoke(tree, "scan", "--select", "ionos-models-list", "--report", "r.json", monkeypatch=monkeypatch)
    assert result.exit_code == 1, result.output
    assert findings(tree) == [("broken.py", "parse-error", "error"),
                              ("listing.py", "ionos-models-list", "migratable"),
                              ("mixed.py", "ionos-models-list", "manual")]  # mixed.py's rewrite needs predictions too


def test_ignored_rules_do_not_count_for_the_exit_code(tmp_path, monkeypatch):
    make_tree(tmp_path, {"predict.py": LEGACY_MODULE, ".env": f"URL={LEGACY_URL}\n"})
    assert invoke(tmp_path, "scan", monkeypatch=monkeypatch).exit_code == 1
    result = invoke(tmp_path, "scan", "--ignore", "ionos-predictions,legacy-url-in-text-file", "--report", "r.json",
                    monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert findings(tmp_path) == []
    repeated = invoke(tmp_path, "scan", "--ignore", "ionos-predictions", "--ignore", "legacy-url-in-text-file",
                      monkeypatch=monkeypatch)
    assert repeated.exit_code == 0


def test_apply_with_select_writes_only_files_whose_whole_rewrite_is_selected(tree, monkeypatch):
    before = {name: (tree / name).read_text() for name in ("predict.py", "listing.py", "mixed.py")}
    diff = invoke(tree, "diff", "--select", "ionos-models-list", monkeypatch=monkeypatch)
    assert "+++ b/listing.py" in diff.output and "mixed.py" not in diff.output.split("ionos-migrate diff")[0].replace(
        "mixed.py:", "")
    assert "+++ b/predict.py" not in diff.output
    result = invoke(tree, "apply", "--allow-dirty", "--select", "ionos-models-list", "--report", "r.json",
                    monkeypatch=monkeypatch)
    assert result.exit_code == 1, result.output  # mixed.py is left for manual work, and broken.py does not parse
    assert (tree / "listing.py").read_text() != before["listing.py"] and "/v1/models" in (tree / "listing.py").read_text()
    assert (tree / "predict.py").read_text() == before["predict.py"]  # not selected: untouched
    assert (tree / "mixed.py").read_text() == before["mixed.py"]  # would need a rule left out: untouched
    [mixed] = [f for f in json.loads((tree / "r.json").read_text())["findings"] if f["path"] == "mixed.py"]
    assert mixed["status"] == "manual" and "ionos-predictions, left out by --select/--ignore" in mixed["message"]
    # and once the rest is migrated too, the whole file goes
    assert invoke(tree, "apply", "--allow-dirty", monkeypatch=monkeypatch).exit_code == 1  # broken.py
    assert "/v1/models" in (tree / "mixed.py").read_text() and "/v1/chat/completions" in (tree / "mixed.py").read_text()


def test_ignoring_a_rule_keeps_its_sites_out_of_the_rewrite(tmp_path, monkeypatch):
    make_tree(tmp_path, {"mixed.py": MIXED})
    result = invoke(tmp_path, "apply", "--allow-dirty", "--ignore", "ionos-predictions", monkeypatch=monkeypatch)
    assert (tmp_path / "mixed.py").read_text() == MIXED
    assert "manual [ionos-models-list] not rewritten" in result.output and result.exit_code == 1


def test_config_keys_and_flags_win(tree, monkeypatch):
    (tree / "pyproject.toml").write_text('[tool.ionos-migrate]\nselect = ["legacy-url-in-text-file"]\n'
                                         'ignore = "parse-error-typo"\n')
    bad = invoke(tree, "scan", monkeypatch=monkeypatch)
    assert bad.exit_code == 2 and "--ignore parse-error-typo: no such rule (did you mean parse-error?)" in bad.output
    (tree / "pyproject.toml").write_text('[tool.ionos-migrate]\nselect = ["legacy-url-in-text-file"]\n')
    invoke(tree, "scan", "--report", "r.json", monkeypatch=monkeypatch)
    assert {rule for _, rule, _ in findings(tree)} == {"legacy-url-in-text-file", "parse-error"}
    invoke(tree, "scan", "--select", "ionos-predictions", "--report", "r.json", monkeypatch=monkeypatch)
    assert {rule for _, rule, _ in findings(tree)} == {"ionos-predictions", "parse-error"}


@pytest.mark.parametrize("args, message", [
    (["--select", "ionos-predictoins"], "no such rule (did you mean ionos-predictions?)"),
    (["--ignore", "parse-error"], "always reported"),
    (["--ignore", "ionos-unused-imports"], "no findings of its own"),
])
def test_bad_rule_ids_are_usage_errors(tree, monkeypatch, args, message):
    before = (tree / "predict.py").read_text()
    result = invoke(tree, "apply", "--allow-dirty", *args, monkeypatch=monkeypatch)
    assert result.exit_code == 2 and message in result.output
    assert (tree / "predict.py").read_text() == before


def test_rules_lists_every_rule_with_its_description():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    for rule in all_rules():
        assert rule.description, rule.id
        assert re.search(rf"^  {re.escape(rule.id)} +{re.escape(rule.description)}$", result.output, re.M), rule.id
    data = json.loads(CliRunner().invoke(main, ["rules", "--json"]).output)
    kinds = {row["id"]: row for row in data["rules"]}
    assert kinds["ionos-predictions"]["selectable"] and not kinds["parse-error"]["selectable"]
    assert kinds["ionos-predictions"]["help_uri"].endswith("rules.md#ionos-predictions")


def test_every_rule_id_the_case_library_produces_is_known_and_documented(tmp_path, monkeypatch):
    known = {rule.id for rule in all_rules()}
    invoke(ROOT / "tests" / "cases", "scan", ".", "--no-progress", "--jobs", "1", "--report", str(tmp_path / "r.json"),
           monkeypatch=monkeypatch)
    seen = {rule for _, rule, _ in findings(tmp_path)}
    assert seen and seen <= known, seen - known
    docs = (ROOT / "docs" / "rules.md").read_text("utf-8")
    headings = set(re.findall(r"^### `([^`]+)`$", docs, re.M))
    assert headings == known, (known - headings, headings - known)
    assert set(ALWAYS_REPORTED) <= known
