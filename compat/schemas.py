"""Pydantic v2 models of both APIs (API.md).

Legacy *input* is lenient where real clients were: ``type`` may be missing,
option values may be numbers, unknown option keys are kept. Everything we
*produce* is exact. OpenAI request models allow extra fields because
non-standard options travel as extra body fields.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

OptionValue = Union[str, int, float, bool, None]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class _Exact(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- legacy native API --------------------------------------------------------


class LegacyPredictionProperties(_Lenient):
    input: str
    options: dict[str, OptionValue] = Field(default_factory=dict)
    collectionId: Optional[str] = None
    collectionQuery: Optional[str] = None


class LegacyPredictionRequest(_Lenient):
    type: Optional[str] = "prediction"
    properties: LegacyPredictionProperties


class LegacyResponseMetadata(_Exact):
    createdDate: str
    lastModifiedDate: str
    duration: float = 0.0
    inputTokens: Optional[int] = None
    outputTokens: Optional[int] = None


class LegacyResponseProperties(_Exact):
    input: str
    options: dict[str, str] = Field(default_factory=dict)
    output: str


class LegacyPredictionResponse(_Exact):
    type: Literal["prediction"] = "prediction"
    metadata: LegacyResponseMetadata
    properties: LegacyResponseProperties


class LegacyModelMetadata(_Exact):
    createdDate: str
    lastModifiedDate: str


class LegacyModelProperties(_Exact):
    name: str
    description: str = ""
    category: str = "text/nlp"


class LegacyModel(_Exact):
    id: str
    type: Literal["model"] = "model"
    href: str
    metadata: LegacyModelMetadata
    properties: LegacyModelProperties


class LegacyModelCollection(_Exact):
    id: str
    type: Literal["collection"] = "collection"
    href: str
    items: list[LegacyModel]


class LegacyErrorMessage(_Exact):
    errorCode: str
    message: str


class LegacyError(_Exact):
    httpStatus: int
    messages: list[LegacyErrorMessage]


class CollectionQueryRequest(_Exact):
    query: str
    limit: int


class CollectionDocumentProperties(_Lenient):
    name: str = ""
    content: str  # base64


class CollectionDocument(_Lenient):
    id: str
    properties: CollectionDocumentProperties


class CollectionMatch(_Lenient):
    score: float = 0.0
    document: CollectionDocument


class CollectionQueryProperties(_Lenient):
    matches: list[CollectionMatch] = Field(default_factory=list)


class CollectionQueryResponse(_Lenient):
    properties: CollectionQueryProperties


# --- OpenAI-compatible API ----------------------------------------------------


class ChatMessage(_Lenient):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: Optional[str] = None


class ChatCompletionRequest(_Lenient):
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    n: Optional[int] = None
    stream: Optional[bool] = None
    stop: Optional[Union[str, list[str]]] = None
    max_tokens: Optional[int] = None
    max_completion_tokens: Optional[int] = None
    presence_penalty: Optional[float] = None
    frequency_penalty: Optional[float] = None
    logit_bias: Optional[dict[str, float]] = None
    user: Optional[str] = None


class Usage(_Lenient):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatChoice(_Lenient):
    index: int = 0
    message: ChatMessage
    finish_reason: Optional[str] = None


class ChatCompletionResponse(_Lenient):
    id: str
    object: str = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice] = Field(min_length=1)
    usage: Optional[Usage] = None


class CompletionRequest(_Lenient):
    model: str
    prompt: str
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    n: Optional[int] = None
    stream: Optional[bool] = None
    stop: Optional[Union[str, list[str]]] = None
    max_tokens: Optional[int] = None
    presence_penalty: Optional[float] = None
    frequency_penalty: Optional[float] = None
    logit_bias: Optional[dict[str, float]] = None
    user: Optional[str] = None


class CompletionChoice(_Lenient):
    index: int = 0
    text: str
    finish_reason: Optional[str] = None


class CompletionResponse(_Lenient):
    id: str
    object: str = "text_completion"
    created: int
    model: str
    choices: list[CompletionChoice] = Field(min_length=1)
    usage: Optional[Usage] = None


class EmbeddingRequest(_Lenient):
    model: str
    input: Union[str, list[str]]
    encoding_format: Optional[str] = None
    user: Optional[str] = None


class Embedding(_Lenient):
    object: str = "embedding"
    index: int
    embedding: list[float]


class EmbeddingResponse(_Lenient):
    object: str = "list"
    data: list[Embedding]
    model: str
    usage: Optional[Usage] = None


class ImageGenerationRequest(_Lenient):
    model: str
    prompt: str
    n: Optional[int] = None
    size: Optional[str] = None
    response_format: Optional[str] = None
    user: Optional[str] = None


class ImageData(_Lenient):
    b64_json: Optional[str] = None
    url: Optional[str] = None
    revised_prompt: Optional[str] = None


class ImageGenerationResponse(_Lenient):
    created: int
    data: list[ImageData] = Field(min_length=1)


class OpenAIModel(_Lenient):
    id: str
    object: str = "model"
    created: int = 0
    owned_by: str = ""


class OpenAIModelList(_Lenient):
    object: str = "list"
    data: list[OpenAIModel]


class OpenAIErrorBody(_Lenient):
    message: str
    type: Optional[str] = None
    param: Optional[str] = None
    code: Optional[Union[str, int]] = None


class OpenAIError(_Lenient):
    error: OpenAIErrorBody


OpenAIRequest = Union[ChatCompletionRequest, ImageGenerationRequest]


def dump(model: BaseModel) -> dict[str, Any]:
    """The wire form: absent stays absent."""
    return model.model_dump(mode="json", exclude_none=True)
