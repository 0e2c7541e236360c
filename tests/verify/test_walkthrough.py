"""The README walkthrough end to end: migrate a copy of examples/legacy_app, then verify it against the original."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

from ionos_migrate.cli import main
from ionos_migrate.compat.verify import verify

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy_app"


def test_migrated_example_app_is_equivalent(tmp_path: Path) -> None:
    before = Path(shutil.copytree(EXAMPLE, tmp_path / "before"))
    after = Path(shutil.copytree(EXAMPLE, tmp_path / "after"))
    applied = CliRunner().invoke(main, ["apply", "--allow-dirty", "--no-progress", str(after)])
    assert applied.exit_code == 0, applied.output
    assert "inference.de-txl.ionos.com/models" not in (after / "chat.py").read_text("utf-8")

    result = verify(before, after, [sys.executable, "main.py"])
    assert result.equivalent, result.render()
    assert result.before.exit_code == 0 and "models:" in result.stdout_before
    endpoints = {r["path"] for r in result.after.requests}
    assert {"/v1/models", "/v1/chat/completions", "/v1/images/generations"} <= endpoints
