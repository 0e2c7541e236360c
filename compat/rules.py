"""The legacy -> OpenAI-compatible mapping, defined once as data.

Both the runtime translation (``compat.translate``) and the codemods read
these tables; neither restates them. See API.md "The mapping".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LEGACY_HOST = "inference.de-txl.ionos.com"
LEGACY_BASE_URL = f"https://{LEGACY_HOST}"
OPENAI_HOST = "openai.inference.de-txl.ionos.com"
OPENAI_BASE_URL = f"https://{OPENAI_HOST}/v1"

# Legacy endpoints (retired) and their replacements.
LEGACY_MODELS_PATH = "/models"
LEGACY_PREDICTIONS_PATH = "/models/{model_id}/predictions"
LEGACY_COLLECTION_QUERY_PATH = "/collections/{collection_id}/query"  # still live
OPENAI_MODELS_PATH = "/v1/models"
OPENAI_CHAT_PATH = "/v1/chat/completions"
OPENAI_COMPLETIONS_PATH = "/v1/completions"
OPENAI_EMBEDDINGS_PATH = "/v1/embeddings"
OPENAI_IMAGES_PATH = "/v1/images/generations"

# Matches a legacy predictions path; the model id may be a UUID or a name
# with slashes (``meta-llama/Meta-Llama-3.1-8B-Instruct``).
PREDICTIONS_PATH_RE = re.compile(r"^/models/(?P<model_id>.+)/predictions/?$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Byte markers a file must contain to possibly hold a legacy call site.
PREFILTER_MARKERS: tuple[bytes, ...] = (LEGACY_HOST.encode(), b"/predictions")
# Bytes of a weak signal (a legacy body or answer read): common elsewhere, so such a file is
# parsed only when it is tied to IONOS. The first pass looks for the bare words (one scan each);
# "properties" then counts only as a quoted key.
WEAK_MARKERS: tuple[bytes, ...] = (b'"properties"', b"'properties'", b"putTokens")
WEAK_SCREENS: tuple[bytes, ...] = (b"properties", b"putTokens")

Coercion = Literal["int", "float", "number"]


@dataclass(frozen=True)
class OptionRule:
    """How one legacy ``properties.options`` key becomes an OpenAI field."""

    option: str
    field: str
    coerce: Coercion
    extra: bool = False  # True: not an OpenAI field, sent as an extra body field


# Documented and well-known options. Anything else is passed on as an extra
# body field with ``number`` coercion, and reported.
OPTION_RULES: dict[str, OptionRule] = {
    rule.option: rule
    for rule in (
        OptionRule("max_length", "max_tokens", "int"),
        OptionRule("temperature", "temperature", "float"),
        OptionRule("top_p", "top_p", "float"),
    )
}

# Option keys that only make sense for image models; ``size`` also marks a
# request as an image request.
IMAGE_OPTIONS = frozenset({"size"})

# Model names that are image models even without a map entry saying so.
IMAGE_MODEL_NAME_RE = re.compile(r"(flux|stable-diffusion|sdxl|dall-e|imagen)", re.IGNORECASE)

IMAGE_RESPONSE_FORMAT = "b64_json"
IMAGE_N = 1
IMAGE_SIZE_RE = re.compile(r"^\s*(\d+)\s*[xX*×]\s*(\d+)\s*$")

# Server-side RAG, done client-side on the new API.
RAG_PLACEHOLDER_CONTEXT = "{{.context}}"
RAG_PLACEHOLDER_QUERY = "{{.collection_query}}"
RAG_QUERY_LIMIT = 5  # hits fetched per query; the legacy server's own number was not published
RAG_CONTEXT_SEPARATOR = "\n\n"

# Legacy error codes. Only ``paas-auth-1`` is documented; the others are ours,
# in the same style, so legacy clients that switch on ``errorCode`` still can.
LEGACY_ERROR_CODES: dict[int, str] = {
    400: "paas-validation-1",
    401: "paas-auth-1",
    403: "paas-auth-2",
    404: "paas-notfound-1",
    405: "paas-validation-2",
    413: "paas-validation-3",
    429: "paas-ratelimit-1",
    500: "paas-internal-1",
    502: "paas-upstream-1",
    503: "paas-upstream-2",
    504: "paas-timeout-1",
}
OPENAI_ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


# A collection id becomes one segment of a URL path on the legacy host. Refused:
# empty, a dot segment ("." or ".."), a separator ("/", "\\"), a control
# character, or any of those percent-encoded (a server decodes "%2e%2e" to "..").
# Anything else is percent-encoded into one segment. As a pattern, so generated
# code can carry the very same rule.
UNSAFE_COLLECTION_ID_RE = re.compile(r"\A\.{0,2}\Z|[/\\\x00-\x1f\x7f]|%(?:2[eEfF]|5[cC]|[01][0-9a-fA-F]|7[fF])")
# A model id from a legacy path: not empty, no control characters (it is sent on in a JSON body).
UNSAFE_MODEL_ID_RE = re.compile(r"\A\Z|[\x00-\x1f\x7f]")


def collection_id_problem(collection_id: str) -> str | None:
    """Why ``collection_id`` may not be sent to ``/collections/{id}/query``, or None when it is safe.

    The one rule for the proxy, the in-process shim and the codemods' generated code
    (which can embed ``UNSAFE_COLLECTION_ID_RE.pattern``)."""
    match = UNSAFE_COLLECTION_ID_RE.search(collection_id)
    if match is None:
        return None
    if not collection_id:
        return "must not be empty"
    if match.group() == collection_id and "%" not in collection_id:
        return f"{collection_id!r} is a path dot segment, not a collection id"
    return f"{collection_id!r} contains {match.group()!r}, which is not allowed in a collection id (it would change the URL path)"


def model_id_problem(model_id: str) -> str | None:
    """Why a model id taken from a legacy path is refused, or None."""
    if not model_id:
        return "the model id in the path /models/{modelId}/predictions is empty"
    if UNSAFE_MODEL_ID_RE.search(model_id):
        return f"{model_id!r} contains a control character"
    return None


def is_uuid(value: str) -> bool:
    return bool(UUID_RE.match(value))


def normalise_image_size(value: str) -> str | None:
    """``"1024*1024"`` or ``"1024x1024"`` -> ``"1024x1024"``; None if not a size."""
    match = IMAGE_SIZE_RE.match(str(value))
    return f"{match[1]}x{match[2]}" if match else None


def looks_like_image_model(name: str) -> bool:
    return bool(IMAGE_MODEL_NAME_RE.search(name))
