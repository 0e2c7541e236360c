"""Behaviours of the rules that the case library does not pin down line by line."""

from __future__ import annotations

import libcst as cst
import pytest

from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.compat.model_map import ModelMap

UUID = "b18b18de-92c3-466e-81a8-e5df91890091"
URL = f"https://inference.de-txl.ionos.com/models/{UUID}/predictions"
CONTEXT = MigrationContext(ModelMap.bundled())


def run(source: str, context: MigrationContext = CONTEXT):
    result = transform(source, path="m.py", context=context)
    cst.parse_module(result.code)  # output always parses
    again = transform(result.code, path="m.py", context=context)
    assert again.code == result.code, "not idempotent"
    return result


def site(options: str = '{"max_length": "10"}', read: str = 'r.json()["properties"]["output"]', url: str = f'"{URL}"') -> str:
    return (
        "import requests\n\n\n"
        "def ask(prompt):\n"
        f'    r = requests.post({url}, json={{"properties": {{"input": prompt, "options": {options}}}}})\n'
        f"    return {read}\n"
    )


def test_manual_site_is_byte_identical_apart_from_one_marker_line():
    source = site(read='r.json()["properties"]')
    result = run(source)
    (finding,) = result.findings
    assert finding.status == "manual" and finding.line == 5
    added = [line for line in result.code.splitlines() if line not in source.splitlines()]
    assert added == [f"    # ionos-migrate: {finding.message}"]
    assert result.code.replace(added[0] + "\n", "") == source


def test_unknown_uuid_marker_names_the_model_map():
    source = site(url='"https://inference.de-txl.ionos.com/models/11111111-2222-3333-4444-555555555555/predictions"')
    result = run(source)
    (finding,) = result.findings
    assert finding.status == "manual"
    assert (
        "    # ionos-migrate: unknown model id 11111111-2222-3333-4444-555555555555; add it to\n"
        "    #   [tool.ionos-migrate.models]\n"
    ) in result.code


def test_user_map_entry_is_used_and_named_in_the_finding():
    model_map = ModelMap.bundled()
    model_map.update({"11111111-2222-3333-4444-555555555555": "my/model"}, source="pyproject.toml [tool.ionos-migrate.models]")
    source = site(url='"https://inference.de-txl.ionos.com/models/11111111-2222-3333-4444-555555555555/predictions"')
    result = run(source, MigrationContext(model_map))
    (finding,) = result.findings
    assert finding.status == "migrated" and '"model": "my/model"' in result.code
    assert "pyproject.toml" in finding.message and "bundled" not in finding.message


def test_bundled_entry_and_missing_length_are_reported():
    result = run(site(options='{"temperature": "0.5"}'))
    (finding,) = result.findings
    assert "bundled map" in finding.message and "confirm" in finding.message
    assert "max_tokens may be as low as 16" in finding.message
    assert "max_tokens" not in result.code  # nothing invented


def test_option_values_coerced_or_wrapped_per_compat():
    result = run(site(options='{"max_length": "300", "temperature": t, "top_p": str(p), "top_k": "40", "repetition_penalty": 1.1}'))
    assert (
        '            "max_tokens": 300,\n'
        '            "temperature": float(t),\n'
        '            "top_p": float(p),\n'
        '            "top_k": 40,\n'
        '            "repetition_penalty": 1.1,\n'
        "        },\n"
    ) in result.code
    assert "'top_k' is not an OpenAI field" in result.findings[0].message


def test_option_set_to_none_is_dropped_as_compat_does():
    result = run(site(options='{"max_length": "10", "top_k": None}'))
    assert '"max_tokens": 10,\n        },' in result.code and "top_k" not in result.code


def test_invalid_literal_option_is_manual():
    result = run(site(options='{"max_length": "lots"}'))
    assert result.findings[0].status == "manual" and "max_length" in result.findings[0].message


def test_non_literal_image_size_is_manual():
    source = site(options='{"size": size}', url='"https://inference.de-txl.ionos.com/models/6cbc28c9-217d-421c-85fb-754d79c61423/predictions"')
    assert run(source).findings[0].status == "manual"


def test_crlf_line_endings_are_kept():
    source = site().replace("\n", "\r\n")
    result = run(source)
    assert result.changed and "\r\n" in result.code and "\n" not in result.code.replace("\r\n", "")


def test_comments_around_the_call_are_kept():
    source = site().replace("    r = requests", "    # the call\n    r = requests").replace(
        "    return", "    # the answer\n    return"
    )
    result = run(source)
    assert "# the call" in result.code and "# the answer" in result.code


