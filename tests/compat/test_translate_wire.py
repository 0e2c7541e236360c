"""The byte-level helpers the proxy and the shim use give exactly what the models give."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.schemas import LegacyPredictionResponse
from ionos_migrate.compat.translate import (
    RagPlan,
    TranslationError,
    openai_request_json,
    option_fields,
    option_notes,
    to_legacy,
    to_legacy_json,
    to_openai,
    translate_options,
)

MM = ModelMap.load(project_table={"11111111-2222-4333-8444-555555555555": {"name": "acme/painter", "kind": "image"}})
MODEL_IDS = st.sampled_from(
    ["b18b18de-92c3-466e-81a8-e5df91890091", "11111111-2222-4333-8444-555555555555", "meta-llama/Meta-Llama-3.1-8B-Instruct"])
numbers = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32))
option_values = st.one_of(numbers, numbers.map(str), st.text(max_size=8), st.booleans(), st.none())
option_keys = st.sampled_from(["max_length", "temperature", "top_p", "top_k", "stop", "size", "seed"])
legacy_requests = st.fixed_dictionaries(
    {"properties": st.fixed_dictionaries(
        {"input": st.text(max_size=200)},
        optional={"options": st.dictionaries(option_keys, option_values, max_size=5), "collectionId": st.uuids().map(str)},
    )},
    optional={"type": st.just("prediction")},
)
HITS = {"properties": {"matches": [{"document": {"id": "1", "properties": {"content": "YSBkb2N1bWVudA=="}}}]}}

usages = st.one_of(st.none(), st.fixed_dictionaries(
    {}, optional={"prompt_tokens": st.integers(0, 10**6), "completion_tokens": st.integers(0, 10**6)}))
durations = st.one_of(st.just(0), st.floats(0, 1000, allow_nan=False))


def _answer(output: str | None, created: int, image: bool, usage: dict | None) -> dict:
    if image:
        return {"created": created, "data": [{"b64_json": output}]}
    answer = {"id": "x", "created": created, "model": "m", "choices": [{"message": {"role": "assistant", "content": output}}]}
    if usage is not None:
        answer["usage"] = usage
    return answer


@settings(max_examples=300, deadline=None)
@given(legacy_requests, st.one_of(st.none(), st.text(max_size=100)), st.integers(0, 2**31), st.booleans(), usages, durations)
def test_to_legacy_json_is_the_models_wire_form_byte_for_byte(raw, output, created, image, usage, duration):
    answer = _answer(output, created, image, usage)
    expected = to_legacy(answer, raw, duration=duration).model_dump_json(exclude_none=True).encode()
    assert to_legacy_json(json.dumps(answer).encode(), raw, duration=duration) == expected
    assert to_legacy_json(answer, raw, duration=duration) == expected
    LegacyPredictionResponse.model_validate_json(expected)  # and it is a valid legacy answer


@settings(max_examples=300, deadline=None)
@given(legacy_requests, MODEL_IDS)
def test_openai_request_json_is_the_models_wire_form(raw, model_id):
    try:
        plan = to_openai(raw, model_id, MM)
    except TranslationError:
        return
    if isinstance(plan, RagPlan):
        assert openai_request_json(plan.query) == plan.query.model_dump_json(exclude_none=True).encode()
        try:
            plan = plan.build(HITS)  # a RAG plan validates its options once the context is known
        except TranslationError:
            return
    assert openai_request_json(plan) == plan.model_dump_json(exclude_none=True).encode()


@given(st.dictionaries(st.sampled_from(["max_length", "temperature", "top_k", "size", "mode"]),
                       st.one_of(st.none(), st.integers(0, 99).map(str)), max_size=4))
def test_translate_options_is_fields_plus_notes(options):
    assert translate_options(options) == (option_fields(options), option_notes(options))


def test_image_answer_with_usage_of_its_own_shape_translates_without_tokens():
    # OpenAI's image answers may carry usage as input_tokens/output_tokens: not the chat shape.
    answer = {"created": 1, "data": [{"b64_json": "aGk="}], "usage": {"input_tokens": 3, "output_tokens": 4}}
    legacy = json.loads(to_legacy_json(json.dumps(answer), {"properties": {"input": "a cat"}}))
    assert legacy["properties"]["output"] == "aGk="
    assert "inputTokens" not in legacy["metadata"] and "outputTokens" not in legacy["metadata"]


@pytest.mark.parametrize("bad", [
    b"not json",
    b"[1, 2]",
    b'{"id": "x", "created": 1, "model": "m", "choices": []}',
    b'{"id": "x", "created": "soon", "model": "m", "choices": [{"message": {"role": "assistant", "content": "hi"}}]}',
    b'{"created": 1, "data": [{"b64_json": 5}]}',
])
def test_malformed_answers_give_the_same_502_as_to_legacy(bad):
    request = {"properties": {"input": "hi"}}
    with pytest.raises(TranslationError) as via_model:
        to_legacy(bad, request)
    with pytest.raises(TranslationError) as via_bytes:
        to_legacy_json(bad, request)
    assert via_bytes.value.status == via_model.value.status == 502
    assert via_bytes.value.message == via_model.value.message
    assert via_bytes.value.message.startswith("upstream answer is")
