"""--target openai: where the token comes from, where the client is created, and how it behaves.

The behaviour tests run the rewritten code through the real openai SDK against the offline
emulator on loopback, told to answer errors (its fail switch), and count the requests it got.
"""

from __future__ import annotations

import sys as _sys
from pathlib import Path as _Path

_sys.path.insert(0, str(_Path(__file__).resolve().parent))
from layout_free import flat  # noqa: E402

import openai
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from ionos_migrate.codemods import MigrationContext, ProjectIndex, transform
from ionos_migrate.compat import rules as mapping
from ionos_migrate.compat.emulator import create_app
from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.serving import serve_in_thread

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
OPENAI = MigrationContext(ModelMap.bundled(), target="openai")
BODY = '{"properties": {"input": prompt}}'
CREATE = 'create(model="meta-llama/Llama-3.3-70B-Instruct", messages=[{"role": "user", "content": prompt}]'


def migrate(source: str, context: MigrationContext = OPENAI, module: str | None = None):
    result = transform(source, path="m.py", context=context, module=module)
    again = transform(result.code, path="m.py", context=context, module=module)
    assert again.code == result.code, "not idempotent"
    return result


def call_site(headers: str, *, above: str = "", inside: str = "") -> str:
    return (
        f"import os\n\nimport requests\n\n{above}\n\n"
        "def ask(prompt):\n"
        f"{inside}"
        f'    r = requests.post("{URL}", json={BODY}, headers={headers})\n'
        "    r.raise_for_status()\n"
        '    return r.json()["properties"]["output"]\n'
    )


# -- where the token comes from ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("above", "headers", "key"),
    [
        ('class Config:\n    token = os.environ.get("T")', '{"Authorization": "Bearer %s" % Config.token}', 'Config.token or "no-token"'),
        ('TOKEN = os.environ["T"]', '{"Authorization": "Bearer {}".format(TOKEN)}', "TOKEN"),
        ('TOKEN = os.environ["T"]', '{"Authorization": "Bearer {t}".format(t=TOKEN)}', "TOKEN"),
        ('TOKEN = os.getenv("T")\nAUTH = f"Bearer {TOKEN}"', '{"Authorization": AUTH}', 'TOKEN or "no-token"'),
        ('TOKEN = os.getenv("T")', '{"Authorization": "Bearer %s" % (TOKEN,)}', 'TOKEN or "no-token"'),
    ],
)
def test_a_token_fixed_at_import_gets_one_module_client_below_its_definition(above, headers, key):
    result = migrate(call_site(headers, above=above))
    assert result.findings[0].status == "migrated", result.findings[0].message
    creation = f'ionos_client = OpenAI(base_url="{mapping.OPENAI_BASE_URL}", api_key={key}, max_retries=0)\n'
    assert creation in flat(result.code)
    defined = [line for line in above.splitlines() if not line.startswith("AUTH")][-1]  # where the token is defined
    assert result.code.index(defined) < result.code.index("ionos_client = OpenAI(") < result.code.index("def ask")
    assert f"    r = ionos_client.chat.completions.{CREATE})\n" in flat(result.code)


def test_another_modules_constant_is_a_module_client_after_its_import():
    project = ProjectIndex(constants={"settings": {"PREDICT_URL": URL}})
    source = (
        "import requests\n\nfrom settings import API_TOKEN, PREDICT_URL\n\n\n"
        "def ask(prompt):\n"
        f'    r = requests.post(PREDICT_URL, json={BODY}, headers={{"Authorization": f"Bearer {{API_TOKEN}}"}})\n'
        '    return r.json()["properties"]["output"]\n'
    )
    result = migrate(source, MigrationContext(ModelMap.bundled(), target="openai", project=project))
    assert result.findings[0].status == "migrated", result.findings[0].message
    # with the third-party imports (an absolute import of the project's own module counts as one: the layout
    # cannot tell it from an installed package)
    assert "from openai import OpenAI\nfrom settings import API_TOKEN\n" in flat(result.code)
    assert 'ionos_client = OpenAI(base_url="https://openai.inference.de-txl.ionos.com/v1", api_key=API_TOKEN or "no-token", max_retries=0)' in flat(result.code)


def test_a_token_read_in_the_function_is_read_there_once_per_call():
    result = migrate(call_site("headers", inside='    headers = {"Authorization": f"Bearer {os.environ[\'T\']}"}\n'))
    assert result.findings[0].status == "migrated"
    assert "    ionos_client = OpenAI(" in flat(result.code) and "\nionos_client" not in flat(result.code)


