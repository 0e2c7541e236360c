"""--target openai: a body passed in by the callers (``def query(payload): requests.post(URL, json=payload)``).

The helper's call becomes ``create(**payload)`` and every caller's dict the new body; options
that are not OpenAI parameters go under ``extra_body``. tests/cases/body_from_callers runs it
through the real openai package.
"""

from __future__ import annotations

from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.compat.model_map import ModelMap

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
OPENAI = MigrationContext(ModelMap.bundled(), target="openai")
HELPER = (
    "import os\n\nimport requests\n\n"
    'HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}\n\n\n'
    "def query(payload):\n"
    f'    r = requests.post("{URL}", json=payload, headers=HEADERS, timeout=10)\n'
    "    return r.json()\n\n\n"
)


def migrate(source: str):
    result = transform(source, path="m.py", context=OPENAI)
    again = transform(result.code, path="m.py", context=OPENAI)
    assert again.code == result.code, "not idempotent"
    return result


def test_each_caller_body_becomes_sdk_arguments_with_extra_body():
    source = HELPER + (
        "def ask(prompt):\n"
        '    return query({"properties": {"input": prompt, "options": {"max_length": "5", "top_k": "3"}}})["properties"]["output"]\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert "    r = ionos_client.chat.completions.create(**payload, timeout=10)\n    return r\n" in result.code
    assert (
        "    return query(\n"
        "        {\n"
        '            "model": "meta-llama/Llama-3.3-70B-Instruct",\n'
        '            "messages": [{"role": "user", "content": prompt}],\n'
        '            "max_tokens": 5,\n'
        '            "extra_body": {"top_k": 3},\n'
        "        }\n"
        "    ).choices[0].message.content\n"
    ) in result.code


def test_a_caller_body_the_tool_cannot_read_keeps_the_whole_site():
    source = HELPER + "def ask(body):\n    return query(body)[\"properties\"][\"output\"]\n"
    result = migrate(source)
    assert result.findings[0].status == "manual"
    assert result.code.startswith(source[:40]) and "ionos_client" not in result.code
