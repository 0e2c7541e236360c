"""Count migrated and manual sites over the case library with the real ``ionos-migrate apply``, per target.

The figures docs/codemods.md ("Numbers") quotes. Usage: python tests/cases/count_sites.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "codemods"))

from test_codemods_cases import CASE_NAMES, TARGETS, apply, case_meta, write_model_map


def count(target: str) -> Counter:
    statuses: Counter = Counter()
    for name in CASE_NAMES:
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            shutil.copytree(HERE / name / "before", tmp / "tree")
            apply(tmp / "tree", write_model_map(case_meta(name), tmp), tmp / "report.json", target)
            report = json.loads((tmp / "report.json").read_text("utf-8"))
            findings = report["findings"] if isinstance(report, dict) else report
            statuses.update(f["status"] for f in findings if f["status"] in ("migrated", "manual"))
    return statuses


if __name__ == "__main__":
    for target in TARGETS:
        found = count(target)
        sites = found["migrated"] + found["manual"]
        print(f"{target}: {sites} sites, {found['migrated']} migrated ({found['migrated'] / sites:.0%}), {found['manual']} manual")
