"""The never-silent rule, one signal at a time: what becomes a finding, with which status, and what stays quiet."""

from __future__ import annotations

import pytest

from ionos_migrate.codemods import MigrationContext, ProjectIndex, transform
from ionos_migrate.codemods.api import DeployValue
from ionos_migrate.codemods.facts import collect_facts
from ionos_migrate.codemods.project import ModuleRef, build_project
from ionos_migrate.compat.model_map import ModelMap

UUID = "b18b18de-92c3-466e-81a8-e5df91890091"
CONFLICTING = "0b6c4a15-bb8d-4092-82b0-f357b77c59fd"
HOST = "https://inference.de-txl.ionos.com"
CONTEXT = MigrationContext(ModelMap.bundled())


def findings(source: str, context: MigrationContext = CONTEXT, module: str | None = None):
    result = transform(source, path="m.py", context=context, module=module)
    again = transform(result.code, path="m.py", context=context, module=module)
    assert again.code == result.code, "a second run changed the code"
    return result, [(f.line, f.status, f.rule) for f in result.findings]


def check_noop(source: str, **kwargs) -> None:
    result, found = findings(source, **kwargs)
    assert found == [] and result.code == source


def check_flagged(source: str, line: int, status: str = "manual", rule: str = "ionos-legacy-signal", **kwargs):
    result, found = findings(source, **kwargs)
    assert (line, status, rule) in found, found
    if status == "manual":
        assert "# ionos-migrate:" in result.code
    return result


# --- strong signals: reported wherever they are -------------------------------------------


def test_a_legacy_url_handed_to_code_the_tool_cannot_follow():
    check_flagged(f'from vendor import Client\n\nclient = Client(base_url="{HOST}/models")\n', 3)


def test_a_legacy_url_in_a_dict_config():
    check_flagged(f'CONFIG = {{"ionos": {{"API_BASE": "{HOST}/models"}}}}\n', 1)


def test_a_legacy_body_without_a_legacy_url_in_sight():
    source = (
        "import requests\n\n\ndef send(base, prompt):\n"
        '    body = {"properties": {"input": prompt, "options": {"max_length": "9"}}}\n'
        '    return requests.post(f"{base}/completions", json=body).json()\n'
    )
    check_flagged(source, 5)


def test_a_known_model_id_in_configuration_is_a_note_an_unknown_one_is_manual():
    check_flagged(f'from vendor import Evaluation\n\nEvaluation(model_id="{UUID}")\n', 3, "info")
    check_flagged(f'from vendor import Evaluation\n\nEvaluation(model_id="{CONFLICTING}")\n', 3)


def test_a_project_constant_used_where_the_tool_cannot_follow_it():
    project = ProjectIndex(constants={"settings": {"BASE": f"{HOST}/models"}})
    source = "from vendor import Client\n\nfrom settings import BASE\n\nclient = Client(base_url=BASE)\n"
    check_flagged(source, 5, context=MigrationContext(ModelMap.bundled(), project=project))


def test_a_docstring_that_names_the_retired_url_is_a_note():
    check_flagged(f'def ask():\n    """Posts to {HOST}/models/x/predictions."""\n', 2, "info")


# --- weak signals: only in a module tied to IONOS -----------------------------------------


WEAK = (
    "def extract(raw):\n    return raw['properties']['output']\n\n\n"
    "def usage(raw):\n    meta = raw.get('metadata') or {}\n    return meta.get('inputTokens'), meta.get('outputTokens')\n\n\n"
    "def url(base, model):\n    return f'{base}/{model}/predictions'\n"
)


def test_weak_signals_alone_say_nothing():
    check_noop(WEAK)


def test_weak_signals_count_in_a_module_that_names_ionos():
    result, found = findings("IONOS_TIMEOUT = 30\n\n\n" + WEAK)
    assert [line for line, status, _rule in found if status == "manual"] == [5, 9, 14]  # the meta binding: the read's first half


def test_weak_signals_count_in_a_module_the_project_ties_to_ionos():
    project = ProjectIndex(context=frozenset({"bot.parsing"}))
    _result, found = findings(WEAK, MigrationContext(ModelMap.bundled(), project=project), module="bot.parsing")
    assert len(found) == 3


@pytest.mark.parametrize("lookalike", [
    'SCHEMA = {"properties": {"output": {"type": "string"}}}\n\n\ndef out():\n    return SCHEMA["properties"]["output"]\n',
    'ROUTES = {}\n\n\ndef answer():\n    return {"url": "/predictions"}\n',
    'def replicate(o, n):\n    return f"https://api.replicate.com/v1/models/{o}/{n}/predictions"\n',
    f'import requests\n\n\ndef local(p):\n    return requests.post("http://localhost:8080/models/x/predictions", json={{"properties": {{"input": p}}}})\n',
    f'BASE = "{HOST}"\nCOLLECTIONS = BASE + "/collections"\nNEW = "https://openai.inference.de-txl.ionos.com/v1/models"\n',
])
def test_lookalikes_in_a_module_that_names_ionos_stay_quiet(lookalike):
    check_noop("IONOS_TIMEOUT = 30\n" + lookalike)


