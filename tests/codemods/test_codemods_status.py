"""--target openai: status handling around the call becomes the SDK's exceptions, faithfully or not at all.

The last tests run the code before and after the rewrite against a loopback server that
answers every request with an error status, through requests and the real openai SDK,
and check that both behave the same (same return value, same exception).
"""

from __future__ import annotations

import pytest
from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.compat import rules as mapping
from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.serving import serve_in_thread
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

UUID = "b18b18de-92c3-466e-81a8-e5df91890091"
LEGACY_HOST = "https://inference.de-txl.ionos.com"
URL = f"{LEGACY_HOST}/models/{UUID}/predictions"
OPENAI = MigrationContext(ModelMap.bundled(), target="openai")
HTTP = MigrationContext(ModelMap.bundled())


def module(body: str, *, imports: str = "") -> str:
    """A module with one legacy call ``r = requests.post(...)`` in ``ask(prompt)``, followed by ``body``."""
    return (
        f"import os\n\nimport requests\n{imports}\n"
        'HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}\n\n\n'
        "def ask(prompt):\n"
        f'    r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}}, headers=HEADERS)\n'
        f"{body}"
    )


def migrate(source: str, context: MigrationContext = OPENAI):
    result = transform(source, path="m.py", context=context)
    again = transform(result.code, path="m.py", context=context)
    assert again.code == result.code, "not idempotent"
    return result


def test_failure_branch_that_raises_gets_the_status_from_the_error():
    source = module(
        "    if r.status_code != 200:\n"
        '        raise RuntimeError(f"IONOS answered {r.status_code}")\n'
        '    return r.json()["properties"]["output"]\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert (
        "    try:\n"
        "        r = ionos_client.chat.completions.create(\n"
        '            model="meta-llama/Llama-3.3-70B-Instruct",\n'
        '            messages=[{"role": "user", "content": prompt}],\n'
        "        )\n"
        "    except openai.APIStatusError as error:\n"
        '        raise RuntimeError(f"IONOS answered {error.status_code}")\n'
        "    return r.choices[0].message.content\n"
    ) in result.code
    assert "import openai\nfrom openai import OpenAI\n" in result.code


