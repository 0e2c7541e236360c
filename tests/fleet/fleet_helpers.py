"""A fleet of local git repositories for the fleet tests: bare origins, an all-repos config, the autofixer.

Everything is local (path origins, all-repos's json_file source); no test
reaches the network. Git identity comes in through GIT_CONFIG_* variables,
git's own way of passing ``-c user.name=...`` to every git command that
all-repos runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
LEGACY_HOST = "https://inference.de-txl.ionos.com"
CHECK_FAILS = "CHECK_FAILS"
# Fails only in a repository that carries the CHECK_FAILS file, as a test suite would.
CHECK_CMD = f"if [ -e {CHECK_FAILS} ]; then echo 'FAILED tests/test_app.py::test_ask - boom' >&2; exit 1; fi"
GIT_CONFIG = {"user.name": "Fleet Test", "user.email": "fleet@example.invalid", "init.defaultBranch": "main",
              "pull.rebase": "false", "commit.gpgsign": "false"}


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "ALL_REPOS"))}
    env.update({"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "NO_COLOR": "1",
                "GIT_CONFIG_COUNT": str(len(GIT_CONFIG))})
    for n, (key, value) in enumerate(GIT_CONFIG.items()):
        env[f"GIT_CONFIG_KEY_{n}"], env[f"GIT_CONFIG_VALUE_{n}"] = key, value
    return env


def notebook(source: str) -> str:
    cell = {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {}, "outputs": [],
            "source": source.splitlines(keepends=True)}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def _case(name: str) -> str:
    return (CASES / name / "before" / "main.py").read_text("utf-8")


def _legacy_app() -> dict[str, str]:
    files = {p.name: p.read_text("utf-8") for p in (ROOT / "examples" / "legacy_app").iterdir() if p.is_file()}
    # The repository's own settings: vendored code is not ours to rewrite.
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'target = "http"', 'target = "http"\nexclude = ["vendor/**"]')
    files["vendor/upstream_client.py"] = _case("literal_requests")
    return files


PREDICT = f'''import requests

URL = "{LEGACY_HOST}/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"


def ask(prompt):
    r = requests.post(URL, json={{"properties": {{"input": prompt, "options": {{"max_length": "64"}}}}}})
    return r.json()["properties"]["output"]
'''


def legacy_fleet() -> dict[str, dict[str, str]]:
    """Repository name -> files: legacy calls in several shapes, clean ones, and the awkward ones."""
    return {
        "payments/chat-service": _legacy_app(),
        "data/httpx-jobs": {"jobs.py": _case("httpx_clients"), "tests/test_jobs.py": "def test_nothing():\n    pass\n"},
        "data/urllib-script": {"main.py": _case("urllib_request")},
        "ml/notebooks": {"explore.ipynb": notebook(PREDICT), ".env": f"IONOS_URL={LEGACY_HOST}/models\n"},
        "platform/manual-only": {"main.py": _case("unknown_model_manual")},
        "web/frontend": {"index.js": "console.log('hello');\n", "README.md": "A clean repository.\n"},
        "tools/cli": {"cli.py": "import sys\n\nprint(sys.argv)\n"},
        "broken/parser-fail": {"broken.py": f'URL = "{LEGACY_HOST}/models"\ndef f(:\n    pass\n'},
        "infra/check-fails": {"app.py": PREDICT, CHECK_FAILS: "the test suite of this repository fails\n"},
    }


class Fleet:
    """Bare origins for ``repos``, a json_file source listing them, a merge_to_master push."""

    def __init__(self, root: Path, repos: dict[str, dict[str, str]], *, push: str = "all_repos.push.merge_to_master",
                 push_settings: dict | None = None) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir(parents=True)
        self.env = git_env(self.home)
        self.env["PYTHONPATH"] = str(Path(__file__).parent)  # for a push module of the tests
        self.origins: dict[str, Path] = {}
        for name, files in repos.items():
            self.origins[name] = self._origin(name, files)
        (root / "repos.json").write_text(json.dumps({n: str(p) for n, p in self.origins.items()}))
        self.config = root / "all-repos.json"
        self.config.write_text(json.dumps({
            "output_dir": "output", "source": "all_repos.source.json_file",
            "source_settings": {"filename": str(root / "repos.json")},
            "push": push, "push_settings": push_settings or {},
        }))
        self.config.chmod(0o600)  # all-repos refuses a config others can read

    def git(self, cwd: Path, *args: str) -> str:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True,
                              env=self.env).stdout

    def _origin(self, name: str, files: dict[str, str]) -> Path:
        work = self.root / "work" / name
        for relative, text in files.items():
            path = work / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.git(work.parent, "init", "-q", work.name)
        self.git(work, "add", "-A")
        self.git(work, "commit", "-q", "-m", "initial")
        origin = self.root / "origins" / f"{name}.git"
        origin.parent.mkdir(parents=True, exist_ok=True)
        self.git(self.root, "clone", "-q", "--bare", str(work), str(origin))
        return origin

    def clone(self) -> None:
        """all-repos-clone: the mirror the autofixer greps and clones from."""
        done = subprocess.run([sys.executable, "-m", "all_repos.clone", "-C", str(self.config), "-j", "2"],
                              cwd=self.root, capture_output=True, text=True, env=self.env, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr

    def fixer(self, *args: str, stdin: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ionos_migrate.fleet", "-C", str(self.config), *args],
                              cwd=self.root, capture_output=True, text=True, env=self.env, timeout=timeout,
                              input=stdin if stdin is not None else "")

    def heads(self) -> dict[str, str]:
        """Each origin's main commit."""
        return {name: self.git(origin, "rev-parse", "main").strip() for name, origin in self.origins.items()}

    def show(self, name: str, path: str, ref: str = "main") -> str:
        return self.git(self.origins[name], "show", f"{ref}:{path}")

    def commit_messages(self, name: str, since: str) -> list[str]:
        """Full messages of the commits on main after ``since`` (the merge commit's second parent included)."""
        out = self.git(self.origins[name], "log", "--format=%B%x00", f"{since}..main")
        return [m.strip() for m in out.split("\0") if m.strip()]
