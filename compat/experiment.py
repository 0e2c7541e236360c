"""Shadow the new code path in production, Scientist-style.

    from ionos_migrate.compat import Experiment

    experiment = Experiment("summarise", percent=10)
    experiment.control(lambda: old_summarise(text))   # the legacy path: its result is returned
    experiment.candidate(lambda: new_summarise(text)) # the migrated path: only observed
    summary = experiment.run()

``run()`` always returns the control's result (or raises the control's own
exception). In ``percent`` of the runs it also runs the candidate, in a
worker thread started before the control so the two overlap, and waits for
it at most ``timeout`` seconds from its start. The two results are compared
(default: equal as normalised text) and a mismatch, a candidate exception or
a timeout is handed to the publisher (default: JSON lines in a size-bounded
file). Nothing the candidate, the comparator or the publisher raises ever
reaches the caller. Functions are synchronous; a candidate that overruns
keeps its worker thread until it returns (Python cannot kill a thread), and
the pool of such threads is bounded; a candidate still queued for a thread
when its time is up is dropped, never run late.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Generic, Mapping, Optional, Protocol, TypeVar

from .emulator_content import canonical
from .redact import redact

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
DEFAULT_LOG_ENV = "IONOS_MIGRATE_EXPERIMENT_LOG"
DEFAULT_LOG_NAME = "ionos-migrate-experiments.jsonl"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
VALUE_LIMIT = 2000  # characters of a value kept in a published record
CANDIDATE_WORKERS = 8


# --- observations -------------------------------------------------------------


@dataclass
class Observation:
    """What one side did: its value or its exception, and how long it took."""

    value: Any = None
    exception: Optional[BaseException] = None
    duration: float = 0.0
    timed_out: bool = False

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

    @property
    def outcome(self) -> str:
        if self.candidate.timed_out:
            return "timeout"
        if self.comparator_error is not None:
            return "comparator_error"
        if self.candidate.exception is not None and self.control.exception is None:
            return "candidate_error"
        return "match" if self.matched else "mismatch"

    def to_json(self) -> dict[str, Any]:
        out = {"experiment": self.name, "at": self.at, "outcome": self.outcome, "matched": self.matched,
               "control": self.control.to_json(), "candidate": self.candidate.to_json()}
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


# --- the experiment ------------------------------------------------------------------

_pool: Optional[ThreadPoolExecutor] = None
_pool_lock = threading.Lock()


def _candidate_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=CANDIDATE_WORKERS, thread_name_prefix="ionos-migrate-candidate")
        return _pool


def _observe(fn: Callable[[], Any]) -> Observation:
    started = time.perf_counter()
    try:
        value = fn()
    except BaseException as exc:  # noqa: BLE001 - observed, re-raised for the control by run()
        return Observation(exception=exc, duration=time.perf_counter() - started)
    return Observation(value=value, duration=time.perf_counter() - started)


@dataclass
class Stats:
    runs: int = 0
    sampled: int = 0
    matches: int = 0
    mismatches: int = 0  # every published result: mismatch, candidate error, timeout, comparator error
    publish_errors: int = 0


class Experiment(Generic[T]):
    """A control (trusted, returned) and a candidate (observed), compared on a sample of calls."""

    def __init__(
        self,
        name: str,
        *,
        percent: float = 100.0,
        timeout: float = DEFAULT_TIMEOUT,
        comparator: Callable[[Any, Any], bool] = text_equal,
        publisher: Optional[Publisher] = None,
        context: Optional[Mapping[str, Any]] = None,
        rng: Optional[random.Random] = None,
    ):
        if not 0 <= percent <= 100:
            raise ValueError(f"percent must be between 0 and 100, not {percent}")
        if timeout <= 0:
            raise ValueError(f"timeout must be more than 0 seconds, not {timeout}")
        self.name = name
        self.percent = percent
        self.timeout = timeout
        self.comparator = comparator
        self.publisher: Publisher = publisher if publisher is not None else JsonLinesPublisher()
        self.context = dict(context or {})
        self.stats = Stats()
        self._rng = rng or random.Random()
        self._lock = threading.Lock()  # stats and the RNG are shared by concurrent run() calls
        self._control: Optional[Callable[[], T]] = None
        self._candidate: Optional[Callable[[], Any]] = None

    def control(self, fn: Callable[[], T]) -> Callable[[], T]:
        """Set the control (usable as a decorator)."""
        self._control = fn
        return fn

    def candidate(self, fn: Callable[[], Any]) -> Callable[[], Any]:
        """Set the candidate (usable as a decorator)."""
        self._candidate = fn
        return fn

    def sampled(self) -> bool:
        with self._lock:
            return self.percent >= 100 or self._rng.random() * 100 < self.percent

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)

    def run(self) -> T:
        """The control's result, always; the candidate only observed."""
        if self._control is None:
            raise ValueError(f"experiment {self.name!r}: no control set")
        self._count("runs")
        if self._candidate is None or not self.sampled():
            return self._control()
        self._count("sampled")
        pending = self._start_candidate(self._candidate)
        control = _observe(self._control)
        result = self._compare(control, self._wait(pending))
        if result is not None:
            self._publish(result)
        if control.exception is not None:
            raise control.exception
        return control.value

    # --- the steps, each unable to hurt the caller ---------------------------------------

    def _start_candidate(self, fn: Callable[[], Any]) -> Optional[tuple[Future, float]]:
        try:
            return _candidate_pool().submit(_observe, fn), time.perf_counter()
        except Exception:  # noqa: BLE001 - e.g. the pool is shut down at interpreter exit
            return None

    def _wait(self, pending: Optional[tuple[Future, float]]) -> Observation:
        if pending is None:
            return Observation(exception=RuntimeError("candidate could not be started"))
        future, started = pending
        try:
            return future.result(timeout=max(0.0, self.timeout - (time.perf_counter() - started)))
        except FutureTimeout:
            future.cancel()  # still queued behind hung candidates: it must not run after its caller moved on
            return Observation(duration=self.timeout, timed_out=True)
        except Exception as exc:  # noqa: BLE001
            return Observation(exception=exc)

    def _compare(self, control: Observation, candidate: Observation) -> Optional[ExperimentResult]:
        result = ExperimentResult(self.name, False, control, candidate, self.context)
        if candidate.timed_out:
            pass
        elif control.exception is not None or candidate.exception is not None:
            result.matched = _same_exception(control.exception, candidate.exception)
        else:
            try:
                result.matched = bool(self.comparator(control.value, candidate.value))
            except Exception as exc:  # noqa: BLE001
                result.comparator_error = f"{type(exc).__name__}: {exc}"
        if result.matched:
            self._count("matches")
            return None
        self._count("mismatches")
        return result

    def _publish(self, result: ExperimentResult) -> None:
        try:
            self.publisher.publish(result)
        except Exception:  # noqa: BLE001 - a broken publisher must not break the caller
            self._count("publish_errors")


def _same_exception(a: Optional[BaseException], b: Optional[BaseException]) -> bool:
    if a is None or b is None:
        return False
    return type(a) is type(b) and str(a) == str(b)