def test_already_migrated_code_and_collections_are_untouched():
    source = (
        "import requests\n"
        'r = requests.post("https://openai.inference.de-txl.ionos.com/v1/chat/completions", json={"model": "m", "messages": []})\n'
        'h = requests.post("https://inference.de-txl.ionos.com/collections/c/query", json={"query": "q", "limit": 3})\n'
    )
    result = run(source)
    assert result.code == source and result.findings == []


def test_get_on_predictions_url_is_manual_not_rewritten():
    source = f'import requests\nr = requests.get("{URL}")\nprint(r.json()["properties"]["output"])\n'
    result = run(source)
    assert result.findings[0].status == "manual" and "POST" in result.findings[0].message


def test_other_legacy_endpoint_is_manual():
    source = f'import requests\nr = requests.get("https://inference.de-txl.ionos.com/models/{UUID}")\n'
    result = run(source)
    assert result.findings[0].status == "manual" and "/models/" in result.findings[0].message


def test_response_returned_to_a_caller_in_another_file_is_manual():
    source = f'import requests\n\n\ndef ask(p):\n    return requests.post("{URL}", json={{"properties": {{"input": p}}}}).json()\n'
    result = run(source)
    assert result.findings[0].status == "manual" and "callers" in result.findings[0].message


def test_body_shared_by_two_different_models_is_not_half_rewritten():
    source = (
        "import requests\n\n\n"
        "def ask(p):\n"
        '    body = {"properties": {"input": p}}\n'
        f'    a = requests.post("{URL}", json=body).json()["properties"]["output"]\n'
        '    b = requests.post("https://inference.de-txl.ionos.com/models/6cbc28c9-217d-421c-85fb-754d79c61423/predictions", json=body)\n'
        '    return a, b.json()["properties"]["output"]\n'
    )
    result = run(source)
    assert [f.status for f in result.findings] == ["manual", "manual"]
    assert result.code.count("is also sent by another request (requests.post)") == 2
    assert result.code.replace("\n    # ionos-migrate:", "\n#").count("\n#") == 2


def test_body_changed_after_it_is_built_is_manual():
    source = (
        "import requests\n\n\n"
        "def ask(p, n):\n"
        '    options = {"temperature": "0.1"}\n'
        '    payload = {"properties": {"input": p, "options": options}}\n'
        '    payload["properties"]["options"]["max_length"] = str(n)\n'
        f'    return requests.post("{URL}", json=payload).json()["properties"]["output"]\n'
    )
    result = run(source)
    assert result.findings[0].status == "manual" and "changed after it is built" in result.findings[0].message


def test_inner_options_updated_later_is_manual():
    source = (
        "import requests\n\n\n"
        "def ask(p):\n"
        '    options = {"temperature": "0.1"}\n'
        '    options.update({"max_length": "5"})\n'
        f'    return requests.post("{URL}", json={{"properties": {{"input": p, "options": options}}}}).json()["properties"]["output"]\n'
    )
    assert run(source).findings[0].status == "manual"


def test_body_logged_before_sending_is_still_migrated():
    source = (
        "import logging\nimport requests\n\n\n"
        "def ask(p):\n"
        '    payload = {"properties": {"input": p, "options": {"max_length": "5"}}}\n'
        '    logging.debug("sending %s", payload)\n'
        f'    return requests.post("{URL}", json=payload).json()["properties"]["output"]\n'
    )
    assert run(source).findings[0].status == "migrated"


def test_body_passed_elsewhere_is_manual():
    source = (
        "import requests\n\n\n"
        "def ask(p):\n"
        '    payload = {"properties": {"input": p}}\n'
        "    remember(payload)\n"
        f'    return requests.post("{URL}", json=payload).json()["properties"]["output"]\n'
    )
    result = run(source)
    assert result.findings[0].status == "manual" and "also used elsewhere" in result.findings[0].message


def test_marker_of_an_earlier_run_goes_when_the_site_is_migrated():
    unknown = "11111111-2222-3333-4444-555555555555"
    source = site(url=f'"https://inference.de-txl.ionos.com/models/{unknown}/predictions"')
    marked = run(source).code
    assert "# ionos-migrate: unknown model id" in marked
    model_map = ModelMap.bundled()
    model_map.update({unknown: "my/model"}, source="model-map.toml")
    result = run(marked, MigrationContext(model_map))
    assert result.findings[0].status == "migrated"
    assert "ionos-migrate:" not in result.code


