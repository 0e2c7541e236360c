"""Module constants the codemods leave holding a retired URL: an `info` finding that never changes an exit code."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from engine_helpers import MODEL, make_tree, run_subprocess
from ionos_migrate.leftovers import RULE_LEGACY_CONSTANT, is_retired_url

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))

SETTINGS = f'''"""Settings."""

INFERENCE_BASE = "https://inference.de-txl.ionos.com"
CHAT_MODEL_ID = "{MODEL}"
PREDICT_URL = f"{{INFERENCE_BASE}}/models/{{CHAT_MODEL_ID}}/predictions"
COLLECTIONS_URL = INFERENCE_BASE + "/collections"
'''
CHAT = '''import requests

from settings import PREDICT_URL


def ask(question):
    r = requests.post(PREDICT_URL, json={"properties": {"input": question, "options": {"max_length": "50"}}})
    return r.json()["properties"]["output"]
'''


def leftovers(findings) -> list[tuple[str, int, int]]:
    return [(f["path"], f["line"], f["column"]) for f in findings if f["rule"] == RULE_LEGACY_CONSTANT]


def report(path) -> dict:
    return json.loads(path.read_text("utf-8"))


@pytest.fixture
def project(tmp_path):
    return make_tree(tmp_path, {"settings.py": SETTINGS, "chat.py": CHAT})


def test_scan_apply_scan_the_constant_is_an_info_finding_and_the_migrated_tree_scans_clean(project, cli):
    before = cli(project, "scan", "--no-progress", "--report", "before.json")
    assert before.exit_code == 1  # the call site
    assert leftovers(report(project / "before.json")["findings"]) == [("settings.py", 5, 1)]

    applied = cli(project, "apply", "--no-progress", "--report", "apply.json")
    assert applied.exit_code == 0, applied.output  # all migrated: an info finding is not manual work
    assert "settings.py:5:1: info [legacy-url-constant] PREDICT_URL still holds the retired URL" in applied.stdout
    assert "PREDICT_URL" not in (project / "chat.py").read_text()
    assert (project / "settings.py").read_text() == SETTINGS  # left in place: other modules may import it

    after = cli(project, "scan", "--no-progress", "--report", "after.json")
    assert after.exit_code == 0, after.output  # the contract: exit 1 means legacy call sites, and none are left
    data = report(project / "after.json")
    assert data["exit_code"] == 0 and data["summary"]["info"] == 2  # the constant, and the model id beside it
    assert data["summary"]["sites_migratable"] == data["summary"]["sites_manual"] == 0
    [finding] = [f for f in data["findings"] if f["rule"] == RULE_LEGACY_CONSTANT]
    assert finding["status"] == "info" and finding["end_line"] == 5 and finding["end_column"] == 69
    assert f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions" in finding["message"]
    assert "Remove it, or point it at the new API" in finding["message"]


def test_info_alone_changes_no_exit_code_and_diff_names_it_on_stderr(tmp_path, cli):
    make_tree(tmp_path, {"settings.py": SETTINGS})
    scan = cli(tmp_path, "scan", "--no-progress")
    assert scan.exit_code == 0
    assert "ionos-migrate scan (2 info notes above)" in scan.stderr  # the URL constant and the model id
    diff = cli(tmp_path, "diff", "--no-progress")
    assert diff.exit_code == 0
    assert diff.stdout == ""  # no diff: nothing would change
    assert "settings.py:5:1: info [legacy-url-constant]" in diff.stderr
    assert cli(tmp_path, "apply", "--no-progress").exit_code == 0
    assert (tmp_path / "settings.py").read_text() == SETTINGS


def test_sarif_has_the_constant_as_a_note_and_stays_valid(project, cli):
    cli(project, "apply", "--no-progress")
    cli(project, "scan", "--no-progress", "--report", "after.sarif")
    data = report(project / "after.sarif")
    jsonschema.validate(data, SARIF_SCHEMA)
    [result] = [r for r in data["runs"][0]["results"] if r["ruleId"] == RULE_LEGACY_CONSTANT]
    assert result["level"] == "note"
    assert result["message"]["text"].startswith("[info] PREDICT_URL still holds")


def test_constants_built_from_an_imported_base_are_followed(tmp_path, cli):
    make_tree(tmp_path, {
        "config.py": 'HOST = "https://inference.de-txl.ionos.com"\n',
        "endpoints.py": (
            'import os\nfrom config import HOST\n\nMODELS_URL = HOST + "/models"\n'
            'NAMED = HOST + "/models/%s/predictions" % ("x",)\n'
            # The model is known only at run time; the constant still names the retired API.
            'DYNAMIC = HOST + "/models/" + os.environ["MODEL"] + "/predictions"\n'
        ),
    })
    data_path = tmp_path / "r.json"
    assert cli(tmp_path, "scan", "--no-progress", "--report", str(data_path)).exit_code == 0
    assert leftovers(report(data_path)["findings"]) == [("endpoints.py", 4, 1), ("endpoints.py", 5, 1), ("endpoints.py", 6, 1)]


def test_what_is_not_a_retired_url_constant(tmp_path, cli):
    make_tree(tmp_path, {"settings.py": (
        'BASE = "https://inference.de-txl.ionos.com"\n'  # the host: collections there are still live
        'QUERY = BASE + "/collections/abc/query"\n'
        'NEW = "https://openai.inference.de-txl.ionos.com/v1/models"\n'
        'OTHER = "https://api.example.com/models/x/predictions"\n'
    )})
    result = cli(tmp_path, "scan", "--no-progress", "--report", "r.json")
    assert result.exit_code == 0
    assert report(tmp_path / "r.json")["findings"] == []


def test_a_retired_url_a_function_returns_is_manual_work_not_a_note(tmp_path, cli):
    make_tree(tmp_path, {"settings.py": (
        'BASE = "https://inference.de-txl.ionos.com"\n'
        'def url():\n    return BASE + "/models/x/predictions"\n'  # code will use it: never an info note
    )})
    result = cli(tmp_path, "scan", "--no-progress", "--report", "r.json")
    assert result.exit_code == 1
    [finding] = report(tmp_path / "r.json")["findings"]
    assert (finding["line"], finding["status"]) == (3, "manual")


def test_column_counts_characters_on_a_line_with_non_ascii_text(tmp_path, cli):
    make_tree(tmp_path, {"settings.py": 'ÄNDERUNG = "ü"; URL = "https://inference.de-txl.ionos.com/models/m/predictions"\n'})
    cli(tmp_path, "scan", "--no-progress", "--report", "r.json")
    assert leftovers(report(tmp_path / "r.json")["findings"]) == [("settings.py", 1, 17)]


def test_real_subprocess_scan_of_a_migrated_tree_exits_0_and_names_the_constant(project):
    assert run_subprocess(project, "apply", "--no-progress").returncode == 0
    result = run_subprocess(project, "scan", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "settings.py:5:1: info [legacy-url-constant] PREDICT_URL" in result.stdout


@pytest.mark.parametrize(("url", "retired"), [
    (f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions", True),
    ("https://inference.de-txl.ionos.com/models/meta-llama/Meta-Llama-3.1-8B-Instruct/predictions/", True),
    ("https://inference.de-txl.ionos.com/models/{model_id}/predictions", True),  # a .format template
    ("HTTPS://Inference.DE-TXL.ionos.com/models", True),
    ("https://inference.de-txl.ionos.com/models/", True),
    ("https://inference.de-txl.ionos.com", False),
    ("https://inference.de-txl.ionos.com/collections/c/query", False),
    ("https://openai.inference.de-txl.ionos.com/v1/models", False),
    ("https://inference.de-txl.ionos.com.example.com/models", False),
    ("https://[inference.de-txl.ionos.com/models", False),
    ("/models/x/predictions", False),
])
def test_is_retired_url(url, retired):
    assert is_retired_url(url) is retired
