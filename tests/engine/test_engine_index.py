"""The project phase: module-level constants by the names modules are imported by."""

from __future__ import annotations

from engine_helpers import LEGACY_URL, make_tree
from ionos_migrate.discovery import discover
from ionos_migrate.engine import module_keys
from ionos_migrate.project_phase import collect_file_facts, plan_project


def test_every_dotted_suffix_is_a_key(tmp_path):
    make_tree(tmp_path, {"src/app/settings.py": "", "src/app/__init__.py": "", "top.py": ""})
    keys = {f.rel: module_keys(f) for f in discover([tmp_path])}
    assert keys["src/app/settings.py"] == ["src.app.settings", "app.settings", "settings"]
    assert keys["src/app/__init__.py"] == ["src.app", "app"]
    assert keys["top.py"] == ["top"]


def test_index_holds_constants_and_drops_ambiguous_names(tmp_path):
    make_tree(tmp_path, {
        "one/app/settings.py": f'URL = "{LEGACY_URL}"\n',
        "two/app/settings.py": 'URL = "https://example.invalid/models/x/predictions"\n',
        "three/config.py": f'BASE = "{LEGACY_URL}"\n',
    })
    modules = discover([tmp_path])
    index = plan_project(modules, [collect_file_facts(f) for f in modules], [])
    assert index.constants["three.config"] == index.constants["config"] == {"BASE": LEGACY_URL}
    assert index.constants["one.app.settings"] == {"URL": LEGACY_URL}
    assert "app.settings" not in index.constants and "settings" not in index.constants  # which one? unknowable


def test_a_module_that_does_not_parse_has_no_constants(tmp_path):
    make_tree(tmp_path, {"broken.py": f'URL = "{LEGACY_URL}"\ndef (:\n'})
    [module] = discover([tmp_path])
    assert collect_file_facts(module).constants == {}
