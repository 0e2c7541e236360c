from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from ionos_migrate.cli import main

LLAMA_ID = "b18b18de-92c3-466e-81a8-e5df91890091"


def _project(tmp_path, table: str):
    (tmp_path / "pyproject.toml").write_text(f"[tool.ionos-migrate.models]\n{table}\n")
    return tmp_path


def test_models_shows_each_entry_with_its_source(tmp_path):
    project = _project(tmp_path, '"11111111-2222-4333-8444-555555555555" = "acme/chat"')
    map_file = tmp_path / "map.toml"
    map_file.write_text(f'[models]\n"{LLAMA_ID}" = "mine/llama"\n')
    result = CliRunner().invoke(main, ["models", "--json", "--project", str(project), "--model-map", str(map_file)])
    assert result.exit_code == 0, result.output
    rows = {row["legacy_id"]: row for row in json.loads(result.output)["models"]}
    assert rows[LLAMA_ID]["name"] == "mine/llama" and rows[LLAMA_ID]["source"] == str(map_file)
    assert rows["11111111-2222-4333-8444-555555555555"]["source"].startswith("pyproject.toml")
    assert rows["6cbc28c9-217d-421c-85fb-754d79c61423"]["source"] == "bundled"


def test_models_table_output_names_unmapped_known_ids(tmp_path):
    result = CliRunner().invoke(main, ["models", "--project", str(tmp_path)])
    assert result.exit_code == 0
    assert "0b6c4a15-bb8d-4092-82b0-f357b77c59fd" in result.output and "conflicting" in result.output


def test_bad_model_map_is_a_usage_error_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[models]\nx = 1\n")
    result = CliRunner().invoke(main, ["models", "--model-map", str(bad), "--project", str(tmp_path)])
    assert result.exit_code == 2 and "expected a model name" in result.output


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "ionos_migrate", "--version"], capture_output=True, text=True, check=True)
    assert "ionos-migrate" in out.stdout