def test_a_session_made_in_another_function_and_passed_in():
    source = (
        "import asyncio\nimport os\n\nimport aiohttp\n\nAPI_KEY = os.environ['T']\n\n\n"
        "async def fetch(session, prompt):\n"
        f'    async with session.post("{URL}", json={BODY}) as resp:\n'
        "        data = await resp.json()\n"
        '        return data["properties"]["output"]\n\n\n'
        "async def main():\n"
        '    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {API_KEY}"}) as session:\n'
        '        print(await fetch(session, "hi"))\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated", result.findings[0].message
    assert "API_KEY = os.environ['T']\nionos_async_client = AsyncOpenAI(" in flat(result.code)
    assert f"    resp = await ionos_async_client.chat.completions.{CREATE})\n" in flat(result.code)


def test_sessions_with_different_tokens_keep_the_site_manual():
    source = (
        "import aiohttp\n\nA = 'x' + str(1)\nB = 'y' + str(2)\n\n\n"
        "async def fetch(session, prompt):\n"
        f'    async with session.post("{URL}", json={BODY}) as resp:\n'
        '        return (await resp.json())["properties"]["output"]\n\n\n'
        "async def main():\n"
        '    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {A}"}) as one:\n'
        '        await fetch(one, "a")\n'
        '    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {B}"}) as two:\n'
        '        await fetch(two, "b")\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "manual" and "different tokens" in result.findings[0].message


def test_attributes_set_in_init_give_an_instance_client():
    source = (
        "import requests\n\n\n"
        "class Hub:\n"
        "    def __init__(self, token):\n"
        "        self.token = token\n"
        "        self.timeout = 20\n\n"
        "    def ask(self, prompt):\n"
        f'        r = requests.post("{URL}", json={BODY}, headers={{"Authorization": "Bearer " + self.token}}, timeout=self.timeout)\n'
        '        return r.json()["properties"]["output"]\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert (
        "        self.token = token\n"
        '        self.ionos_client = OpenAI(base_url="https://openai.inference.de-txl.ionos.com/v1", api_key=self.token or "no-token", max_retries=0)\n'
        "        self.timeout = 20\n"
    ) in flat(result.code)
    assert f"        r = self.ionos_client.chat.completions.{CREATE}, timeout=self.timeout)\n" in flat(result.code)


def test_a_subclass_with_its_own_init_keeps_the_client_in_the_method():
    source = (
        "import requests\n\n\n"
        "class Hub:\n"
        "    def __init__(self, token):\n"
        "        self.token = token\n\n"
        "    def ask(self, prompt):\n"
        f'        r = requests.post("{URL}", json={BODY}, headers={{"Authorization": "Bearer " + self.token}})\n'
        '        return r.json()["properties"]["output"]\n\n\n'
        "class LocalHub(Hub):\n"
        "    def __init__(self):\n"
        '        self.token = "dev"\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert "self.ionos_client" not in flat(result.code)
    assert '        ionos_client = OpenAI(base_url="https://openai.inference.de-txl.ionos.com/v1", api_key=self.token or "no-token", max_retries=0)\n' in flat(result.code)


def test_a_run_time_base_is_read_by_the_client():
    source = (
        "import os\n\nimport requests\n\n"
        'API_URL = os.getenv("IONOS_API_URL", "")\nTOKEN = os.environ["T"]\n\n\n'
        "def ask(prompt, model_id):\n"
        '    r = requests.post(f"{API_URL}/{model_id}/predictions", json=' + BODY + ', headers={"Authorization": f"Bearer {TOKEN}"})\n'
        '    return r.json()["properties"]["output"]\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated", result.findings[0].message
    assert "ionos_client = OpenAI(base_url=ionos_openai_base(API_URL), api_key=TOKEN, max_retries=0)" in flat(result.code)
    assert result.code.index("def ionos_openai_base") < result.code.index("ionos_client = OpenAI(")
    assert "the openai client's base_url reads it through ionos_openai_base()" in result.findings[0].message


def test_a_run_time_base_that_is_a_parameter_gets_a_client_in_the_function():
    source = (
        "import requests\n\n\n"
        "def ask(endpoint, token, prompt):\n"
        '    r = requests.post(f"{endpoint}/b18b18de-92c3-466e-81a8-e5df91890091/predictions", json=' + BODY
        + ', headers={"Authorization": f"Bearer {token}"})\n'
        '    return r.json()["properties"]["output"]\n'
    )
    result = migrate(source, MigrationContext(ModelMap.bundled(), target="openai", project=ProjectIndex(context=frozenset({"m"}))), module="m")
    assert result.findings[0].status == "migrated", result.findings[0].message
    assert '    ionos_client = OpenAI(base_url=ionos_openai_base(endpoint), api_key=token or "no-token", max_retries=0)\n' in flat(result.code)


def test_openai_imports_join_the_third_party_group_in_name_order():
    source = call_site("HEADERS", above='import yaml\n\nHEADERS = {"Authorization": "Bearer " + os.environ["T"]}').replace(
        "import requests\n", "import requests\nimport zstandard\n")
    result = migrate(source)
    assert result.code.startswith("import os\n\nimport zstandard\nfrom openai import OpenAI\n\nimport yaml\n")  # isort's order


def test_a_notebook_cell_gets_the_token_of_headers_a_cell_above_defines():
    from ionos_migrate.codemods.constants import collect_bearer_headers

    above = 'TOKEN = os.environ["T"]\nheaders = {"Authorization": f"Bearer {TOKEN}"}\nother = {"Authorization": "Bearer " + cfg.key}\n'
    assert collect_bearer_headers(above) == {"headers": "TOKEN", "other": "cfg.key"}
    assert collect_bearer_headers(above + "headers = {}\n") == {"other": "cfg.key"}
    cell = 'models = requests.get("https://inference.de-txl.ionos.com/models", headers=headers).json()\nprint(len(models["items"]))\n'
    result = transform(cell, path="nb.ipynb", context=OPENAI, earlier_headers=collect_bearer_headers(above))
    assert result.findings[0].status == "migrated"
    assert 'ionos_client = OpenAI(base_url="https://openai.inference.de-txl.ionos.com/v1", api_key=TOKEN or "no-token", max_retries=0)\nmodels = ionos_client.models.list()\n' in flat(result.code)


# -- behaviour through the real SDK ----------------------------------------------------------------


def run_against(source: str, fail: str, monkeypatch, token: str | None = "t") -> tuple[str, int]:
    """Run ``ask("hi")`` with the emulator answering ``fail``: (outcome, requests it received)."""
    if token is None:
        monkeypatch.delenv("T", raising=False)
    else:
        monkeypatch.setenv("T", token)
    app = create_app(fail=fail)
    with serve_in_thread(app) as base_url:
        code = source.replace(mapping.OPENAI_BASE_URL, base_url + "/v1")
        namespace: dict = {}
        exec(compile(code, "m.py", "exec"), namespace)  # noqa: S102 -- the rewritten code under test
        try:
            outcome = repr(namespace["ask"]("hi"))
        except Exception as exc:  # noqa: BLE001 -- the outcome is what is compared
            outcome = f"{type(exc).__name__}: {getattr(exc, 'status_code', '')}"
    return outcome, len(app.state.journal.entries())


SITE = call_site("HEADERS", above='HEADERS = {"Authorization": f"Bearer {os.getenv(\'T\')}"}')


def test_one_failing_call_is_one_request_by_default_and_three_with_the_sdks_retries(monkeypatch):
    faithful = migrate(SITE).code
    retrying = migrate(SITE, MigrationContext(ModelMap.bundled(), target="openai", sdk_retries=2)).code
    assert "max_retries=0" in faithful and "max_retries=2" in retrying
    monkeypatch.setattr("openai._base_client.BaseClient._calculate_retry_timeout", lambda *a, **k: 0.01)
    assert run_against(faithful, "500", monkeypatch) == ("InternalServerError: 500", 1)
    assert run_against(retrying, "500", monkeypatch) == ("InternalServerError: 500", 3)


def test_no_token_still_sends_the_request_and_gets_the_401(monkeypatch):
    """The legacy code sent "Bearer None" and got a 401; the SDK would refuse to build a client without a key,
    or send OPENAI_API_KEY: the placeholder keeps the request (the real API answers it 401, as before)."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-ionos")
    code = migrate(SITE).code
    assert 'api_key=os.getenv(\'T\') or "no-token"' in code
    seen = []

    async def refuse(request):
        seen.append(request.headers.get("authorization"))
        return JSONResponse({"error": {"message": "bad key", "type": "invalid_request_error"}}, status_code=401)

    monkeypatch.delenv("T", raising=False)
    with serve_in_thread(Starlette(routes=[Route("/{path:path}", refuse, methods=["POST"])])) as base_url:
        namespace: dict = {}
        exec(compile(code.replace(mapping.OPENAI_BASE_URL, base_url + "/v1"), "m.py", "exec"), namespace)  # noqa: S102
        with pytest.raises(openai.AuthenticationError):
            namespace["ask"]("hi")
    assert seen == ["Bearer no-token"]
