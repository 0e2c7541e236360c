"""Every case in tests/cases: before/ migrated equals after/, and a second run changes nothing.

Each case is a folder with ``before/`` and ``after/`` trees and an optional
``case.toml``:

    [models]                 # extra model map entries, as in --model-map
    "<legacy id>" = "<name>"
    [expect]
    migrated = 2             # sites the case expects migrated / manual
    manual = 0
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ionos_migrate.codemods import MigrationContext, ProjectIndex, collect_constants, module_name, transform
from ionos_migrate.compat.model_map import ModelMap

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES = Path(__file__).resolve().parent.parent / "cases"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "before").is_dir())


def load_case(name: str) -> tuple[Path, dict]:
    folder = CASES / name
    meta = tomllib.loads((folder / "case.toml").read_text("utf-8")) if (folder / "case.toml").exists() else {}
    return folder, meta


def case_context(folder: Path, meta: dict) -> MigrationContext:
    model_map = ModelMap.bundled()
    model_map.update(meta.get("models", {}), source=f"{folder.name}/case.toml")
    root = folder / "before"
    constants = {module_name(str(p.relative_to(root))): collect_constants(p.read_text("utf-8")) for p in root.rglob("*.py")}
    return MigrationContext(model_map, project=ProjectIndex(constants))


def migrate_tree(root: Path, context: MigrationContext) -> tuple[dict[str, str], list]:
    out, findings = {}, []
    for path in sorted(root.rglob("*.py")):
        rel = str(path.relative_to(root))
        result = transform(path.read_text("utf-8"), path=rel, context=context)
        out[rel] = result.code
        findings += result.findings
    return out, findings


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_migrates_to_after_and_is_idempotent(name):
    folder, meta = load_case(name)
    context = case_context(folder, meta)
    migrated, findings = migrate_tree(folder / "before", context)
    expected = {str(p.relative_to(folder / "after")): p.read_text("utf-8") for p in (folder / "after").rglob("*.py")}
    assert set(migrated) == set(expected)
    for rel, text in migrated.items():
        assert text == expected[rel], f"{name}/{rel} differs from after/"
    for rel, text in expected.items():
        again = transform(text, path=rel, context=context)
        assert again.code == text, f"{name}/{rel}: a second run changed the file"
    expect = meta.get("expect", {})
    for status in ("migrated", "manual"):
        if status in expect:
            assert sum(f.status == status for f in findings) == expect[status], [f.message for f in findings]
