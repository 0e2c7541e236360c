"""all-repos is the [fleet] extra's: the core install neither pulls it in nor needs it for fleet-report."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
# Run a module as __main__ with all_repos impossible to import, as in a core install.
WITHOUT_ALL_REPOS = ("import runpy, sys; sys.modules['all_repos'] = None; sys.argv = sys.argv[1:]; "
                     "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)")


def test_the_core_dependencies_do_not_include_all_repos():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {Requirement(spec).name for spec in project["dependencies"]}
    assert "all-repos" not in core
    extras = project["optional-dependencies"]
    assert any(Requirement(spec).name == "all-repos" for spec in extras["fleet"])
    installed_core = [Requirement(spec) for spec in requires("ionos-migrate") or []]
    assert not [r for r in installed_core if r.name == "all-repos" and not r.marker]  # only behind an extra


def test_fleet_report_runs_without_all_repos(tmp_path):
    share = {"version": 1, "kind": "fleet", "dry_run": True, "shards": ["1/1"],
             "repositories": [{"repo": "org/a", "outcome": "would-push", "found": 2, "migrated": 2}]}
    (tmp_path / "s.json").write_text(json.dumps(share))
    done = subprocess.run([sys.executable, "-c", WITHOUT_ALL_REPOS, "ionos_migrate", "fleet-report", "s.json",
                           "-o", "fleet.html"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "org/a" in (tmp_path / "fleet.html").read_text()


def test_the_autofixer_without_all_repos_says_how_to_install_it(tmp_path):
    done = subprocess.run([sys.executable, "-c", WITHOUT_ALL_REPOS, "ionos_migrate.fleet", "--help"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "pip install 'ionos-migrate[fleet]'" in done.stderr
