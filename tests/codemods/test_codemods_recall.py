"""Never silent: every legacy line a case marks gets a finding, before and after ``apply``.

A case marks its legacy lines by hand, from reading the code, never from the
tool's output: a trailing ``# legacy: <what>`` comment in Python files, and a
``[recall]`` table in ``case.toml`` for other files (``".env" = [2, 3]``).

- ``scan`` of ``before/`` must report a finding (any status) whose lines cover
  every marked line.
- After ``apply``, a marked line that still holds a legacy value (the legacy
  host, a ``/predictions`` path, a legacy body or answer key, a legacy model id)
  must still be covered by a finding of a second ``scan``, and ``scan`` must
  exit 1 while any site is left for manual work: "clean" only when the code is.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_codemods_cases import CASE_NAMES, CASES, apply, case_meta, write_model_map  # noqa: E402

MARK = "# legacy:"
# Deliberately dumb: what a legacy line still looks like after a rewrite that missed it.
STILL_LEGACY = re.compile(
    r"(?<!openai\.)inference\.de-txl\.ionos\.com(?!/collections)|/predictions|inputTokens|outputTokens"
    r"|\"properties\"|'properties'|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def marked_lines(tree: Path, meta: dict) -> dict[str, set[int]]:
    marked: dict[str, set[int]] = {}
    for path in sorted(tree.rglob("*.py")):
        rel = path.relative_to(tree).as_posix()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if MARK in line:
                marked.setdefault(rel, set()).add(number)
    for rel, lines in meta.get("recall", {}).items():
        marked.setdefault(rel, set()).update(lines)
    return marked


def scan(tree: Path, extra: list[str], report: Path):
    args = ["scan", str(tree), "--no-progress", "--jobs", "1", "--report", str(report), *extra]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    findings = json.loads(report.read_text("utf-8"))["findings"]
    return result, findings


def uncovered(tree: Path, marked: dict[str, set[int]], findings: list[dict]) -> list[str]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for finding in findings:  # a finding covers its own lines and the lines of its site's other pieces
        rel = Path(finding["path"]).resolve().relative_to(tree.resolve()).as_posix()
        spans.setdefault(rel, []).append((finding["line"], finding["end_line"]))
        spans[rel].extend((line, line) for line in finding.get("related", []))
    missed = []
    for rel, lines in sorted(marked.items()):
        for number in sorted(lines):
            if not any(start <= number <= end for start, end in spans.get(rel, [])):
                text = (tree / rel).read_text("utf-8").splitlines()[number - 1].strip()
                missed.append(f"{rel}:{number}: {text}")
    return missed


MARKED_CASES = [name for name in CASE_NAMES if marked_lines(CASES / name / "before", case_meta(name))]


def test_the_new_shapes_are_marked():
    assert {name for name in MARKED_CASES if name.startswith("proj_")} >= {
        "proj_env_base", "proj_config_object", "proj_class_hierarchy", "proj_request_dict",
        "proj_body_elsewhere", "proj_config_only",
    }


@pytest.mark.parametrize("name", MARKED_CASES)
def test_every_marked_legacy_line_gets_a_finding(name, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CASES / name / "before", tree)
    _result, findings = scan(tree, write_model_map(case_meta(name), tmp_path), tmp_path / "scan.json")
    missed = uncovered(tree, marked_lines(tree, case_meta(name)), findings)
    assert not missed, "legacy lines without a finding:\n" + "\n".join(missed)


@pytest.mark.parametrize("name", MARKED_CASES)
def test_scan_after_apply_reports_what_is_left(name, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CASES / name / "before", tree)
    extra = write_model_map(case_meta(name), tmp_path)
    apply(tree, extra, tmp_path / "apply.json")
    applied = json.loads((tmp_path / "apply.json").read_text("utf-8"))["findings"]

    result, findings = scan(tree, extra, tmp_path / "rescan.json")

    still = {
        rel: {n for n in lines if STILL_LEGACY.search((tree / rel).read_text("utf-8").splitlines()[n - 1].split(MARK)[0])}
        for rel, lines in marked_lines(tree, case_meta(name)).items()
    }
    missed = uncovered(tree, still, findings)
    assert not missed, "legacy lines left by apply without a finding:\n" + "\n".join(missed)
    left = [f for f in applied if f["status"] in ("manual", "error")]
    assert result.exit_code == (1 if left else 0), (left, findings)
    assert not [f for f in findings if f["status"] == "migrated"], "scan after apply still finds work apply did not do"