# --- --target openai --------------------------------------------------------------

OPENAI = MigrationContext(ModelMap.bundled(), target="openai")


def sdk_site(headers_line: str, extra: str = "") -> str:
    return (
        "import os\n\nimport requests\n\n"
        f"{headers_line}\n\n\n"
        "def ask(prompt):\n"
        f'    r = requests.post("{URL}", json={{"properties": {{"input": prompt, "options": {{"max_length": "10", "top_k": "3"}}}}}}, headers=HEADERS, timeout=9)\n'
        f"{extra}"
        '    return r.json()["properties"]["output"]\n'
    )


def test_sdk_client_from_a_module_token_that_may_be_none():
    """No token: the SDK would refuse to build the client (or take OPENAI_API_KEY for None), where the
    legacy code sent the request and got a 401; with the placeholder it still sends it, one request."""
    source = sdk_site('TOKEN = os.getenv("IONOS_API_TOKEN")\nHEADERS = {"Authorization": f"Bearer {TOKEN}"}')
    result = run(source, OPENAI)
    assert result.findings[0].status == "migrated"
    assert (
        "ionos_client = OpenAI(\n"
        '    base_url="https://openai.inference.de-txl.ionos.com/v1",\n'
        '    api_key=TOKEN or "no-token",\n'
        "    max_retries=0,\n"
        ")\n"
    ) in result.code
    assert result.code.index("HEADERS = ") < result.code.index("ionos_client = ")  # created after what it needs
    assert (
        "    r = ionos_client.chat.completions.create(\n"
        '        model="meta-llama/Llama-3.3-70B-Instruct",\n'
        '        messages=[{"role": "user", "content": prompt}],\n'
        "        max_tokens=10,\n"
        '        extra_body={"top_k": 3},\n'
        "        timeout=9,\n"
        "    )\n"
    ) in result.code
    assert "return r.choices[0].message.content" in result.code
    assert "import requests" not in result.code and "from openai import OpenAI" in result.code


def test_sdk_literal_token_is_read_from_its_dict_not_copied():
    result = run(sdk_site('HEADERS = {"Authorization": "Bearer abc"}'), OPENAI)
    assert result.findings[0].status == "migrated"
    assert '    api_key=HEADERS["Authorization"].removeprefix("Bearer "),\n    max_retries=0,\n)' in result.code
    assert result.code.count("abc") == 1


def test_sdk_literal_token_in_the_call_itself_is_manual():
    source = sdk_site('HEADERS = {}').replace("headers=HEADERS", 'headers={"Authorization": "Bearer abc"}')
    result = run(source, OPENAI)
    assert result.findings[0].status == "manual" and "literal" in result.findings[0].message


def test_sdk_status_code_check_becomes_try_except():
    source = sdk_site('HEADERS = {"Authorization": "Bearer " + os.environ["T"]}', "    if r.status_code != 200:\n        return None\n")
    result = run(source, OPENAI)
    assert result.findings[0].status == "migrated"
    assert "    try:\n        r = ionos_client.chat.completions.create(" in result.code
    assert "    except openai.APIStatusError:\n        return None\n    return r.choices[0].message.content\n" in result.code


def test_comments_on_the_fields_of_a_multiline_body_follow_them():
    source = (
        "import requests\n\n\n"
        "def ask(prompt):\n"
        "    payload = {\n"
        '        "properties": {\n'
        '            "input": prompt,  # the question\n'
        '            "options": {"temperature": "0.7",  # a bit creative\n'
        '                        "max_length": "300",  # enough\n'
        "                        },\n"
        "        }\n"
        "    }\n"
        f'    return requests.post("{URL}", json=payload).json()["properties"]["output"]\n'
    )
    code = run(source).code
    assert '"messages": [{"role": "user", "content": prompt}],  # the question' in code
    assert '"temperature": 0.7,  # a bit creative' in code
    assert '"max_tokens": 300,  # enough' in code


def _body_parameter_site(signature: str) -> str:
    return (
        "import requests\n\n\n"
        f"def send({signature}):\n"
        f'    r = requests.post("{URL}", json=payload)\n'
        '    return r.json()["properties"]["output"]\n\n\n'
        'send(payload={"properties": {"input": "hi"}})\n'
    )


def test_keyword_only_body_parameter_is_read_from_the_callers():
    result = run(_body_parameter_site("*, payload"))
    (finding,) = result.findings
    assert finding.status == "migrated"
    assert (
        "send(\n"
        "    payload={\n"
        '        "model": "meta-llama/Llama-3.3-70B-Instruct",\n'
        '        "messages": [{"role": "user", "content": "hi"}],\n'
        "    }\n"
        ")\n"
    ) in result.code


