"""Legacy URLs in non-Python files: manual findings, never rewrites."""

from __future__ import annotations

import json

from engine_helpers import LEGACY_URL, make_tree
from ionos_migrate.textfiles import scan_text


def test_legacy_urls_are_manual_findings_with_positions():
    text = f"# config\nIONOS_URL={LEGACY_URL}\nOTHER=1\n"
    [finding] = scan_text(text, ".env")
    assert (finding.line, finding.column, finding.status) == (2, 11, "manual")
    assert finding.end_column == 11 + len(LEGACY_URL)
    assert "chat/completions" in finding.message


def test_collections_and_new_host_are_not_findings():
    text = (
        "coll: https://inference.de-txl.ionos.com/collections/abc/query\n"
        "new: https://openai.inference.de-txl.ionos.com/v1/chat/completions\n"
    )
    assert scan_text(text, "cfg.yaml") == []


def test_bare_host_models_list_and_relative_predictions_path():
    text = (
        'const base = "inference.de-txl.ionos.com";\n'
        'fetch("https://inference.de-txl.ionos.com/models")\n'
        'post(`${base}/models/${id}/predictions`)\n'
    )
    findings = scan_text(text, "client.ts")
    assert [f.line for f in findings] == [1, 2, 3]
    assert "models list" in findings[1].message


def test_a_readme_naming_a_retired_url_is_a_note_other_documents_are_not_read(tmp_path, cli):
    url = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
    make_tree(tmp_path, {
        "README.md": f"Call `{url}` with your token.\nCollections stay at https://inference.de-txl.ionos.com/collections\n",
        "docs/review.md": f"## notes\n\n{url}\n",
    })
    result = cli(tmp_path, "scan", "--no-progress", "--report", "r.json")
    assert result.exit_code == 0  # a note changes no exit code
    findings = json.loads((tmp_path / "r.json").read_text("utf-8"))["findings"]
    assert [(f["path"], f["line"], f["status"]) for f in findings] == [("README.md", 1, "info")]


def test_a_predictions_url_built_by_concatenation_is_a_predictions_endpoint():
    text = (
        'const url = "https://inference.de-txl.ionos.com/models/" + modelId + "/predictions";\n'
        "fetch('https://inference.de-txl.ionos.com/models/' + id + '/predictions', {method: 'POST'})\n"
        'const list = "https://inference.de-txl.ionos.com/models/";  // the models list, nothing follows\n'
    )
    findings = scan_text(text, "client.js")
    assert [f.line for f in findings] == [1, 2, 3]
    for finding in findings[:2]:
        assert finding.message.startswith("legacy predictions endpoint"), finding.message
        assert "+ <model id> + '/predictions'" in finding.message and "chat/completions" in finding.message
    assert findings[2].message.startswith("legacy models list")
