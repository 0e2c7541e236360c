"""--target openai: a ``urllib.request.Request`` sent with ``urlopen()`` becomes one SDK call, or stays as it was.

The runnable case tests/cases/urllib_request proves the rewrite through the real openai
package (test_codemods_verify.py); these pin the shapes it accepts and refuses.
"""

from __future__ import annotations

import sys as _sys
from pathlib import Path as _Path

_sys.path.insert(0, str(_Path(__file__).resolve().parent))
from layout_free import flat  # noqa: E402

import libcst as cst
import pytest
from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.compat.model_map import ModelMap

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
OPENAI = MigrationContext(ModelMap.bundled(), target="openai")
HEADERS = '{"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}'
CLIENT = (  # laid out to the default line length, one argument a line
    "    ionos_client = OpenAI(\n"
    '        base_url="https://openai.inference.de-txl.ionos.com/v1",\n'
    '        api_key=os.environ["IONOS_API_TOKEN"],\n'
    "        max_retries=0,\n"
    "    )\n"
)
CREATE = (
    "ionos_client.chat.completions.create(\n"
    '        model="meta-llama/Llama-3.3-70B-Instruct",\n'
    '        messages=[{"role": "user", "content": prompt}],\n'
)


def migrate(source: str):
    result = transform(source, path="m.py", context=OPENAI)
    cst.parse_module(result.code)
    again = transform(result.code, path="m.py", context=OPENAI)
    assert again.code == result.code, "not idempotent"
    return result


def module(body: str, imports: str = "import json\nimport os\nimport urllib.request\n") -> str:
    return f"{imports}\n\ndef ask(prompt):\n{body}"


REQUEST = (
    "    # the request\n"
    f'    req = urllib.request.Request("{URL}", data=json.dumps({{"properties": {{"input": prompt}}}}).encode(), '
    f'headers={HEADERS}, method="POST")\n'
)


def test_with_urlopen_becomes_the_call_and_the_request_goes():
    source = module(REQUEST + "    with urllib.request.urlopen(req, timeout=5) as resp:\n        return json.loads(resp.read())[\"properties\"][\"output\"]\n")
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert "urllib" not in result.code.replace("import urllib.request\n", "") and "import urllib.request" not in flat(result.code)
    assert (
        f"    # the request\n{CLIENT}"
        f"    resp = {CREATE}        timeout=5,\n    )\n"
        "    return resp.choices[0].message.content\n"
    ) in flat(result.code)


def test_urlopen_outside_a_with_is_replaced_in_place():
    source = module(
        f'    request = urllib.request.Request("{URL}", data=json.dumps({{"properties": {{"input": prompt}}}}).encode(), headers={HEADERS})\n'
        '    return json.loads(urllib.request.urlopen(request).read())["properties"]["output"]\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert f"{CLIENT}    return {CREATE}    ).choices[0].message.content\n" in flat(result.code)
    assert "request = " not in flat(result.code)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        # urlopen options the SDK has no place for
        (REQUEST + "    with urllib.request.urlopen(req, context=None) as resp:\n        return json.loads(resp.read())[\"properties\"][\"output\"]\n", "context=None"),
        # opened twice
        (REQUEST + "    urllib.request.urlopen(req)\n    with urllib.request.urlopen(req) as resp:\n        return json.loads(resp.read())[\"properties\"][\"output\"]\n", "more than once"),
        # the status of the answer is read
        (REQUEST + "    with urllib.request.urlopen(req) as resp:\n        print(resp.status)\n        return json.loads(resp.read())[\"properties\"][\"output\"]\n", "status"),
        # urllib's errors are caught: the SDK raises its own
        (
            "    try:\n" + REQUEST.replace("\n    ", "\n        ").replace("    # the", "        # the", 1)
            + "        with urllib.request.urlopen(req) as resp:\n            return json.loads(resp.read())[\"properties\"][\"output\"]\n"
            "    except urllib.error.HTTPError:\n        return None\n",
            "urllib.error.HTTPError",
        ),
    ],
)
def test_urllib_shapes_the_sdk_cannot_take_faithfully_are_manual(body, why):
    result = migrate(module(body))
    assert result.findings[0].status == "manual"
    assert why in result.findings[0].message
    assert "ionos_client" not in flat(result.code) and "urllib.request.Request(" in flat(result.code)


def test_urlopen_with_a_url_string_says_where_the_token_is_missing():
    source = module(
        f'    with urllib.request.urlopen("{URL}", data=json.dumps({{"properties": {{"input": prompt}}}}).encode()) as resp:\n'
        '        return json.loads(resp.read())["properties"]["output"]\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "manual"
    assert "Authorization" in result.findings[0].message


def test_models_list_through_a_urllib_request():
    source = module(
        f'    req = urllib.request.Request("https://inference.de-txl.ionos.com/models", headers={HEADERS})\n'
        "    with urllib.request.urlopen(req, timeout=3) as resp:\n"
        '        return [m["properties"]["name"] for m in json.loads(resp.read())["items"]]\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert "    resp = ionos_client.models.list(timeout=3)\n    return [m.id for m in resp.data]\n" in flat(result.code)
    assert "urllib" not in flat(result.code)


def test_a_site_migrated_on_a_later_run_loses_the_earlier_marker():
    unknown = "11111111-2222-3333-4444-555555555555"
    source = module(REQUEST + "    with urllib.request.urlopen(req) as resp:\n        return json.loads(resp.read())[\"properties\"][\"output\"]\n")
    source = source.replace("b18b18de-92c3-466e-81a8-e5df91890091", unknown)
    first = migrate(source)
    assert first.findings[0].status == "manual" and "# ionos-migrate: unknown model id" in first.code
    model_map = ModelMap.bundled()
    model_map.update({unknown: "meta-llama/Llama-3.3-70B-Instruct"}, source="test")
    second = transform(first.code, path="m.py", context=MigrationContext(model_map, target="openai"))
    assert second.findings[0].status == "migrated"
    assert "# ionos-migrate" not in second.code and "    # the request\n" in second.code


def test_json_import_goes_only_when_the_rewrite_left_it_unused():
    body = REQUEST + "    with urllib.request.urlopen(req) as resp:\n        return json.loads(resp.read())[\"properties\"][\"output\"]\n"
    assert "import json\n" not in migrate(module(body)).code
    still_used = module(body) + "\n\ndef dump(x):\n    return json.dumps(x)\n"
    assert "import json\n" in migrate(still_used).code
