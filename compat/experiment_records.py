"""What an experiment observed, how results are compared by default, and where mismatches go.

Split from ``experiment.py`` (which runs the two paths); everything here is
re-exported there.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Protocol

from .emulator_content import canonical
from .redact import redact

DEFAULT_LOG_ENV = "IONOS_MIGRATE_EXPERIMENT_LOG"
DEFAULT_LOG_NAME = "ionos-migrate-experiments.jsonl"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
VALUE_LIMIT = 2000  # characters of a value kept in a published record


# --- observations -------------------------------------------------------------


@dataclass
class Observation:
    """What one side did: its value or its exception, and how long it took."""

    value: Any = None
    exception: Optional[BaseException] = None
    duration: float = 0.0
    timed_out: bool = False

    def result(self) -> Any:
        """The value, or the exception raised again."""
        if self.exception is not None:
            raise self.exception
        return self.value

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"duration": round(self.duration, 6)}
        if self.timed_out:
            out["timed_out"] = True
        elif self.exception is not None:
            out["exception"] = redact(f"{type(self.exception).__name__}: {self.exception}")[:VALUE_LIMIT]
        else:
            out["value"] = redact(describe(self.value))[:VALUE_LIMIT]
        return out


@dataclass
class ExperimentResult:
    name: str
    matched: bool
    control: Observation
    candidate: Observation
    context: dict[str, Any] = field(default_factory=dict)
    comparator_error: Optional[str] = None
    at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    mode: str = "live"  # or "replay"
    differences: list[str] = field(default_factory=list)  # "request 1 body.max_tokens: 120 != 12", "result: ..."
    request_mismatch: bool = False  # replay: the candidate sent something other than the control did
    refused: bool = False  # replay: the candidate sent a request the control never sent, and got an error answer
    requests: Optional[tuple[int, int]] = None  # replay: (sent by the control, sent by the candidate)

    @property
    def outcome(self) -> str:
        """``timeout``, ``candidate_error``, ``request_mismatch`` (replay), ``comparator_error``, ``mismatch``
        or ``match``. A candidate that raised after the replay refused it an answer is a request mismatch."""
        if self.candidate.timed_out:
            return "timeout"
        if self.candidate.exception is not None and self.control.exception is None and not self.refused:
            return "candidate_error"
        if self.request_mismatch:
            return "request_mismatch"
        if self.comparator_error is not None:
            return "comparator_error"
        if self.candidate.exception is not None and self.control.exception is None:
            return "candidate_error"
        return "match" if self.matched else "mismatch"

    def to_json(self) -> dict[str, Any]:
        out = {"experiment": self.name, "at": self.at, "mode": self.mode, "outcome": self.outcome,
               "matched": self.matched, "control": self.control.to_json(), "candidate": self.candidate.to_json()}
        if self.differences:
            out["differences"] = [redact(line)[:VALUE_LIMIT] for line in self.differences]
        if self.requests is not None:
            out["requests"] = {"control": self.requests[0], "candidate": self.requests[1]}
        if self.context:
            out["context"] = {k: redact(describe(v))[:VALUE_LIMIT] for k, v in self.context.items()}
        if self.comparator_error is not None:
            out["comparator_error"] = redact(self.comparator_error)[:VALUE_LIMIT]
        return out


# --- comparing ---------------------------------------------------------------------


def describe(value: Any) -> str:
    """Text for a value: strings as they are, JSON-able values as canonical JSON, else repr."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    try:
        return json.dumps(canonical(value), sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def normalised_text(value: Any) -> str:
    """Whitespace runs collapsed and ends trimmed, on :func:`describe` of the value."""
    return " ".join(describe(value).split())


def text_equal(control: Any, candidate: Any) -> bool:
    """The default comparator: equal as normalised text."""
    return normalised_text(control) == normalised_text(candidate)


# --- publishing ----------------------------------------------------------------


class Publisher(Protocol):
    def publish(self, result: ExperimentResult) -> None: ...


def default_log_path() -> Path:
    configured = os.environ.get(DEFAULT_LOG_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / DEFAULT_LOG_NAME


class JsonLinesPublisher:
    """One JSON object per line; past ``max_bytes`` the file moves to ``<name>.1`` (one backup kept)."""

    def __init__(self, path: Optional[os.PathLike[str] | str] = None, *, max_bytes: int = DEFAULT_MAX_BYTES):
        self.path = Path(path) if path is not None else default_log_path()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def publish(self, result: ExperimentResult) -> None:
        line = json.dumps(result.to_json(), ensure_ascii=False) + "\n"
        with self._lock:
            self._rotate_if_full(len(line.encode("utf-8")))
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line)

    def _rotate_if_full(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size + incoming > self.max_bytes:
            os.replace(self.path, self.path.with_name(self.path.name + ".1"))