def test_success_branch_with_else_becomes_try_except_else():
    source = module(
        "    if r.ok:\n"
        '        return r.json()["properties"]["output"]\n'
        "    else:\n"
        '        print("failed", r.status_code)\n'
        "    return None\n"
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert (
        "    except openai.APIStatusError as error:\n"
        '        print("failed", error.status_code)\n'
        "    else:\n"
        "        return r.choices[0].message.content\n"
        "    return None\n"
    ) in result.code


def test_the_client_created_in_the_function_goes_above_the_try():
    source = (
        "import os\n\nimport requests\n\n\n"
        "def ask(prompt, token):\n"
        f'    r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}}, headers={{"Authorization": f"Bearer {{token}}"}})\n'
        "    if r.status_code == 200:\n"
        '        return r.json()["properties"]["output"]\n'
        "    return None\n"
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert "    ionos_client = OpenAI(" in result.code
    assert result.code.index("ionos_client = OpenAI(") < result.code.index("    try:\n")
    assert "    except openai.APIStatusError:\n        pass\n    else:\n" in result.code


def test_library_base_exception_around_the_call_also_catches_the_sdk_errors():
    source = (
        "import os\n\nimport requests\n\n"
        'HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}\n\n\n'
        "def ask(prompt):\n"
        "    try:\n"
        f'        r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}}, headers=HEADERS)\n'
        "        r.raise_for_status()\n"
        '        return r.json()["properties"]["output"]\n'
        "    except requests.RequestException as exc:\n"
        '        return f"failed: {exc}"\n'
    )
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert "    except (requests.RequestException, openai.APIError) as exc:\n" in result.code
    assert "raise_for_status" not in result.code


@pytest.mark.parametrize(
    ("body", "why"),
    [
        # the success branch reads the status: the SDK gives no status there
        ("    if r.status_code == 200:\n        print(r.status_code)\n    return None\n", "status_code"),
        # the failure branch reads what the SDK's error does not have
        ("    if r.status_code != 200:\n        raise RuntimeError(r.elapsed)\n    return r.json()\n", "r.elapsed"),
        # the failure branch falls through and the answer is read twice afterwards
        ('    if r.status_code != 200:\n        print("failed")\n    print(r.json().get("properties", {}).get("output"))\n'
         '    return r.json().get("properties", {}).get("output", "")\n', "after its status check"),
        # a check the tool does not map
        ('    if r.status_code == 201:\n        return r.json()["properties"]["output"]\n    return None\n', "not `r.status_code == 200`"),
        ('    if r.status_code == 200:\n        return r.json()["properties"]["output"]\n    elif r.status_code == 429:\n        return "busy"\n    return None\n', "elif"),
        # the check is not right below the call
        ('    print("sent")\n    if r.status_code == 200:\n        return r.json()["properties"]["output"]\n    return None\n', "not right after the call"),
        # the status outside an `if`
        ("    return r.status_code\n", "outside an `if`"),
    ],
)
def test_status_handling_that_cannot_be_faithful_is_manual(body, why):
    source = module(body)
    result = migrate(source)
    assert result.findings[0].status == "manual"
    assert why in result.findings[0].message
    assert "requests.post(" in result.code and "ionos_client" not in result.code  # never half-rewritten


@pytest.mark.parametrize(
    ("handler", "why"),
    [
        ("    except requests.HTTPError as exc:\n        return str(exc)\n", "except requests.HTTPError"),
        ("    except OSError:\n        return None\n", "except OSError"),
        ("    except (ValueError, TimeoutError):\n        return None\n", "TimeoutError"),
        ("    except requests.RequestException as exc:\n        return exc.response.status_code\n", "exc.response"),
    ],
)
def test_handlers_the_sdk_errors_would_slip_past_are_manual(handler, why):
    source = (
        "import os\n\nimport requests\n\n"
        'HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}\n\n\n'
        "def ask(prompt):\n"
        "    try:\n"
        f'        r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}}, headers=HEADERS)\n'
        "        r.raise_for_status()\n"
        '        return r.json()["properties"]["output"]\n'
        f"{handler}"
    )
    result = migrate(source)
    assert result.findings[0].status == "manual"
    assert why in result.findings[0].message


def test_the_http_target_keeps_status_checks_as_they_are():
    source = module("    if r.status_code != 200:\n        return None\n    return r.json()[\"properties\"][\"output\"]\n")
    result = migrate(source, HTTP)
    assert result.findings[0].status == "migrated"
    assert "    if r.status_code != 200:\n        return None\n" in result.code
    assert "openai" not in result.code.replace("openai.inference", "")


# -- behaviour: an upstream that answers every request with an error --

STATUS = 400  # not retried by the SDK, so the after code sends one request like the before code


async def refuse(request):
    return JSONResponse({"httpStatus": STATUS, "messages": [{"message": "refused"}]}, status_code=STATUS)


REFUSING = Starlette(routes=[Route("/{path:path}", refuse, methods=["GET", "POST"])])


def run_ask(source: str, base_url: str, monkeypatch) -> tuple[str, object]:
    """Run ``ask("hi")`` of ``source`` with both hosts pointed at the loopback server: (outcome, value)."""
    monkeypatch.setenv("IONOS_API_TOKEN", "test-token")
    source = source.replace(mapping.OPENAI_BASE_URL, base_url + "/v1").replace(LEGACY_HOST, base_url)
    namespace: dict = {}
    exec(compile(source, "m.py", "exec"), namespace)  # noqa: S102 -- the code under test, written by the test
    try:
        return "returned", namespace["ask"]("hi")
    except Exception as exc:  # noqa: BLE001 -- the exception is what is compared
        return "raised", (type(exc).__name__, str(exc))


@pytest.mark.parametrize(
    "body",
    [
        '    if r.status_code != 200:\n        raise RuntimeError(f"IONOS answered {r.status_code}")\n    return r.json()["properties"]["output"]\n',
        '    if r.status_code == 200:\n        return r.json()["properties"]["output"]\n    return None\n',
        '    if not r.ok:\n        return f"failed with {r.status_code}"\n    return r.json()["properties"]["output"]\n',
        # the failure branch reads the error answer's text, status and JSON: the SDK's error has them
        '    if r.status_code != 200:\n        raise RuntimeError(r.status_code, r.text, r.json()["messages"])\n    return r.json()["properties"]["output"]\n',
        # the failure branch falls through, and the answer read below it gave the error answer a default
        '    if r.status_code != 200:\n        print("failed", r.status_code)\n    data = r.json()\n    return data.get("properties", {}).get("output", "none")\n',
        # no status check at all: a .get() default is what the error answer gave
        '    return r.json().get("properties", {}).get("output", "fallback")\n',
        '    data = r.json()\n    text = data.get("properties", {}).get("output", "fallback")\n    return text.upper()\n',
    ],
)
def test_error_answers_behave_the_same_before_and_after(body, monkeypatch):
    before = module(body)
    after = migrate(before).code
    assert "except openai.APIStatusError" in after
    with serve_in_thread(REFUSING) as base_url:
        assert run_ask(after, base_url, monkeypatch) == run_ask(before, base_url, monkeypatch)


def test_an_error_answer_read_after_the_check_re_raises_the_sdk_error():
    body = '    if r.status_code != 200:\n        print("failed")\n    return r.json()["properties"]["output"]\n'
    result = migrate(module(body))
    assert result.findings[0].status == "migrated" and "re-raises" in result.findings[0].message
    assert '    except openai.APIStatusError:\n        print("failed")\n        raise\n    return r.choices[0].message.content\n' in result.code


def test_a_get_default_inside_except_exception_stays_the_value(monkeypatch):
    """The legacy code returned "fallback" for an error answer, never reaching the handler; so does the rewrite."""
    source = module("", imports="").replace(
        "def ask(prompt):\n    r = requests.post(",
        "def ask(prompt):\n    try:\n        r = requests.post(",
    ) + '        return r.json().get("properties", {}).get("output", "fallback")\n    except Exception as e:\n        return f"Error: {e}"\n'
    result = migrate(source)
    assert result.findings[0].status == "migrated"
    assert (
        "        try:\n            r = ionos_client.chat.completions.create(" in result.code
        and '        except openai.APIStatusError:\n            return "fallback"\n'
            '        return (r.choices[0].message.content or "fallback")\n    except Exception as e:\n' in result.code
    )
    with serve_in_thread(REFUSING) as base_url:
        assert run_ask(result.code, base_url, monkeypatch) == run_ask(source, base_url, monkeypatch) == ("returned", "fallback")


def test_except_key_error_around_the_read_is_manual():
    source = module('    try:\n        return r.json()["properties"]["output"]\n    except KeyError:\n        return "no answer"\n')
    result = migrate(source)
    assert result.findings[0].status == "manual" and "except KeyError" in result.findings[0].message


def test_a_site_migrated_on_a_later_run_loses_the_earlier_marker():
    unknown = "11111111-2222-3333-4444-555555555555"
    source = module('    if r.status_code != 200:\n        return None\n    return r.json()["properties"]["output"]\n').replace(UUID, unknown)
    first = migrate(source)
    assert first.findings[0].status == "manual" and "# ionos-migrate: unknown model id" in first.code
    model_map = ModelMap.bundled()
    model_map.update({unknown: "meta-llama/Llama-3.3-70B-Instruct"}, source="test")
    second = migrate(first.code, MigrationContext(model_map, target="openai"))
    assert second.findings[0].status == "migrated"
    assert "# ionos-migrate" not in second.code and "    try:\n" in second.code
