"""Property tests: whatever the legacy schema accepts translates to valid OpenAI, and back."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.compat.schemas import (
    ChatCompletionRequest,
    ImageGenerationRequest,
    LegacyError,
    LegacyPredictionResponse,
    OpenAIError,
    dump,
)
from ionos_migrate.compat.translate import (
    RagPlan,
    TranslationError,
    error_to_legacy,
    error_to_openai,
    option_string,
    parse_legacy_request,
    to_legacy,
    to_openai,
)

MM = ModelMap.load(project_table={"11111111-2222-4333-8444-555555555555": {"name": "acme/painter", "kind": "image"}})
MODEL_IDS = st.sampled_from(
    ["b18b18de-92c3-466e-81a8-e5df91890091", "6cbc28c9-217d-421c-85fb-754d79c61423",
     "11111111-2222-4333-8444-555555555555", "meta-llama/Meta-Llama-3.1-8B-Instruct"]
)
numbers = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32))
option_values = st.one_of(numbers, numbers.map(str), st.text(max_size=8), st.booleans(), st.none())
option_keys = st.sampled_from(["max_length", "temperature", "top_p", "top_k", "repetition_penalty", "size", "seed"])
legacy_requests = st.fixed_dictionaries(
    {"properties": st.fixed_dictionaries(
        {"input": st.text(max_size=200)},
        optional={
            "options": st.dictionaries(option_keys, option_values, max_size=5),
            "collectionId": st.uuids().map(str),
            "collectionQuery": st.text(max_size=50),
        },
    )},
    optional={"type": st.just("prediction")},
)


def _hits(texts):
    return {"properties": {"matches": [
        {"score": 1.0, "document": {"id": str(i), "properties": {"content": base64.b64encode(t.encode()).decode()}}}
        for i, t in enumerate(texts)]}}


@settings(max_examples=300, deadline=None)
@given(legacy_requests, MODEL_IDS, st.lists(st.text(max_size=30), max_size=3))
def test_accepted_legacy_requests_translate_to_valid_openai_requests(raw, model_id, docs):
    parse_legacy_request(raw)  # the schema accepts every generated request
    try:
        plan = to_openai(raw, model_id, MM)
    except TranslationError as exc:  # bad option values: a 400 that names the field
        assert exc.status == 400 and exc.message.startswith("properties.options.")
        return
    if isinstance(plan, RagPlan):
        plan = plan.build(_hits(docs))
    wire = dump(plan)
    model = ImageGenerationRequest if isinstance(plan, ImageGenerationRequest) else ChatCompletionRequest
    assert model.model_validate(wire) == plan
    if isinstance(plan, ChatCompletionRequest):
        assert isinstance(wire.get("max_tokens", 0), int)
        assert wire["messages"][-1]["role"] == "user"


@settings(max_examples=200, deadline=None)
@given(legacy_requests, st.text(max_size=100), st.integers(0, 2**31), st.booleans())
def test_valid_openai_answers_translate_back_echoing_input_and_options(raw, output, created, image):
    answer = ({"created": created, "data": [{"b64_json": output}]} if image else
              {"id": "x", "created": created, "model": "m", "choices": [{"message": {"role": "assistant", "content": output}}]})
    legacy = to_legacy(answer, raw)
    LegacyPredictionResponse.model_validate(legacy.model_dump())
    props = raw["properties"]
    assert legacy.properties.input == props["input"]
    assert legacy.properties.output == output
    assert legacy.properties.options == {k: option_string(v) for k, v in props.get("options", {}).items() if v is not None}


@given(st.sampled_from([400, 401, 403, 404, 429, 500, 502, 503, 504]), st.text(min_size=1, max_size=80))
def test_errors_round_trip_with_status_and_message(status, message):
    body = OpenAIError.model_validate({"error": {"message": message}}).model_dump()
    legacy = error_to_legacy(status, body)
    LegacyError.model_validate(legacy.model_dump())
    assert legacy.httpStatus == status
    assert error_to_openai(status, legacy.model_dump()).error.message == message
