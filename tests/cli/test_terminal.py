"""Colour (NO_COLOR, FORCE_COLOR, --color), progress on a terminal only, --quiet, and `models` when piped."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from engine_helpers import LEGACY_MODULE, make_tree  # noqa: E402

EXE = str(Path(sys.executable).parent / "ionos-migrate")
ESC = "\x1b"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TERM")}
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


def on_a_tty(cwd: Path, *args: str, env: dict[str, str], timeout: float = 60) -> str:
    """Run with stdout and stderr on a pseudo-terminal, as in a terminal window; everything it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([EXE, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                               env=env, close_fds=True)
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    process.wait(timeout=10)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def piped(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def one_file(tmp_path):
    return make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})


def test_a_terminal_gets_colour_and_no_color_takes_every_escape_code_away(one_file):
    coloured = on_a_tty(one_file, "diff", env=clean_env())
    assert f"{ESC}[32m" in coloured or f"{ESC}[92m" in coloured  # green added lines
    for env, args in ((clean_env(NO_COLOR="1"), ()), (clean_env(), ("--color", "never")),
                      (clean_env(FORCE_COLOR="1"), ("--color", "never"))):
        for command in ("scan", "diff"):
            out = on_a_tty(one_file, command, *args, env=env)
            assert "legacy.py" in out and "ionos-migrate " + command in out  # findings or diff, and the summary
            assert ESC not in out, (command, args, repr(out[:300]))


def test_force_color_and_color_always_colour_a_pipe(one_file):
    assert ESC not in piped(one_file, "diff", env=clean_env()).stdout
    assert f"{ESC}[" in piped(one_file, "diff", env=clean_env(FORCE_COLOR="1")).stdout
    assert f"{ESC}[" in piped(one_file, "diff", "--color", "always", env=clean_env(NO_COLOR="1")).stdout
    assert ESC not in piped(one_file, "diff", env=clean_env(FORCE_COLOR="1", NO_COLOR="1")).stdout


def test_progress_shows_per_phase_on_a_terminal_and_never_in_a_pipe(tmp_path):
    tree = make_tree(tmp_path, {f"pkg/mod{n}.py": LEGACY_MODULE for n in range(70)})
    screen = on_a_tty(tree, "scan", "--jobs", "1", env=clean_env(NO_COLOR="1"))
    assert "reading modules" in screen and "parsing and rewriting" in screen
    quiet = on_a_tty(tree, "scan", "--jobs", "1", "--quiet", env=clean_env(NO_COLOR="1"))
    assert "parsing and rewriting" not in quiet and "pkg/mod1.py:3:12: migratable" in quiet
    result = piped(tree, "scan", "--jobs", "1", env=clean_env())
    assert result.returncode == 1
    assert "parsing" not in result.stderr and "reading" not in result.stderr and ESC not in result.stderr


def test_quiet_prints_only_the_results(one_file):
    (one_file / "settings.py").write_text(
        'PREDICT_URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"\n')
    loud = piped(one_file, "scan", env=clean_env())
    quiet = piped(one_file, "scan", "--quiet", env=clean_env())
    assert loud.returncode == quiet.returncode == 1
    assert "ionos-migrate scan" in loud.stderr and quiet.stderr == ""
    assert "legacy.py:3:12: migratable" in quiet.stdout and "info [" not in quiet.stdout
    diff = piped(one_file, "diff", "-q", env=clean_env())
    assert diff.stdout.startswith("--- a/legacy.py") and diff.stderr == ""


def test_models_prints_whole_ids_when_piped():
    result = piped(Path.cwd(), "models", env=clean_env(COLUMNS="40"))
    assert result.returncode == 0
    for legacy_id in ("b18b18de-92c3-466e-81a8-e5df91890091", "0b6c4a15-bb8d-4092-82b0-f357b77c59fd"):
        assert legacy_id in result.stdout, result.stdout
    assert "meta-llama/Llama-3.3-70B-Instruct" in result.stdout and ESC not in result.stdout
