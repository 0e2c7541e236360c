"""What a legacy signal looks like, as plain predicates over text and dict keys.

One definition for both walkers: the project phase reads modules with the
stdlib parser (:mod:`.facts`), the file phase with libcst (:mod:`.signals`);
each turns its nodes into strings and key lists and asks these functions.
Stdlib only: the engine's parent process imports this.

A *strong* signal is legacy on its own (the legacy host with a retired path,
a legacy request body, a known legacy model id). A *weak* one (a
``/predictions`` path piece, a legacy answer key) is common elsewhere
(Replicate, web routes, JSON schemas), so it counts only in a module that is
tied to IONOS: it names IONOS, holds a strong signal, or imports or is
imported by such a module (:mod:`.project`).
"""

from __future__ import annotations

import re
from typing import Iterable, Literal, Sequence

from ionos_migrate.compat.rules import LEGACY_HOST, OPENAI_HOST  # noqa: F401 (LEGACY_HOST: for callers)

DYNAMIC = "\x00"  # stands for a piece known only at run time (an f-string expression)
GENERATED_TABLE = "IONOS_LEGACY_MODELS"  # the model table the codemods generate: its keys are no signal
GENERATED_BASE = "ionos_openai_base"  # the helper that translates a legacy base URL read at run time

Strength = Literal["strong", "weak", "host"]

_IONOS = re.compile(r"(?<![A-Za-z])(?:ionos|IONOS|Ionos)(?![a-z])")
_IONOS_BYTES = re.compile(rb"(?<![A-Za-z])(?:ionos|IONOS|Ionos)(?![a-z])")
_HOST = re.compile(r"(?<![\w.-])(?:https?://)?" + re.escape(LEGACY_HOST) + r"(?![\w.-])(?P<path>[^\s\"'`<>]*)")
_FOREIGN_HOST = re.compile(r"://(?!" + re.escape(LEGACY_HOST) + r"(?![\w.-]))[\w.-]+")
_PREDICTIONS_PIECE = re.compile(r"/predictions(?:/|\?|\x00|$)")
UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

BODY_KEYS = frozenset({"input", "options", "option", "collectionId", "collectionQuery"})
TOKEN_KEYS = frozenset({"inputTokens", "outputTokens"})


def mentions_ionos(text: str) -> bool:
    """``IONOS_API_URL``, ``IonosClient``, ``provider="ionos"``; not ``functionos``."""
    return _IONOS.search(text) is not None


def mentions_ionos_bytes(data: bytes) -> bool:
    return _IONOS_BYTES.search(data) is not None


def legacy_url_kind(text: str) -> str | None:
    """What a string holding the legacy host points at: ``predictions``, ``models``, ``other``.

    None for the still-live ``/collections`` API, the bare host (a base for
    collections as often as for predictions: what it becomes is judged where
    the path is added), and the new host ``openai.inference...``.
    """
    for match in _HOST.finditer(text):
        start = match.start()
        if text[max(0, start - 7):start].endswith("openai."):
            continue
        path = match["path"]
        if not path.startswith("/") or path.rstrip("/") == "":
            continue
        if path.startswith("/collections"):
            continue
        if _PREDICTIONS_PIECE.search(path):
            return "predictions"
        if path.rstrip("/") == "/models" or path.startswith("/models/"):
            return "models"
        return "other"
    return None


def is_legacy_host(text: str) -> bool:
    """The legacy host alone (``https://inference.de-txl.ionos.com``, a trailing slash at most): a base that
    is legacy only where a retired path is added to it (collections there are still live)."""
    match = _HOST.fullmatch(text.strip())
    return match is not None and match["path"].strip("/") == "" and not text.strip().startswith("openai.")


def is_predictions_piece(text: str) -> bool:
    """A path piece ending in ``/predictions`` with no other vendor's host in it (Replicate, DataRobot)."""
    return _PREDICTIONS_PIECE.search(text) is not None and _FOREIGN_HOST.search(text) is None


class Expr:
    """A dict value that is no literal: a name, a call, an f-string."""

    def __repr__(self) -> str:
        return "Expr"


EXPR = Expr()
# A dict literal as the walkers see it: literal keys -> a nested shape, the text of a
# string literal, or EXPR.
Shape = dict


def is_legacy_body(shape: Shape) -> bool:
    """A legacy request body: ``{"properties": {"input": ..., ...}}``, ``"type": "prediction"`` optional.

    A JSON schema's ``"properties"`` holds dicts (``{"input": {"type": "string"}}``),
    so the inner ``input`` must not be a dict, and no key but ``type`` may sit beside it.
    """
    props = shape.get("properties")
    if not isinstance(props, dict) or set(shape) - {"type", "properties", "option", "options"}:
        return False
    if "type" in shape and shape["type"] != "prediction":
        return False
    return "input" in props and not isinstance(props["input"], dict) and set(props) <= BODY_KEYS


def is_inner_body(shape: Shape) -> bool:
    """The ``properties`` dict built on its own: ``{"input": q, "options": {...}}``."""
    if "input" not in shape or isinstance(shape["input"], dict) or not set(shape) <= BODY_KEYS:
        return False
    return len(set(shape) & (BODY_KEYS - {"input"})) > 0


def answer_read(keys: Sequence[str]) -> str | None:
    """A legacy answer read in a chain of keys (``["properties"]["output"]``): what it reads, else None."""
    for first, second in zip(keys, keys[1:]):
        if first == "properties" and second in ("output", "input"):
            return f"properties.{second}"
        if first == "metadata" and second in TOKEN_KEYS:
            return f"metadata.{second}"
    for key in keys:
        if key in TOKEN_KEYS:
            return key
    return None


def models_list_read(keys: Sequence[str]) -> bool:
    """``item["properties"]["name"]``: a models-list item's name (also a collection document's: the caller
    checks that the function reads ``items`` and names no ``/collections``)."""
    return any(a == "properties" and b == "name" for a, b in zip(keys, keys[1:]))


ANSWER_KEYS = frozenset({"properties", "output", "metadata", *TOKEN_KEYS})


def legacy_model_ids(entries: Iterable[str], hints: Iterable[str]) -> frozenset[str]:
    """The ids the model map knows (bundled, project, --model-map) and the ids it only has hints for."""
    return frozenset(i.lower() for i in (*entries, *hints) if UUID_TEXT.match(i))


def is_new_host(text: str) -> bool:
    return OPENAI_HOST in text
