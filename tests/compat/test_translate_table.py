"""Every row of API.md's mapping, with its edge cases, through compat.translate."""

from __future__ import annotations

import base64

import pytest

from ionos_migrate.compat import rules
from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.schemas import (
    ChatCompletionRequest,
    CollectionQueryResponse,
    ImageGenerationRequest,
    dump,
)
from ionos_migrate.compat.translate import (
    RagPlan,
    TranslationError,
    error_to_legacy,
    error_to_openai,
    legacy_model_id,
    models_to_legacy,
    models_to_openai,
    to_legacy,
    to_openai,
    translate_request,
)

LLAMA_ID = "b18b18de-92c3-466e-81a8-e5df91890091"
FLUX_ID = "6cbc28c9-217d-421c-85fb-754d79c61423"
MM = ModelMap.bundled()


def body(input="hi", **props):
    return {"type": "prediction", "properties": {"input": input, **props}}


def chat(req, model_id=LLAMA_ID) -> dict:
    plan = to_openai(req, model_id, MM)
    assert isinstance(plan, ChatCompletionRequest)
    return dump(plan)


def test_text_model_becomes_chat_with_one_user_message():
    out = chat(body("Tell me a joke"))
    assert out == {"model": "meta-llama/Llama-3.3-70B-Instruct", "messages": [{"role": "user", "content": "Tell me a joke"}]}


@pytest.mark.parametrize(
    "options, expected",
    [
        ({"max_length": "300", "temperature": "0.01"}, {"max_tokens": 300, "temperature": 0.01}),
        ({"max_length": 300, "temperature": 0.5}, {"max_tokens": 300, "temperature": 0.5}),
        ({"max_length": "1000"}, {"max_tokens": 1000}),  # one to one, never doubled
        ({"max_length": 300.0}, {"max_tokens": 300}),
        ({"top_p": "0.9"}, {"top_p": 0.9}),
        ({"temperature": " 1 "}, {"temperature": 1.0}),
    ],
)
def test_options_are_coerced_to_openai_fields(options, expected):
    out = chat(body(options=options))
    assert {k: out[k] for k in expected} == expected
    assert type(out.get("max_tokens", 0)) is int


def test_unknown_options_pass_as_extra_fields_with_numbers_coerced_and_reported():
    translation = translate_request(body(options={"top_k": "40", "repetition_penalty": "1.1", "mode": "fast"}), LLAMA_ID, MM)
    out = dump(translation.plan)
    assert out["top_k"] == 40 and out["repetition_penalty"] == 1.1 and out["mode"] == "fast"
    assert sum("extra body field" in note for note in translation.notes) == 3


def test_missing_options_stay_absent_and_a_missing_length_is_reported():
    translation = translate_request(body(), "meta-llama/Meta-Llama-3.1-8B-Instruct", MM)
    out = dump(translation.plan)
    assert "max_tokens" not in out and "temperature" not in out
    assert any("max_length" in note for note in translation.notes)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"max_length": "abc"}, 'properties.options.max_length: "abc" is not an integer'),
        ({"max_length": "3.5"}, 'properties.options.max_length: "3.5" is not an integer'),
        ({"max_length": True}, "properties.options.max_length: true is not an integer"),
        ({"temperature": ""}, 'properties.options.temperature: "" is not a number'),
        ({"temperature": "nan"}, 'properties.options.temperature: "nan" is not a number'),
        ({"top_p": "high"}, 'properties.options.top_p: "high" is not a number'),
    ],
)
def test_bad_option_values_are_legacy_400s_naming_the_field(options, message):
    with pytest.raises(TranslationError) as info:
        to_openai(body(options=options), LLAMA_ID, MM)
    assert info.value.status == 400 and info.value.message == message
    legacy = info.value.to_legacy()
    assert legacy.httpStatus == 400 and legacy.messages[0].message == message


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"properties": {}}, "properties.input"),
        ({"type": "prediction"}, "properties"),
        ({"properties": {"input": 3}}, "properties.input"),
        ({"properties": {"input": "x", "options": "fast"}}, "properties.options"),
        (b"not json", None),
        (b"[1, 2]", None),
    ],
)
def test_malformed_bodies_are_400s(raw, field):
    with pytest.raises(TranslationError) as info:
        to_openai(raw, LLAMA_ID, MM)
    assert info.value.status == 400
    if field:
        assert info.value.message.startswith(field + ":")


