"""What the offline emulator answers: pure, documented functions of a request.

Every answer starts from :func:`request_digest`, a SHA-256 of the endpoint
and the request as the server understood it (keys sorted, ``300.0`` written
as ``300``, transport-only fields such as ``stream`` left out). So two
equivalent requests get the same answer, byte for byte, and requests that
differ in any field (model, messages, max_tokens, temperature, top_p,
prompt, size, ...) get different answers. Nothing depends on the clock.

- Text: words picked from :data:`WORDS` by the digest. Its natural length
  is 24 to 63 words; ``max_tokens`` (one word = one token; default 16, as in
  the API spec) cuts it short, and then ``finish_reason`` is ``"length"``.
- ``id``: ``chatcmpl-emu-``/``cmpl-emu-`` + 24 hex digits of the digest;
  ``created``: :data:`EPOCH` + (digest mod one year).
- Embeddings: :data:`EMBEDDING_DIMENSIONS` floats (or ``dimensions``), unit
  length, from SHA-256 of (model, dimensions, text).
- Images: an 8x8 PNG whose pixels come from the digest, with the requested
  size in a ``tEXt`` chunk (a real PNG, small on the wire).
- Collections: seeded documents, or for any other id :data:`DERIVED_DOCUMENTS`
  documents derived from the id; ranked by word overlap with the query,
  ties broken by document id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import struct
import zlib
from typing import Any, Iterable, Mapping, Sequence

EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z
YEAR_SECONDS = 365 * 24 * 3600
DEFAULT_MAX_TOKENS = 16  # the API spec's default
EMBEDDING_DIMENSIONS = 32
DERIVED_DOCUMENTS = 3
TRANSPORT_FIELDS = frozenset({"stream", "stream_options"})

WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa "
    "quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basalt cedar dune ember fjord "
    "glacier harbor island jade kelp lagoon meadow nectar orchid pebble quartz river summit tundra umber "
    "valley willow yarrow zephyr"
).split()

DEFAULT_MODELS = (
    "meta-llama/Llama-3.3-70B-Instruct",
    "meta-llama/Meta-Llama-3.1-8B-Instruct",
    "meta-llama/Meta-Llama-3.1-405B-Instruct-FP8",
    "mistralai/Mistral-Nemo-Instruct-2407",
    "BAAI/bge-m3",
    "black-forest-labs/FLUX.1-schnell",
)


# --- canonical form and digest ----------------------------------------------


def canonical(value: Any) -> Any:
    """JSON value with integral floats as ints (``300.0`` -> ``300``), recursively."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_digest(endpoint: str, body: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the endpoint and the body without transport-only fields."""
    meaningful = {k: v for k, v in body.items() if k not in TRANSPORT_FIELDS and v is not None}
    return hashlib.sha256(f"{endpoint}\n{canonical_json(meaningful)}".encode()).hexdigest()


def _stream_of_ints(seed: str) -> Iterable[int]:
    """An endless deterministic stream of 32-bit integers from ``seed``."""
    counter = 0
    while True:
        block = hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        yield from struct.unpack(">8I", block)
        counter += 1


def created_at(digest: str) -> int:
    return EPOCH + int(digest[:8], 16) % YEAR_SECONDS


def response_id(prefix: str, digest: str) -> str:
    return f"{prefix}-emu-{digest[:24]}"


# --- text -------------------------------------------------------------------


def natural_length(digest: str) -> int:
    return 24 + int(digest[8:10], 16) % 40


def generate_words(digest: str, max_tokens: int | None) -> tuple[list[str], str]:
    """The answer's words and its finish reason (``"stop"`` or ``"length"``)."""
    limit = DEFAULT_MAX_TOKENS if max_tokens is None else max(0, max_tokens)
    length = natural_length(digest)
    ints = _stream_of_ints(digest)
    words = [WORDS[next(ints) % len(WORDS)] for _ in range(min(length, limit))]
    return words, "length" if limit < length else "stop"


