"""The pytest plugin, loaded through its pytest11 entry point (pyproject.toml), in a separate pytest run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USERS_TEST = '''
from openai import OpenAI

def test_users_code_against_the_emulator(ionos_emulator, ionos_emulator_app):
    client = OpenAI(base_url=ionos_emulator + "/v1", api_key="test", max_retries=0)
    answer = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], max_tokens=3)
    assert len(answer.choices[0].message.content.split()) == 3
    assert ionos_emulator_app.state.journal.entries()[0]["body"]["max_tokens"] == 3
'''


def test_fixtures_work_in_a_users_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_users.py").write_text(USERS_TEST, "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path / "test_users.py")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