def test_missing_type_is_accepted():
    assert chat({"properties": {"input": "x"}})["messages"][0]["content"] == "x"


def test_model_name_in_the_path_is_used_as_it_is():
    assert chat(body(), "meta-llama/Meta-Llama-3.1-8B-Instruct")["model"] == "meta-llama/Meta-Llama-3.1-8B-Instruct"


@pytest.mark.parametrize("model_id", ["0b6c4a15-bb8d-4092-82b0-f357b77c59fd", "00000000-0000-4000-8000-000000000000"])
def test_unknown_or_conflicting_uuid_is_never_guessed(model_id):
    with pytest.raises(TranslationError) as info:
        to_openai(body(), model_id, MM)
    assert info.value.status == 404 and model_id in info.value.message
    assert "[tool.ionos-migrate.models]" in info.value.message


def test_bundled_entry_is_flagged_for_confirmation_and_user_entry_is_not():
    assert any("bundled" in n for n in translate_request(body(), LLAMA_ID, MM).notes)
    user = ModelMap.load(project_table={LLAMA_ID: "meta-llama/Llama-3.3-70B-Instruct"})
    assert not any("bundled" in n for n in translate_request(body(), LLAMA_ID, user).notes)


@pytest.mark.parametrize("size", ["1024*1024", "1024x1024", " 1792 * 1024 "])
def test_image_model_becomes_images_request_with_wxh_size(size):
    plan = to_openai(body("a cat", options={"size": size}), FLUX_ID, MM)
    assert isinstance(plan, ImageGenerationRequest)
    expected = size.replace("*", "x").replace(" ", "")
    assert dump(plan) == {"model": "black-forest-labs/FLUX.1-schnell", "prompt": "a cat", "n": 1,
                          "size": expected, "response_format": "b64_json"}


def test_size_option_marks_an_image_request_even_for_an_unmapped_kind():
    plan = to_openai(body("a cat", options={"size": "512x512"}), "stabilityai/stable-diffusion-xl-base-1.0", MM)
    assert isinstance(plan, ImageGenerationRequest)


def test_bad_image_size_is_a_400():
    with pytest.raises(TranslationError, match="properties.options.size"):
        to_openai(body(options={"size": "big"}), FLUX_ID, MM)


def _hits(*texts):
    return {"properties": {"matches": [
        {"score": 0.9, "document": {"id": f"d{i}", "properties": {"name": f"n{i}", "content": base64.b64encode(t.encode()).decode()}}}
        for i, t in enumerate(texts)
    ]}}


def test_rag_queries_the_collection_then_puts_the_context_in_a_system_message():
    plan = to_openai(body("How many days?", options={"max_length": "50"}, collectionId="c-1", collectionQuery="vacation"), LLAMA_ID, MM)
    assert isinstance(plan, RagPlan)
    assert plan.query_path == "/collections/c-1/query"
    assert dump(plan.query) == {"query": "vacation", "limit": rules.RAG_QUERY_LIMIT}
    out = dump(plan.build(_hits("30 days.", "Ask HR.")))
    assert out["messages"] == [{"role": "system", "content": "30 days.\n\nAsk HR."}, {"role": "user", "content": "How many days?"}]
    assert out["max_tokens"] == 50


def test_rag_query_defaults_to_the_input():
    plan = to_openai(body("holidays?", collectionId="c-1"), LLAMA_ID, MM)
    assert plan.query.query == "holidays?"


def test_rag_placeholders_are_filled_instead_of_a_system_message():
    text = "Context: {{.context}}\nQ: {{.collection_query}}"
    plan = to_openai(body(text, collectionId="c", collectionQuery="leave"), LLAMA_ID, MM)
    out = dump(plan.build(CollectionQueryResponse.model_validate(_hits("30 days."))))
    assert out["messages"] == [{"role": "user", "content": "Context: 30 days.\nQ: leave"}]


def test_rag_with_malformed_query_answer_is_a_502():
    plan = to_openai(body("q", collectionId="c"), LLAMA_ID, MM)
    with pytest.raises(TranslationError) as info:
        plan.build({"properties": {"matches": [{"document": {"id": "x", "properties": {"content": "%%%"}}}]}})
    assert info.value.status == 502


