"""Pure translation between the legacy API and the OpenAI-compatible API.

Converters come in pairs around the mapping in ``rules``: a legacy request
goes forward (:func:`to_openai`), the OpenAI answer comes back
(:func:`to_legacy`); the same for the models list and for errors. No I/O.
The proxy and the shim use the byte-level forms of the same steps
(:func:`openai_request_json`, :func:`to_legacy_json`): same bytes, less time.
Bad input raises :class:`TranslationError`, which knows its legacy status
and names the offending field; nothing else escapes.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Union

import pydantic_core
from pydantic import BaseModel, TypeAdapter, ValidationError

from . import rules
from .model_map import ModelEntry, ModelMap, UnknownModel
from .schemas import (
    ChatCompletionRequest,
    ChatCompletionResponse,
    ChatMessage,
    CollectionQueryRequest,
    CollectionQueryResponse,
    ImageGenerationRequest,
    ImageGenerationResponse,
    LegacyError,
    LegacyErrorMessage,
    LegacyModel,
    LegacyModelCollection,
    LegacyModelMetadata,
    LegacyModelProperties,
    LegacyPredictionRequest,
    LegacyPredictionResponse,
    LegacyResponseMetadata,
    LegacyResponseProperties,
    OpenAIError,
    OpenAIErrorBody,
    OpenAIModel,
    OpenAIModelList,
)

MODEL_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/ionos-migrate/models")

# The hot path validates through adapters: the same validators as the models'
# own ``model_validate*`` / ``model_dump_json``, minus half a microsecond of
# wrapper each (measured; a translation makes four such calls).
_LEGACY_REQUEST = TypeAdapter(LegacyPredictionRequest)
_CHAT_REQUEST = TypeAdapter(ChatCompletionRequest)
_CHAT_RESPONSE = TypeAdapter(ChatCompletionResponse)
_IMAGE_RESPONSE = TypeAdapter(ImageGenerationResponse)
_REQUEST_ADAPTERS = {ChatCompletionRequest: _CHAT_REQUEST, ImageGenerationRequest: TypeAdapter(ImageGenerationRequest)}


class TranslationError(Exception):
    """Input that cannot be translated: maps to a legacy error of ``status``."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field

    def to_legacy(self) -> LegacyError:
        return legacy_error(self.status, self.message)

    def to_openai(self) -> OpenAIError:
        return openai_error(self.status, self.message, param=self.field)


# --- options --------------------------------------------------------------


def coerce_option(name: str, value: Any) -> tuple[str, Any]:
    """One legacy option -> ``(openai field, value)`` per ``rules.OPTION_RULES``."""
    rule = rules.OPTION_RULES.get(name)
    if rule is None:
        return name, _coerce_number_if_possible(value)
    if rule.coerce == "int":
        return rule.field, _to_int(value, name)
    return rule.field, _to_float(value, name)


# Options that would collide with what the translation itself sets (``model``,
# ``messages``) or ask for an answer it cannot translate back (``stream``).
RESERVED_OPTIONS = {
    "model": "the model comes from the path",
    "messages": "the messages come from properties.input",
    "stream": "the legacy API answers in one piece; a streamed answer cannot be translated back",
}


