"""The resolver and URL classification, piece by piece."""

from __future__ import annotations

import libcst as cst
import pytest

from ionos_migrate.codemods.api import ProjectIndex
from ionos_migrate.codemods.resolve import Dyn, ModuleIndex, Resolver, literal_text
from ionos_migrate.codemods.sites import CallFinder, classify

UUID = "b18b18de-92c3-466e-81a8-e5df91890091"
HOST = "https://inference.de-txl.ionos.com"


def url_of_first_call(source: str, project: ProjectIndex | None = None, module_name: str = "pkg.main"):
    index = ModuleIndex(cst.parse_module(source), project, module_name)
    calls = CallFinder(index, Resolver(index)).find()
    assert calls, "no HTTP call found"
    return calls[0].url_parts


@pytest.mark.parametrize(
    "setup, url",
    [
        (f'URL = "{HOST}/models/{UUID}/predictions"', "URL"),
        (f'BASE = "{HOST}"\nM = "{UUID}"', 'f"{BASE}/models/{M}/predictions"'),
        (f'BASE = "{HOST}"\nM = "{UUID}"', '"%s/models/%s/predictions" % (BASE, M)'),
        (f'BASE = "{HOST}"\nM = "{UUID}"', '"{}/models/{m}/predictions".format(BASE, m=M)'),
        (f'BASE = "{HOST}"\nM = "{UUID}"', 'BASE + "/models/" + M + "/predictions"'),
        (f'CONFIG = {{"base": "{HOST}", "model": "{UUID}"}}', 'CONFIG["base"] + "/models/" + CONFIG["model"] + "/predictions"'),
        ("", f'"{HOST}" "/models/" "{UUID}" "/predictions"'),
        (f'def build(model):\n    return f"{HOST}/models/{{model}}/predictions"', f'build("{UUID}")'),
        (f'from urllib.parse import urljoin\nBASE = "{HOST}/"', f'urljoin(BASE, "models/{UUID}/predictions")'),
        (f'import urllib.parse\nM = "{UUID}"', f'urllib.parse.urljoin("{HOST}/api/", f"/models/{{M}}/predictions")'),
        (f'M = "{UUID}"', f'"/".join(["{HOST}", "models", M, "predictions"])'),
    ],
)
def test_static_urls_resolve_to_the_literal_text(setup, url):
    parts = url_of_first_call(f"import requests\n{setup}\nrequests.post({url}, json={{}})\n")
    assert literal_text(parts) == f"{HOST}/models/{UUID}/predictions"
    legacy = classify(parts)
    assert legacy.kind == "predictions" and legacy.model == (UUID,)


def test_env_default_host_and_env_model_with_default():
    source = (
        "import os, requests\n"
        f'ENDPOINT = os.getenv("IONOS_ENDPOINT", "{HOST}/models")\n'
        f'MODEL_ID = os.environ.get("IONOS_MODEL", "{UUID}")\n'
        'requests.post(f"{ENDPOINT}/{MODEL_ID}/predictions", json={})\n'
    )
    legacy = classify(url_of_first_call(source))
    assert legacy.kind == "predictions" and legacy.host_from_default
    (model,) = legacy.model
    assert isinstance(model, Dyn) and model.default == UUID
    assert cst.Module([]).code_for_node(model.node) == "MODEL_ID"


def test_unknown_host_is_not_a_site():
    parts = url_of_first_call('import os, requests\nrequests.post(os.environ["BASE"] + "/models/x/predictions", json={})\n')
    assert classify(parts) is None


def test_other_hosts_and_similar_paths_are_not_legacy():
    assert classify(("https://api.replicate.com/v1/models/a/b/predictions",)) is None
    assert classify(("https://openai.inference.de-txl.ionos.com/v1/chat/completions",)) is None
    assert classify((f"{HOST}/collections/abc/query",)).kind == "collections"
    assert classify((f"{HOST}/models",)).kind == "models"
    assert classify((f"{HOST}/v1/chat/completions",)).kind == "openai_path"


def test_model_name_with_slashes_in_the_path():
    legacy = classify((f"{HOST}/models/meta-llama/Meta-Llama-3.1-8B-Instruct/predictions",))
    assert legacy.model == ("meta-llama/Meta-Llama-3.1-8B-Instruct",)


def test_cross_module_constants_absolute_relative_and_module_attribute():
    project = ProjectIndex({"pkg.settings": {"URL": f"{HOST}/models/{UUID}/predictions"}})
    for imports, expr in [
        ("from pkg.settings import URL", "URL"),
        ("from .settings import URL", "URL"),
        ("from pkg import settings", "settings.URL"),
        ("import pkg.settings as settings", "settings.URL"),
    ]:
        parts = url_of_first_call(f"import requests\n{imports}\nrequests.post({expr}, json={{}})\n", project)
        assert literal_text(parts) == f"{HOST}/models/{UUID}/predictions", imports


def test_relative_import_with_the_module_indexed_under_several_names():
    settings = {"URL": f"{HOST}/models/{UUID}/predictions"}
    project = ProjectIndex({"src.app.settings": settings, "app.settings": settings, "settings": dict(settings)})
    parts = url_of_first_call("import requests\nfrom .settings import URL\nrequests.post(URL, json={})\n", project, "/abs/path/app/client")
    assert literal_text(parts) == f"{HOST}/models/{UUID}/predictions"
    other = ProjectIndex({"a.settings": settings, "b.settings": {"URL": "https://example.com"}})
    index = ModuleIndex(cst.parse_module("from .settings import URL\n"), other, "/x/c/client")
    assert index.project_constant("settings", "URL", 1) is None  # two different modules could be meant: no guess


def test_class_attributes_inheritance_and_url_helper():
    source = (
        "import requests\n"
        f'class Base:\n    HOST = "{HOST}"\n'
        f'class Client(Base):\n    MODEL = "{UUID}"\n'
        '    def _url(self):\n        return f"{self.HOST}/models/{self.MODEL}/predictions"\n'
        "    def go(self):\n        return requests.post(self._url(), json={})\n"
    )
    assert literal_text(url_of_first_call(source)) == f"{HOST}/models/{UUID}/predictions"


def test_httpx_base_url_joins_relative_path():
    source = (
        "import httpx\n"
        f'client = httpx.Client(base_url="{HOST}/models/")\n'
        f'client.post("{UUID}/predictions", json={{}})\n'
    )
    assert literal_text(url_of_first_call(source)) == f"{HOST}/models/{UUID}/predictions"


def test_reassigned_name_stays_run_time():
    source = f'import requests\nM = "{UUID}"\nM = other()\nrequests.post(f"{HOST}/models/{{M}}/predictions", json={{}})\n'
    (model,) = classify(url_of_first_call(source)).model
    assert isinstance(model, Dyn) and model.default is None


def test_self_referencing_constant_does_not_loop():
    parts = url_of_first_call("import requests\nX = X + '/predictions'\nrequests.post(X, json={})\n")
    assert classify(parts) is None