def test_chat_response_back_to_legacy_echoes_input_and_options_as_strings():
    req = body("hi", options={"max_length": 300, "temperature": "0.01", "stream": False})
    resp = {"id": "c1", "object": "chat.completion", "created": 1700000000, "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}
    out = to_legacy(resp, req, duration=0.25).model_dump()
    assert out["type"] == "prediction"
    assert out["properties"] == {"input": "hi", "options": {"max_length": "300", "temperature": "0.01", "stream": "false"}, "output": "hello"}
    assert out["metadata"]["createdDate"] == "2023-11-14T22:13:20Z"
    assert out["metadata"]["inputTokens"] == 3 and out["metadata"]["outputTokens"] == 1
    assert out["metadata"]["duration"] == 0.25


def test_image_response_back_to_legacy_carries_the_base64():
    out = to_legacy({"created": 1, "data": [{"b64_json": "aGk="}]}, body("cat", options={"size": "1024*1024"}))
    assert out.properties.output == "aGk=" and out.properties.options == {"size": "1024*1024"}


@pytest.mark.parametrize("bad", [b"<html>", {"choices": []}, {"created": 1, "data": []}, [1]])
def test_malformed_upstream_answers_are_502s(bad):
    with pytest.raises(TranslationError) as info:
        to_legacy(bad, body())
    assert info.value.status == 502


def test_models_list_both_ways():
    openai_list = {"object": "list", "data": [
        {"id": "meta-llama/Llama-3.3-70B-Instruct", "object": "model", "created": 1700000000, "owned_by": "ionos"},
        {"id": "black-forest-labs/FLUX.1-schnell", "object": "model", "created": 1700000000, "owned_by": "ionos"},
        {"id": "new/model", "object": "model", "created": 0, "owned_by": "ionos"},
    ]}
    legacy = models_to_legacy(openai_list, MM)
    by_name = {item.properties.name: item for item in legacy.items}
    assert by_name["meta-llama/Llama-3.3-70B-Instruct"].id == LLAMA_ID
    assert by_name["black-forest-labs/FLUX.1-schnell"].properties.category == "image"
    new_id = by_name["new/model"].id
    assert new_id == legacy_model_id("new/model", MM) == legacy_model_id("new/model", ModelMap.bundled())
    assert rules.is_uuid(new_id) and new_id != LLAMA_ID
    assert legacy.type == "collection" and legacy.items[0].href.endswith(f"/models/{LLAMA_ID}")
    back = models_to_openai(legacy.model_dump())
    assert [m.id for m in back.data] == [m["id"] for m in openai_list["data"]]


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500])
def test_errors_round_trip_with_their_status(status):
    openai_body = {"error": {"message": f"boom {status}", "type": "x", "code": None}}
    legacy = error_to_legacy(status, openai_body)
    assert legacy.httpStatus == status and legacy.messages[0].message == f"boom {status}"
    again = error_to_openai(status, legacy.model_dump())
    assert again.error.message == f"boom {status}"


def test_auth_error_uses_the_documented_legacy_code():
    assert error_to_legacy(401, b'{"error": {"message": "no"}}').messages[0].errorCode == "paas-auth-1"


def test_non_json_error_bodies_keep_their_text():
    assert error_to_legacy(502, b"Bad Gateway\n").messages[0].message == "Bad Gateway"
    assert error_to_legacy(500, b"").messages[0].message == "upstream answered HTTP 500"


@pytest.mark.parametrize("value", [False, "false", "0", 0])
def test_stream_off_is_dropped_as_the_legacy_api_never_streamed(value):
    assert "stream" not in chat(body(options={"stream": value, "max_length": "5"}))


@pytest.mark.parametrize("option, value", [("stream", True), ("stream", "true"), ("model", "x"), ("messages", "[]")])
def test_options_that_would_override_the_translation_are_400s(option, value):
    with pytest.raises(TranslationError) as info:
        to_openai(body(options={option: value}), LLAMA_ID, MM)
    assert info.value.status == 400 and info.value.message.startswith(f"properties.options.{option}: not accepted")
