"""The byte prefilter: what reaches the parser, and what never does."""

from __future__ import annotations

from engine_helpers import CLEAN_MODULE, LEGACY_URL, make_tree
from ionos_migrate.discovery import discover
from ionos_migrate.prefilter import markers, prefilter


def kept(root, extra=()) -> list[str]:
    return sorted(f.rel for f in prefilter(discover([root]), markers(extra)).kept)


def test_only_files_with_a_marker_are_kept(tmp_path):
    make_tree(tmp_path, {
        "legacy.py": f'URL = "{LEGACY_URL}"\n',
        "path_only.py": 'PATH = "/predictions"\n',
        "clean.py": CLEAN_MODULE,
        "new_api.py": 'URL = "https://openai.inference.de-txl.ionos.com/v1/chat/completions"\n',  # has the host inside
        ".env": f"URL={LEGACY_URL}\n",
        "other.json": "{}",
    })
    assert kept(tmp_path) == [".env", "legacy.py", "new_api.py", "path_only.py"]


def test_markers_from_the_configuration_count(tmp_path):
    make_tree(tmp_path, {"gateway.py": 'BASE = "https://llm-gateway.internal/ionos"\n', "clean.py": CLEAN_MODULE})
    assert kept(tmp_path) == []
    assert kept(tmp_path, ["llm-gateway.internal"]) == ["gateway.py"]


def test_files_importing_a_url_name_from_a_kept_module_are_kept_too_transitively(tmp_path):
    make_tree(tmp_path, {
        "app/settings.py": f'BASE = "{LEGACY_URL}"\nPREDICT_URL = BASE + "/x"\nTIMEOUT = 3\n',
        "app/config.py": "from app.settings import PREDICT_URL\nURL = PREDICT_URL\n",  # a re-export
        "app/client.py": "import requests\nfrom .config import URL\nrequests.post(URL, json={})\n",
        "app/multi.py": "from app import (\n    other,\n    settings,\n)\nprint(settings.PREDICT_URL)\n",
        "nb.ipynb": '{"cells": [{"cell_type": "code", "source": ["from app.settings import PREDICT_URL\\n"]}]}',
        "nb2.ipynb": '{"cells": [{"cell_type": "code", "source": "import os\\nimport app.settings as s\\ns.BASE"}]}',
        "app/timeout_only.py": "from app.settings import TIMEOUT\n",  # no URL name imported
        "app/django_style.py": "from django.conf import settings\nprint(settings.DEBUG)\n",
        "app/lookalike.py": "import settingsx\nprint(settingsx.PREDICT_URL)\n",
    })
    result = prefilter(discover([tmp_path]), markers())
    assert sorted(f.rel for f in result.kept) == [
        "app/client.py", "app/config.py", "app/multi.py", "app/settings.py", "nb.ipynb", "nb2.ipynb",
    ]
    assert result.via_import == 5


def test_multi_line_and_class_and_function_definitions_export_their_name(tmp_path):
    from ionos_migrate.prefilter import exported_names

    source = (
        f'CONFIG = {{\n    "API_BASE": "{LEGACY_URL}",\n}}\n'
        f"class Settings:\n    url = '{LEGACY_URL}'\n"
        f"def predict_url(model):\n    return f'https://inference.de-txl.ionos.com/models/{{model}}/predictions'\n"
        "OTHER = 1\nDERIVED = CONFIG['API_BASE']\n"
    ).encode()
    assert exported_names(source, markers(), set()) == {b"CONFIG", b"Settings", b"predict_url", b"DERIVED"}


def test_unreadable_files_are_reported_not_dropped_silently(tmp_path):
    make_tree(tmp_path, {"a.py": CLEAN_MODULE})
    files = discover([tmp_path])
    (tmp_path / "a.py").unlink()  # gone between discovery and reading
    result = prefilter(files, markers())
    assert [(f.rel, reason) for f, reason in result.unreadable] == [("a.py", "No such file or directory")]
    assert result.dropped == 0