def test_starred_body_parameter_is_manual_not_a_crash():
    for signature in ("**payload", "*payload"):
        result = run(_body_parameter_site(signature))
        (finding,) = result.findings
        assert finding.status == "manual" and "starred parameter payload" in finding.message


def test_sdk_literal_token_built_by_concatenation_is_not_moved_into_a_client():
    for header in ('"Bearer " + "abc"', "f\"Bearer {'abc'}\""):
        result = run(sdk_site(f'HEADERS = {{"Authorization": {header}}}'), OPENAI)
        assert result.findings[0].status == "migrated"
        assert 'api_key=HEADERS["Authorization"].removeprefix("Bearer ")' in result.code and result.code.count("abc") == 1


def test_module_text_is_generated_once_not_per_session_call(monkeypatch):
    """libcst regenerates Module.code on each access; per call through a session that made
    a 2,400-line file take 33 s instead of 2 s."""
    calls = "".join(f'\n\ndef f{i}():\n    return session.post("https://example.com/api/{i}", json={{}})\n' for i in range(20))
    source = "import requests\n\nsession = requests.Session()\n" + calls + site()[len("import requests\n"):]
    generated = []
    original = cst.Module.code
    monkeypatch.setattr(cst.Module, "code", property(lambda module: generated.append(1) or original.fget(module)))
    result = transform(source, path="m.py", context=CONTEXT)
    assert [f.status for f in result.findings] == ["migrated"]
    assert len(generated) <= 2  # the index's copy of the text, and the rewritten module


def test_hex_or_underscored_index_in_a_read_is_followed_not_a_crash():
    result = run(site(read='(r.json()["properties"]["output"], r.json()["items"][0x0])'))
    (finding,) = result.findings
    assert finding.status == "manual" and "['items'][0]" in finding.message


def test_imported_url_constant_named_in_all_is_kept():
    from ionos_migrate.codemods import ProjectIndex

    context = MigrationContext(ModelMap.bundled(), project=ProjectIndex({"settings": {"PREDICT_URL": URL}}))
    body = site(url="PREDICT_URL")[len("import requests\n"):]
    exported = run('import requests\nfrom settings import PREDICT_URL\n\n__all__ = ["ask", "PREDICT_URL"]\n' + body, context)
    assert exported.findings[0].status == "migrated" and "from settings import PREDICT_URL\n" in exported.code
    private = run("import requests\nfrom settings import PREDICT_URL\n" + body, context)
    assert private.findings[0].status == "migrated" and "PREDICT_URL" not in private.code


def test_stream_off_is_dropped_as_compat_does():
    result = run(site(options='{"max_length": "10", "stream": False}'))
    assert [f.status for f in result.findings] == ["migrated"] and '"stream"' not in result.code


def test_options_that_would_override_the_translation_leave_the_site_manual():
    for option in ('"stream": True', '"model": "other"', '"messages": "x"'):
        source = site(options="{" + option + "}")
        (finding,) = run(source).findings
        assert finding.status == "manual" and "is not accepted" in finding.message, option


def _rag_site(collection: str) -> str:
    return (
        "import requests\n\n\ndef ask(q, collection):\n"
        f'    r = requests.post("{URL}", json={{"properties": {{"input": q, "collectionId": {collection}}}}})\n'
        '    return r.json()["properties"]["output"]\n'
    )


def test_rag_collection_ids_follow_compats_one_rule():
    """The id moves from the body into the URL path: a literal dot segment or slash is refused now, a
    run-time id is checked by a generated guard (compat.rules.UNSAFE_COLLECTION_ID_RE)."""
    for unsafe in ('".."', '"a/b"'):
        result = run(_rag_site(unsafe))
        assert [f.status for f in result.findings if f.rule == "ionos-predictions"] == ["manual"]
    result = run(_rag_site("collection"))
    assert "ionos_collection_id(collection)" in result.code and "import re" in result.code
    namespace: dict = {}
    exec(result.code.split("\n\n\ndef ask")[0], namespace)  # noqa: S102 - the generated module prelude
    guard = namespace["ionos_collection_id"]
    assert guard("7a3c7c2e-1111") == "7a3c7c2e-1111"
    for bad in ("..", ".", "a/b", "x%2Fy", ""):
        with pytest.raises(ValueError):
            guard(bad)
