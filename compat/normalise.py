"""Normalise and compare what two runs sent and printed (used by ``verify``).

A recorded request (an emulator journal entry) becomes a flat mapping of
field paths to values, e.g. ``{"method": "POST", "path": "/v1/chat/completions",
"body.max_tokens": 300, "body.messages.0.role": "user", ...}``. Flat, so key
order cannot matter; values pass through ``canonical`` so ``300.0`` equals
``300``; headers are never part of it. Runs are compared as multisets of
these, so the order of concurrent requests cannot matter either.

Noise (Diffy's idea): fields that differ between two runs of the *same*
code are masked before the real comparison, and so are stdout lines that
differed between them.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import parse_qsl

from .emulator_content import canonical, canonical_json

MISSING = "<absent>"
NOISE = "<noise>"
LEGACY_PATH_RE = re.compile(r"^/models(/.*)?$")  # the retired native endpoints

Flat = dict[str, Any]


def is_legacy_call(entry: Mapping[str, Any]) -> bool:
    return bool(LEGACY_PATH_RE.match(_path(entry)))


def _path(entry: Mapping[str, Any]) -> str:
    path = str(entry.get("path", ""))
    return path.rstrip("/") or "/"


def flatten(value: Any, prefix: str = "") -> Flat:
    """``{"a": {"b": [1]}}`` -> ``{"a.b.0": 1}``; empty containers are kept as leaves."""
    if isinstance(value, Mapping) and value:
        out: Flat = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, (list, tuple)) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix: canonical(value)}


def normalise_request(entry: Mapping[str, Any]) -> Flat:
    """A journal entry -> a flat, canonical description of the request."""
    flat: Flat = {"method": str(entry.get("method", "")).upper(), "path": _path(entry)}
    query = sorted(parse_qsl(str(entry.get("query") or ""), keep_blank_values=True))
    if query:
        flat.update(flatten({"query": dict(query)}))
    if entry.get("raw_body") is not None:
        flat["raw_body"] = entry["raw_body"]
    elif entry.get("body") is not None:
        flat.update(flatten({"body": entry["body"]}))
    return flat


def masked(flat: Flat, noise: Iterable[str]) -> Flat:
    noisy = set(noise)
    return {key: (NOISE if key in noisy else value) for key, value in flat.items()}


def key_of(flat: Flat) -> str:
    return canonical_json(flat)


@dataclass(frozen=True)
class FieldDifference:
    field: str
    before: Any
    after: Any


def field_differences(before: Flat, after: Flat) -> list[FieldDifference]:
    return [
        FieldDifference(name, before.get(name, MISSING), after.get(name, MISSING))
        for name in sorted(set(before) | set(after))
        if before.get(name, MISSING) != after.get(name, MISSING)
    ]


def _same_endpoint(a: Flat, b: Flat) -> bool:
    return a["method"] == b["method"] and a["path"] == b["path"]


def pair_up(before: Sequence[Flat], after: Sequence[Flat]) -> tuple[list[tuple[Flat, Flat]], list[Flat], list[Flat]]:
    """Greedy pairing by fewest differing fields, same endpoint only.

    Returns (pairs, unpaired before, unpaired after).
    """
    remaining = list(after)
    pairs, lonely = [], []
    for item in before:
        candidates = [(len(field_differences(item, other)), index) for index, other in enumerate(remaining)
                      if _same_endpoint(item, other)]
        if not candidates:
            lonely.append(item)
            continue
        _, best = min(candidates)
        pairs.append((item, remaining.pop(best)))
    return pairs, lonely, remaining


def _multiset_minus(a: Sequence[Flat], b: Sequence[Flat]) -> list[Flat]:
    left = Counter(key_of(x) for x in b)
    out = []
    for item in a:
        key = key_of(item)
        if left[key]:
            left[key] -= 1
        else:
            out.append(item)
    return out


@dataclass
class RequestComparison:
    matched: int = 0
    pairs: list[tuple[Flat, Flat, list[FieldDifference]]] = field(default_factory=list)
    only_before: list[Flat] = field(default_factory=list)
    only_after: list[Flat] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (self.pairs or self.only_before or self.only_after)


def compare_requests(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]],
                     noise: Iterable[str] = ()) -> RequestComparison:
    """Compare two runs' requests as multisets, after masking ``noise``."""
    noise = set(noise)
    a = [masked(normalise_request(e), noise) for e in before]
    b = [masked(normalise_request(e), noise) for e in after]
    rest_a, rest_b = _multiset_minus(a, b), _multiset_minus(b, a)
    pairs, lonely_a, lonely_b = pair_up(rest_a, rest_b)
    return RequestComparison(
        matched=len(a) - len(rest_a),
        pairs=[(x, y, field_differences(x, y)) for x, y in pairs],
        only_before=lonely_a,
        only_after=lonely_b,
    )


def request_noise(first: Sequence[Mapping[str, Any]], second: Sequence[Mapping[str, Any]]) -> set[str]:
    """Field paths that differ between two runs of the same code."""
    pairs = compare_requests(first, second).pairs
    return {d.field for _, _, fields in pairs for d in fields} - {"method", "path"}


# --- output -----------------------------------------------------------------


def output_lines(text: str) -> list[str]:
    """Line endings and trailing blanks do not count."""
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")] if text else []


def _changed_lines(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int, int]]:
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
            if tag != "equal"]


def _touched(i1: int, i2: int) -> set[int]:
    """The lines of the first text a change block covers (an insertion marks the line it precedes)."""
    return set(range(i1, i2)) if i2 > i1 else {i1}


def output_noise(first: str, second: str) -> set[int]:
    """Line numbers of ``first`` that changed in ``second``."""
    noisy: set[int] = set()
    for i1, i2, _, _ in _changed_lines(output_lines(first), output_lines(second)):
        noisy |= _touched(i1, i2)
    return noisy


def compare_output(before: str, after: str, noise: Iterable[int] = ()) -> list[str]:
    """A unified diff of the two outputs, empty when they agree outside ``noise`` lines of ``before``."""
    a, b = output_lines(before), output_lines(after)
    noisy = set(noise)
    real = [block for block in _changed_lines(a, b) if not _touched(block[0], block[1]) <= noisy]
    if not real:
        return []
    return list(difflib.unified_diff(a, b, "before", "after", lineterm=""))