def translate_options(options: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """All options of a text request -> body fields, plus notes for a report."""
    return option_fields(options), option_notes(options)


def option_fields(options: Mapping[str, Any]) -> dict[str, Any]:
    """All options of a text request -> body fields (what a request needs; notes are for reports)."""
    body: dict[str, Any] = {}
    for name, value in options.items():
        if value is None or name in rules.IMAGE_OPTIONS or (name == "stream" and option_is_false(value)):
            continue  # stream off is what the legacy API did anyway
        if name in RESERVED_OPTIONS:
            where = f"properties.options.{name}"
            raise TranslationError(f"{where}: not accepted ({RESERVED_OPTIONS[name]})", field=where)
        field_name, coerced = coerce_option(name, value)
        body[field_name] = coerced
    return body


def option_is_false(value: Any) -> bool:
    return value is False or value == 0 or (isinstance(value, str) and value.strip().lower() in ("false", "0", ""))


def option_notes(options: Mapping[str, Any]) -> list[str]:
    """What a report should say about the options of a text request."""
    notes = [
        f"option {name!r} is not an OpenAI field; passed on as an extra body field"
        for name, value in options.items()
        if value is not None and name not in rules.IMAGE_OPTIONS and name not in rules.OPTION_RULES
    ]
    if "max_length" not in options:
        notes.append("no max_length: the new API's default max_tokens may be as low as 16")
    return notes


def _to_int(value: Any, option: str) -> int:
    if isinstance(value, bool):
        raise _bad_option(option, value, "an integer")
    if isinstance(value, int):
        return value
    try:
        number = float(str(value).strip()) if not isinstance(value, float) else value
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != int(number):
        raise _bad_option(option, value, "an integer")
    return int(number)


def _to_float(value: Any, option: str) -> float:
    if isinstance(value, bool):
        raise _bad_option(option, value, "a number")
    try:
        number = float(value if isinstance(value, (int, float)) else str(value).strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise _bad_option(option, value, "a number")
    return number


def _bad_option(option: str, value: Any, wanted: str) -> TranslationError:
    where = f"properties.options.{option}"  # built only on failure: this is the per-request hot path
    return TranslationError(f"{where}: {json.dumps(value)} is not {wanted}", field=where)


def _coerce_number_if_possible(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


# --- requests forward -----------------------------------------------------


@dataclass(frozen=True)
class RagPlan:
    """Server-side RAG done client-side: query the collection, then chat."""

    collection_id: str
    query: CollectionQueryRequest
    build: Callable[[Union[CollectionQueryResponse, Mapping[str, Any]]], ChatCompletionRequest]
    model: ModelEntry

    @property
    def query_path(self) -> str:
        return rules.LEGACY_COLLECTION_QUERY_PATH.format(collection_id=self.collection_id)


OpenAIPlan = Union[ChatCompletionRequest, ImageGenerationRequest, RagPlan]


@dataclass
class Translation:
    """A forward translation and what a report should say about it."""

    plan: OpenAIPlan
    model: ModelEntry
    notes: list[str] = field(default_factory=list)


def parse_legacy_request(body: Union[bytes, str, Mapping[str, Any], LegacyPredictionRequest]) -> LegacyPredictionRequest:
    if isinstance(body, LegacyPredictionRequest):
        return body
    if isinstance(body, (bytes, str)):
        try:  # fast path (pydantic parses the JSON itself); errors take the path below for their messages
            return _LEGACY_REQUEST.validate_json(body)
        except ValidationError as exc:
            if "recursion limit" in exc.errors()[0]["msg"]:  # pydantic's parser stops ~200 levels down
                raise TranslationError(TOO_DEEP) from None
        try:
            body = json.loads(body)
        except RecursionError:
            raise TranslationError(TOO_DEEP) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise TranslationError(f"request body is not valid JSON: {exc}") from None
    if not isinstance(body, Mapping):
        raise TranslationError("request body must be a JSON object")
    try:
        request = LegacyPredictionRequest.model_validate(body)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    except RecursionError:
        raise TranslationError(TOO_DEEP) from None
    _refuse_lone_surrogates(request)  # the fast path's parser refuses them; json.loads does not
    return request


TOO_DEEP = "request body: JSON nested too deeply"


def _refuse_lone_surrogates(request: LegacyPredictionRequest) -> None:
    """A ``"\\ud800"`` escape decodes to a string no UTF-8 encoder accepts: a 400 naming the field, not a 500 later."""
    props = request.properties
    fields: list[tuple[str, Any]] = [("properties.input", props.input), ("properties.collectionId", props.collectionId),
                                     ("properties.collectionQuery", props.collectionQuery)]
    for name, value in props.options.items():
        fields += [("properties.options", name), (f"properties.options.{name}", value)]
    for where, value in fields:
        if isinstance(value, str) and not _is_utf8_encodable(value):
            bad = next(ch for ch in value if 0xD800 <= ord(ch) <= 0xDFFF)
            raise TranslationError(f"{where}: contains a lone surrogate (\\u{ord(bad):04x}), which is not valid Unicode",
                                   field=where)


def _is_utf8_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def resolve_model(model_id: str, model_map: ModelMap) -> ModelEntry:
    problem = rules.model_id_problem(model_id)
    if problem:
        raise TranslationError(f"modelId: {problem}", field="modelId")
    found = model_map.resolve(model_id)
    if isinstance(found, UnknownModel):
        raise TranslationError(found.message, status=404, field="modelId")
    return found


def to_openai(legacy_request: Any, model_id: str, model_map: ModelMap) -> OpenAIPlan:
    """A legacy prediction request -> chat request, image request or RAG plan."""
    return _plan(parse_legacy_request(legacy_request), resolve_model(model_id, model_map))


def translate_request(legacy_request: Any, model_id: str, model_map: ModelMap) -> Translation:
    """:func:`to_openai` plus the notes a report shows (the proxy skips them: it has no report)."""
    request = parse_legacy_request(legacy_request)
    model = resolve_model(model_id, model_map)
    plan = _plan(request, model)
    notes = [f"model {model_id} -> {model.name} from the bundled map ({model.confidence} confidence): confirm it"] if model.is_bundled else []
    if not is_image_request(model, request.properties.options):
        notes += option_notes(request.properties.options)
    return Translation(plan, model, notes)


def _plan(request: LegacyPredictionRequest, model: ModelEntry) -> OpenAIPlan:
    props = request.properties
    if is_image_request(model, props.options):
        return _image_request(model, props.input, props.options)
    options = option_fields(props.options)
    if props.collectionId:
        problem = rules.collection_id_problem(props.collectionId)
        if problem:
            raise TranslationError(f"properties.collectionId: {problem}", field="properties.collectionId")
        return _rag_plan(model, props.input, props.collectionId, props.collectionQuery, options)
    return _chat_request(model.name, [{"role": "user", "content": props.input}], options)


def openai_request_json(request: Union[ChatCompletionRequest, ImageGenerationRequest, CollectionQueryRequest]) -> bytes:
    """The wire form of a request we built: ``request.model_dump_json(exclude_none=True)``, as bytes."""
    adapter = _REQUEST_ADAPTERS.get(type(request))
    if adapter is None:
        return request.model_dump_json(exclude_none=True).encode()
    return adapter.dump_json(request, exclude_none=True)


def is_image_request(model: ModelEntry, options: Mapping[str, Any]) -> bool:
    return model.kind == "image" or not rules.IMAGE_OPTIONS.isdisjoint(options)


def _chat_request(model: str, messages: list[Any], options: Mapping[str, Any]) -> ChatCompletionRequest:
    try:  # the options are input: validated here, errors name them
        return _CHAT_REQUEST.validate_python({"model": model, "messages": messages, **options})
    except ValidationError as exc:
        raise _validation_error(exc, prefix="properties.options") from None


def _image_request(model: ModelEntry, prompt: str, options: Mapping[str, Any]) -> ImageGenerationRequest:
    size = options.get("size")
    fields: dict[str, Any] = {}
    if size is not None:
        normalised = rules.normalise_image_size(str(size))
        if normalised is None:
            raise TranslationError(
                f'properties.options.size: {json.dumps(size)} is not a size like "1024x1024"',
                field="properties.options.size",
            )
        fields["size"] = normalised
    return ImageGenerationRequest(
        model=model.name, prompt=prompt, n=rules.IMAGE_N, response_format=rules.IMAGE_RESPONSE_FORMAT, **fields
    )


def _rag_plan(model: ModelEntry, text: str, collection_id: str, query: str | None, options: dict[str, Any]) -> RagPlan:
    query_text = query or text

    def build(response: Union[CollectionQueryResponse, Mapping[str, Any]]) -> ChatCompletionRequest:
        return _chat_request(model.name, rag_messages(text, query_text, rag_context(response)), options)

    return RagPlan(collection_id, CollectionQueryRequest(query=query_text, limit=rules.RAG_QUERY_LIMIT), build, model)


def rag_context(response: Union[CollectionQueryResponse, Mapping[str, Any]]) -> str:
    """The decoded documents of a collection query, joined."""
    if not isinstance(response, CollectionQueryResponse):
        try:
            response = CollectionQueryResponse.model_validate(response)
        except ValidationError as exc:
            raise TranslationError(f"collection query answer: {_first_error(exc)}", status=502) from None
    texts = []
    for match in response.properties.matches:
        try:
            texts.append(base64.b64decode("".join(match.document.properties.content.split()), validate=True).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            raise TranslationError(
                f"collection query answer: document {match.document.id} content is not base64", status=502
            ) from None
    return rules.RAG_CONTEXT_SEPARATOR.join(texts)


def rag_messages(text: str, query: str, context: str) -> list[ChatMessage]:
    """Placeholders in the input are filled; otherwise the context is a system message."""
    if rules.RAG_PLACEHOLDER_CONTEXT in text or rules.RAG_PLACEHOLDER_QUERY in text:
        filled = text.replace(rules.RAG_PLACEHOLDER_CONTEXT, context).replace(rules.RAG_PLACEHOLDER_QUERY, query)
        return [ChatMessage(role="user", content=filled)]
    return [ChatMessage(role="system", content=context), ChatMessage(role="user", content=text)]


# --- responses back -------------------------------------------------------


def to_legacy(
    openai_response: Union[ChatCompletionResponse, ImageGenerationResponse, Mapping[str, Any]],
    legacy_request: Any,
    *,
    duration: float = 0.0,
) -> LegacyPredictionResponse:
    """An OpenAI answer -> the legacy prediction response echoing input and options."""
    return LegacyPredictionResponse.model_validate(legacy_answer_data(openai_response, legacy_request, duration=duration))


def to_legacy_json(
    openai_response: Union[bytes, str, ChatCompletionResponse, ImageGenerationResponse, Mapping[str, Any]],
    legacy_request: Any,
    *,
    duration: float = 0.0,
) -> bytes:
    """:func:`to_legacy` as the bytes on the wire, byte for byte ``to_legacy(...).model_dump_json(exclude_none=True)``.

    The upstream answer is validated as in :func:`to_legacy`; the legacy answer
    is built from validated values only, so it is serialised without being
    validated a second time (that re-validation was a quarter of the time).
    """
    return pydantic_core.to_json(legacy_answer_data(openai_response, legacy_request, duration=duration))


def legacy_answer_data(openai_response: Any, legacy_request: Any, *, duration: float = 0.0) -> dict[str, Any]:
    """The legacy answer as plain data in wire order, absent values left out (the shape of ``LegacyPredictionResponse``)."""
    request = parse_legacy_request(legacy_request)
    response = _parse_openai_response(openai_response)
    if isinstance(response, ImageGenerationResponse):
        output = response.data[0].b64_json or ""
    else:
        output = response.choices[0].message.content or ""
    stamp = iso_date(response.created)
    metadata: dict[str, Any] = {"createdDate": stamp, "lastModifiedDate": stamp, "duration": round(float(duration), 6)}
    usage = response.usage if isinstance(response, ChatCompletionResponse) else None  # an image answer's usage has other fields
    if usage is not None:
        metadata["inputTokens"] = usage.prompt_tokens
        metadata["outputTokens"] = usage.completion_tokens
    props = request.properties
    return {
        "type": "prediction",
        "metadata": metadata,
        "properties": {
            "input": props.input,
            "options": {k: option_string(v) for k, v in props.options.items() if v is not None},
            "output": output,
        },
    }


def _parse_openai_response(response: Any) -> Union[ChatCompletionResponse, ImageGenerationResponse]:
    if isinstance(response, (bytes, str)):  # first: the proxy and the shim always pass bytes
        fast = _CHAT_RESPONSE if b'"choices"' in _as_bytes(response) else _IMAGE_RESPONSE
        try:  # fast path; errors take the path below for their messages
            return fast.validate_json(response)  # type: ignore[return-value]
        except ValidationError:
            pass
        try:
            response = json.loads(response)
        except ValueError:
            raise TranslationError("upstream answer is not JSON", status=502) from None
    elif isinstance(response, (ChatCompletionResponse, ImageGenerationResponse)):
        return response
    if not isinstance(response, Mapping):
        raise TranslationError("upstream answer is not a JSON object", status=502)
    model: type[BaseModel] = ChatCompletionResponse if "choices" in response else ImageGenerationResponse
    try:
        return model.model_validate(response)  # type: ignore[return-value]
    except ValidationError as exc:
        raise TranslationError(f"upstream answer is malformed: {_first_error(exc)}", status=502) from None


def _as_bytes(text: Union[bytes, str]) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8", "replace")


def option_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def iso_date(epoch: float | None = None) -> str:
    return _iso_second(int(time.time() if epoch is None else epoch))


@functools.lru_cache(maxsize=256)  # strftime is a tenth of a translation's cost; answers share seconds
def _iso_second(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the models list, both ways ---------------------------------------------


def legacy_model_id(name: str, model_map: ModelMap) -> str:
    """The legacy id of a model: from the map, else a stable UUIDv5 of its name."""
    return model_map.legacy_id_for(name) or str(uuid.uuid5(MODEL_ID_NAMESPACE, name))


def models_to_legacy(
    openai_list: Union[OpenAIModelList, Mapping[str, Any]], model_map: ModelMap, *, base_url: str = rules.LEGACY_BASE_URL
) -> LegacyModelCollection:
    try:
        listing = OpenAIModelList.model_validate(openai_list)
    except ValidationError as exc:
        raise TranslationError(f"upstream models list is malformed: {_first_error(exc)}", status=502) from None
    return LegacyModelCollection(
        id=str(uuid.uuid5(MODEL_ID_NAMESPACE, "collection:models")),
        href=f"{base_url}{rules.LEGACY_MODELS_PATH}",
        items=[_legacy_model(model, model_map, base_url) for model in listing.data],
    )


def _legacy_model(model: OpenAIModel, model_map: ModelMap, base_url: str) -> LegacyModel:
    legacy_id = legacy_model_id(model.id, model_map)
    stamp = iso_date(model.created)
    kind = model_map.resolve(model.id)
    category = "image" if isinstance(kind, ModelEntry) and kind.kind == "image" else "text/nlp"
    return LegacyModel(
        id=legacy_id,
        href=f"{base_url}{rules.LEGACY_MODELS_PATH}/{legacy_id}",
        metadata=LegacyModelMetadata(createdDate=stamp, lastModifiedDate=stamp),
        properties=LegacyModelProperties(name=model.id, description=model.owned_by, category=category),
    )


def models_to_openai(legacy_list: Union[LegacyModelCollection, Mapping[str, Any]]) -> OpenAIModelList:
    collection = LegacyModelCollection.model_validate(legacy_list)
    return OpenAIModelList(
        data=[
            OpenAIModel(id=item.properties.name, created=_epoch(item.metadata.createdDate), owned_by=item.properties.description)
            for item in collection.items
        ]
    )


def _epoch(stamp: str) -> int:
    try:
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


# --- errors, both ways ----------------------------------------------------


def legacy_error(status: int, message: str) -> LegacyError:
    code = rules.LEGACY_ERROR_CODES.get(status, f"paas-http-{status}")
    return LegacyError(httpStatus=status, messages=[LegacyErrorMessage(errorCode=code, message=message)])


def openai_error(status: int, message: str, *, param: str | None = None) -> OpenAIError:
    kind = rules.OPENAI_ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return OpenAIError(error=OpenAIErrorBody(message=message, type=kind, param=param, code=str(status)))


def error_to_legacy(status: int, body: Union[bytes, str, Mapping[str, Any], None]) -> LegacyError:
    """An OpenAI-style (or any) error answer -> the legacy error shape, same status."""
    return legacy_error(status, _error_message(body, status, lambda d: OpenAIError.model_validate(d).error.message))


def error_to_openai(status: int, body: Union[bytes, str, Mapping[str, Any], None]) -> OpenAIError:
    """A legacy error answer -> the OpenAI error shape, same status."""
    return openai_error(status, _error_message(body, status, lambda d: LegacyError.model_validate(d).messages[0].message))


def _error_message(body: Any, status: int, extract: Callable[[Any], str]) -> str:
    if isinstance(body, (bytes, str)):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            body = json.loads(text)
        except ValueError:
            return text.strip()[:500] or f"upstream answered HTTP {status}"
    try:
        return extract(body)
    except (ValidationError, IndexError, TypeError):
        return json.dumps(body)[:500] if body else f"upstream answered HTTP {status}"


# --- pydantic errors -> field-naming messages -------------------------------


def _validation_error(exc: ValidationError, prefix: str = "") -> TranslationError:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    if prefix:
        where = f"{prefix}.{where}"
    if error["type"] == "missing":
        message = f"{where}: required field is missing"
    else:
        message = f"{where}: {error['msg'].lower()} (got {json.dumps(error.get('input'), default=str)})"
    return TranslationError(message, field=where)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
