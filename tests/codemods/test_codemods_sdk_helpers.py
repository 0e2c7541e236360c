"""--target openai: a legacy call through a forwarding helper (``send(URL, payload)``).

When the helper does nothing but send (post, optional raise_for_status, return the JSON or the
response) with module-level headers, this call of it becomes the SDK call and the helper stays
for its other callers; anything more in the helper keeps the site manual.
tests/cases/send_helper_both runs it through the real openai package.
"""

from __future__ import annotations

import sys as _sys
from pathlib import Path as _Path

_sys.path.insert(0, str(_Path(__file__).resolve().parent))
from layout_free import flat  # noqa: E402

import pytest
from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.compat.model_map import ModelMap

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
OPENAI = MigrationContext(ModelMap.bundled(), target="openai")
CALLER = (
    "\n\ndef ask(prompt):\n"
    '    answer = send(URL, {"properties": {"input": prompt}})\n'
    '    return answer["properties"]["output"]\n'
)


def module(helper: str, caller: str = CALLER) -> str:
    return (
        "import logging\nimport os\n\nimport requests\n\n"
        f'URL = "{URL}"\n'
        'HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}\n\n\n'
        f"{helper}{caller}"
    )


def site(result):
    """The finding of the call site (a constant left holding the old URL is an info note beside it)."""
    return next(f for f in result.findings if f.rule != "legacy-url-constant")


def migrate(source: str):
    result = transform(source, path="m.py", context=OPENAI)
    again = transform(result.code, path="m.py", context=OPENAI)
    assert again.code == result.code, "not idempotent"
    return result


@pytest.mark.parametrize(
    "helper",
    [
        "def send(url, payload):\n    return requests.post(url, json=payload, headers=HEADERS).json()\n",
        'def send(url, payload):\n    """Post."""\n    r = requests.post(url=url, json=payload, headers=HEADERS)\n    r.raise_for_status()\n    return r.json()\n',
    ],
)
def test_a_helper_that_only_sends_is_bypassed_by_the_sdk_call(helper):
    result = migrate(module(helper))
    assert site(result).status == "migrated"
    assert (
        "    answer = ionos_client.chat.completions.create(\n"
        '        model="meta-llama/Llama-3.3-70B-Instruct",\n'
        '        messages=[{"role": "user", "content": prompt}],\n'
        "    )\n"
        "    return answer.choices[0].message.content\n"
    ) in flat(result.code)
    assert helper in flat(result.code)  # the helper stays for other callers


def test_the_helpers_timeout_comes_along():
    helper = "def send(url, payload):\n    return requests.post(url, json=payload, headers=HEADERS, timeout=12).json()\n"
    result = migrate(module(helper))
    assert site(result).status == "migrated"
    assert 'messages=[{"role": "user", "content": prompt}],\n        timeout=12,\n    )\n    return answer.choices' in flat(result.code)


@pytest.mark.parametrize(
    ("helper", "why"),
    [
        # does more than send, and returns an error answer as if it were one (no raise_for_status)
        ('def send(url, payload):\n    logging.info("sending")\n    return requests.post(url, json=payload, headers=HEADERS).json()\n', "does not keep the response"),
        ('def send(url, payload):\n    logging.info("sending")\n    r = requests.post(url, json=payload, headers=HEADERS)\n    return r.json()\n', "no raise_for_status()"),
        # through a session (its own headers, retries, adapters)
        ("SESSION = requests.Session()\n\n\ndef send(url, payload):\n    return SESSION.post(url, json=payload, headers=HEADERS).json()\n", "requests.post"),
        # headers built inside the helper
        ('def send(url, payload):\n    headers = {"Authorization": "Bearer " + os.environ["T"]}\n    return requests.post(url, json=payload, headers=headers).json()\n', "does not keep the response"),
        # an option the SDK call would not know
        ("def send(url, payload):\n    return requests.post(url, json=payload, headers=HEADERS, verify=False).json()\n", "verify=False"),
    ],
)
def test_helpers_that_do_more_keep_the_site_manual(helper, why):
    source = module(helper)
    result = migrate(source)
    assert site(result).status == "manual"
    assert why in site(result).message
    assert "ionos_client" not in flat(result.code) and "answer = send(URL" in flat(result.code)


def test_a_caller_passing_more_than_url_and_body_is_manual():
    helper = "def send(url, payload, retries=1):\n    return requests.post(url, json=payload, headers=HEADERS).json()\n"
    result = migrate(module(helper, CALLER.replace("}})\n", "}}, 3)\n")))
    assert site(result).status == "manual"


GUARDED = (
    "def send(url, payload):\n"
    "    try:\n"
    "        r = requests.post(url, json=payload, headers=HEADERS, timeout=5)\n"
    "        r.raise_for_status()\n"
    "        return r.json()\n"
    "    except requests.RequestException as exc:\n"
    '        logging.warning("hub failed: %s", exc)\n'
    '        return {"error": str(exc)}\n'
)


def test_a_helper_that_does_more_calls_the_sdk_itself_and_returns_the_new_json():
    caller = (
        "\n\ndef ask(prompt):\n"
        '    answer = send(URL, {"properties": {"input": prompt, "options": {"top_k": "3"}}})\n'
        '    if "error" in answer:\n        return None\n'
        '    return answer["properties"]["output"]\n'
    )
    result = migrate(module(GUARDED, caller))
    assert site(result).status == "migrated" and "returns the answer's JSON in the new shape" in site(result).message
    assert (
        "        r = ionos_client.chat.completions.create(**payload, timeout=5)\n"
        "        return r.to_dict()\n"
        "    except (requests.RequestException, openai.APIError) as exc:\n"
    ) in flat(result.code)
    assert "raise_for_status" not in flat(result.code)
    assert ('answer = send("https://openai.inference.de-txl.ionos.com/v1/chat/completions", {"model": '
            '"meta-llama/Llama-3.3-70B-Instruct", "messages": [{"role": "user", "content": prompt}], "extra_body": {"top_k": 3}})') in flat(result.code)
    assert '    return answer["choices"][0]["message"]["content"]\n' in flat(result.code)


def test_a_helper_with_another_caller_cannot_call_the_sdk_for_both():
    caller = CALLER + '\n\ndef other():\n    return send("https://example.com/api", {"q": 1})\n'
    result = migrate(module(GUARDED, caller))
    assert site(result).status == "manual" and "called from more places" in site(result).message
    assert "ionos_client" not in flat(result.code)