def answer_text(words: Sequence[str]) -> str:
    if not words:
        return ""
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def count_tokens(text: str | None) -> int:
    """One token per whitespace-separated word: simple and documented."""
    return len(text.split()) if text else 0


def prompt_tokens(messages: Iterable[Mapping[str, Any]]) -> int:
    return sum(count_tokens(m.get("content") if isinstance(m.get("content"), str) else None) for m in messages)


def stream_pieces(text: str) -> list[str]:
    """Split an answer into SSE deltas that concatenate back to it exactly."""
    return re.findall(r"\S+\s*|\s+", text)


# --- embeddings ---------------------------------------------------------------


def embedding_vector(model: str, text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    ints = _stream_of_ints(canonical_json([model, dimensions, text]))
    raw = [(next(ints) / 0xFFFFFFFF) * 2 - 1 for _ in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    # float32-exact values, so the base64 and the float encodings agree.
    return [struct.unpack("<f", struct.pack("<f", x / norm))[0] for x in raw]


def embedding_base64(vector: Sequence[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


# --- images -------------------------------------------------------------------


def png_image(digest: str, size: str | None) -> bytes:
    """An 8x8 RGB PNG coloured by the digest, the requested size in a tEXt chunk."""
    side = 8
    ints = _stream_of_ints(digest)
    rows = b"".join(b"\x00" + bytes(next(ints) % 256 for _ in range(side * 3)) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    text = f"Comment\x00ionos-migrate emulator size={size or 'default'} digest={digest[:16]}".encode("latin-1")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", text)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


# --- collections --------------------------------------------------------------


def _uuid_shaped(hex_digest: str) -> str:
    """A document id in the UUID shape the legacy API uses, from 32 hex digits."""
    return f"{hex_digest[:8]}-{hex_digest[8:12]}-{hex_digest[12:16]}-{hex_digest[16:20]}-{hex_digest[20:32]}"


def derived_documents(collection_id: str) -> list[dict[str, str]]:
    """Documents for a collection nobody seeded: a function of its id."""
    docs = []
    for index in range(DERIVED_DOCUMENTS):
        seed = hashlib.sha256(f"{collection_id}:{index}".encode()).hexdigest()
        ints = _stream_of_ints(seed)
        words = " ".join(WORDS[next(ints) % len(WORDS)] for _ in range(12))
        docs.append({
            "id": _uuid_shaped(seed),
            "name": f"document-{index + 1}.txt",
            "text": f"Document {index + 1} of collection {collection_id}: {words}.",
        })
    return docs


def seeded_documents(collection_id: str, documents: Sequence[str | Mapping[str, Any]]) -> list[dict[str, str]]:
    """Seed documents given as plain texts or ``{"id", "name", "text"}`` tables."""
    out = []
    for index, doc in enumerate(documents):
        if isinstance(doc, str):
            doc = {"text": doc}
        seed = hashlib.sha256(f"{collection_id}:seed:{index}".encode()).hexdigest()
        out.append({
            "id": str(doc.get("id") or _uuid_shaped(seed)),
            "name": str(doc.get("name") or f"document-{index + 1}.txt"),
            "text": str(doc.get("text", doc.get("content", ""))),
        })
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def rank_documents(query: str, documents: Sequence[Mapping[str, str]], limit: int) -> list[dict[str, Any]]:
    """Matches in the legacy shape: best word overlap first, contents base64."""
    wanted = _words(query)
    scored = []
    for doc in documents:
        have = _words(doc["text"])
        score = len(wanted & have) / len(wanted | have) if wanted | have else 0.0
        scored.append((-round(score, 6), doc["id"], doc))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [
        {
            "score": -negative,
            "document": {
                "id": doc["id"],
                "properties": {
                    "name": doc["name"],
                    "content": base64.b64encode(doc["text"].encode("utf-8")).decode("ascii"),
                },
            },
        }
        for negative, _, doc in scored[: max(0, limit)]
    ]