# --- the project phase ----------------------------------------------------------------------


def _project(modules: dict[str, str], deploy=()) -> ProjectIndex:
    refs = []
    for path, source in modules.items():
        parts = path[:-3].split("/")
        package = parts[-1] == "__init__"
        parts = parts[:-1] if package else parts
        keys = tuple(".".join(parts[i:]) for i in range(len(parts)))
        refs.append((ModuleRef(keys, path, package), collect_facts(source, frozenset({UUID}))))
    return build_project(refs, deploy)


def test_context_reaches_the_modules_a_seed_imports_and_those_that_import_it():
    project = _project({
        "bot/gateway.py": 'from .parsing import extract\nBODY = {"properties": {"input": "x"}}\n',
        "bot/parsing.py": "def extract(raw):\n    return raw['properties']['output']\n",
        "other/unrelated.py": "def f(raw):\n    return raw['properties']['output']\n",
    })
    assert {"bot.gateway", "bot.parsing"} <= project.context and "other.unrelated" not in project.context


def test_a_class_hierarchy_over_three_modules_is_one_split_site():
    project = _project({
        "core/base.py": (
            "import requests\n\nclass Base:\n    def path(self):\n        return '/predictions'\n"
            "    def call(self, m):\n        return requests.post(self.url + self.path(), json=self.body(m))\n"
        ),
        "clients/__init__.py": "from .ionos import Ionos\n",
        "clients/ionos.py": (
            "from core.base import Base\n\nclass Ionos(Base):\n"
            "    def body(self, m):\n        return {'properties': {'input': m}}\n"
        ),
        "main.py": f"from clients import Ionos\n\nIonos(url='{HOST}/models/{UUID}')\n",
    })
    [split] = project.splits
    assert set(split.classes) == {("core.base", "Base"), ("clients.ionos", "Ionos")}
    assert split.calls == (("main", 3),)
    assert "core/base.py" in split.message and "clients/ionos.py" in split.message and "main.py" in split.message


def test_one_module_hierarchies_are_left_to_the_file_phase():
    project = _project({"m.py": "class A:\n    def p(self):\n        return '/predictions'\n\nclass B(A):\n    pass\n"})
    assert project.splits == ()


def test_environment_constants_and_deployment_values_are_indexed():
    deploy = [DeployValue("IONOS_API_URL", ".env", 2, f"{HOST}/models")]
    project = _project({"settings.py": 'import os\nAPI_URL = os.getenv("IONOS_API_URL", "").rstrip("/")\n'}, deploy)
    assert project.env_variable("settings", "API_URL") == "IONOS_API_URL"
    assert project.deploy["IONOS_API_URL"][0].path == ".env"


# --- bases from the environment ------------------------------------------------------------


def test_a_run_time_base_is_read_through_the_generated_helper_and_named():
    deploy = {"IONOS_API_URL": (DeployValue("IONOS_API_URL", ".env", 2, f"{HOST}/models"),)}
    context = MigrationContext(ModelMap.bundled(), project=ProjectIndex(deploy=deploy))
    source = (
        'import os\n\nimport requests\n\nAPI_URL = os.getenv("IONOS_API_URL", "")\n\n\n'
        "def ask(q, model):\n"
        '    r = requests.post(f"{API_URL}/{model}/predictions", json={"properties": {"input": q}})\n'
        '    return r.json()["properties"]["output"]\n'
    )
    result, found = findings(source, context)
    assert found == [(9, "migrated", "ionos-predictions")]
    assert 'requests.post(\n        ionos_openai_base(API_URL) + "/chat/completions",\n' in result.code
    assert "def ionos_openai_base(base):" in result.code
    [finding] = result.findings
    assert "IONOS_API_URL" in finding.message and ".env:2" in finding.message


def test_the_generated_helper_translates_legacy_and_empty_bases_and_keeps_others():
    from ionos_migrate.codemods.runtime_base import HELPER, HELPER_CODE

    namespace: dict = {}
    exec(HELPER_CODE, namespace)  # noqa: S102 - the code the migration writes into user modules
    base = namespace[HELPER]
    new = "https://openai.inference.de-txl.ionos.com/v1"
    assert base(f"{HOST}/models") == base(f"{HOST}/models/") == base(HOST) == base("") == base(None) == new
    assert base("http://127.0.0.1:9000/v1/") == "http://127.0.0.1:9000/v1"
