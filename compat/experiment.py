"""Shadow the new code path in production, Scientist-style.

    from ionos_migrate.compat import Experiment

    experiment = Experiment("summarise", percent=10, replay=True)
    experiment.control(lambda: old_summarise(text))   # the legacy path: its result is returned
    experiment.candidate(lambda: new_summarise(text)) # the migrated path: only observed
    summary = experiment.run()                        # or: await experiment.arun() with coroutine functions

``run()`` always returns the control's result (or raises the control's own
exception). In ``percent`` of the runs it also runs the candidate, and
nothing the candidate, the comparator or the publisher raises ever reaches
the caller. Two modes:

- **live** (the default, for deterministic code): the candidate runs at the
  same time as the control, in a worker thread started first, against the
  real services; ``run()`` waits for it at most ``timeout`` seconds from its
  start. A candidate still queued for a thread when its time is up is
  dropped, never run late.
- **replay** (``replay=True``, for a paid, non-deterministic upstream such as
  an LLM): the control runs live while every HTTP exchange it causes is
  recorded in its own context (tap.py); then the candidate runs in the
  background with all its HTTP answered from that recording, so nothing it
  sends reaches the network. What the two sent is compared request by
  request, then their results, which are comparable now that both saw the
  same answers. The caller gets the control's result as soon as it exists.

``arun()`` does the same for coroutine functions; there the candidate never
holds the caller up in either mode (it runs as a task; comparing and
publishing happen when it ends). A mismatch, a candidate exception or a
timeout is handed to the publisher (default: JSON lines in a size-bounded
file), with each difference named (``request 1 body.max_tokens: 120 != 12``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
import random
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Generic, Mapping, Optional, TypeVar

from .experiment_records import (  # noqa: F401 - re-exported: the public names of experiments
    DEFAULT_LOG_ENV,
    DEFAULT_LOG_NAME,
    DEFAULT_MAX_BYTES,
    VALUE_LIMIT,
    ExperimentResult,
    JsonLinesPublisher,
    Observation,
    Publisher,
    default_log_path,
    describe,
    normalised_text,
    text_equal,
)

if TYPE_CHECKING:
    from .replay import Recording, Replay

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
CANDIDATE_WORKERS = 8


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


async def _aobserve(fn: Callable[[], Any]) -> Observation:
    """Call ``fn`` and await what it returns if that is awaitable (a coroutine function, or a lambda around one)."""
    started = time.perf_counter()
    try:
        value = fn()
        if inspect.isawaitable(value):
            value = await value
    except asyncio.CancelledError:
        raise  # a cancelled caller or a timed-out candidate: not an outcome of the function
    except BaseException as exc:  # noqa: BLE001 - observed, re-raised for the control by arun()
        return Observation(exception=exc, duration=time.perf_counter() - started)
    return Observation(value=value, duration=time.perf_counter() - started)


def _inside_a_tap() -> bool:
    """True within another replayed experiment's control or candidate: that one owns this context's HTTP."""
    tap = sys.modules.get("ionos_migrate.compat.tap")
    return tap is not None and tap.current() is not None


@dataclass
class Stats:
    runs: int = 0
    sampled: int = 0
    matches: int = 0
    mismatches: int = 0  # every published result; the fields below say which kind
    request_mismatches: int = 0  # replay: the candidate sent something other than the control did
    result_mismatches: int = 0  # the two results differ
    candidate_errors: int = 0  # the candidate raised, the control did not
    timeouts: int = 0
    comparator_errors: int = 0
    publish_errors: int = 0
    skipped: int = 0  # replay: not replayed (inside another replayed experiment, or a recording too large)


_OUTCOME_COUNTERS = {"request_mismatch": "request_mismatches", "mismatch": "result_mismatches",
                     "candidate_error": "candidate_errors", "timeout": "timeouts",
                     "comparator_error": "comparator_errors"}


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
        replay: bool = False,
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
        self.replay = replay
        self.stats = Stats()
        self._rng = rng or random.Random()
        self._lock = threading.Lock()  # stats, the RNG and the pending sets are shared by concurrent runs
        self._control: Optional[Callable[[], T]] = None
        self._candidate: Optional[Callable[[], Any]] = None
        self._pending: set[Future] = set()  # background candidates (threads)
        self._tasks: set[asyncio.Task] = set()  # background candidates and comparisons (arun)
        if replay:
            from . import tap

            tap.enable()

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

    def _shadowed(self) -> bool:
        """Count the run; True when this run also observes the candidate."""
        if self._control is None:
            raise ValueError(f"experiment {self.name!r}: no control set")
        self._count("runs")
        if self._candidate is None or not self.sampled():
            return False
        if _inside_a_tap():
            self._count("skipped")
            return False
        self._count("sampled")
        return True

    # --- synchronous -----------------------------------------------------------------

    def run(self) -> T:
        """The control's result, always; the candidate only observed."""
        if inspect.iscoroutinefunction(self._control) or inspect.iscoroutinefunction(self._candidate):
            raise TypeError(f"experiment {self.name!r}: coroutine functions need `await experiment.arun()`")
        if not self._shadowed():
            return self._control()  # type: ignore[misc]
        control_fn, candidate_fn = self._control, self._candidate
        if self.replay:
            recording, control = self._record(control_fn)
            self._replay_in_thread(recording, control, candidate_fn)
            return control.result()
        pending = self._start_candidate(candidate_fn)
        control = _observe(control_fn)
        self._finish(control, self._wait(pending))
        return control.result()

    def join(self, timeout: Optional[float] = None) -> bool:
        """Wait for the candidates ``run()`` left running in the background (replay mode); True if none is left."""
        with self._lock:
            pending = list(self._pending)
        done, not_done = concurrent.futures.wait(pending, timeout=timeout)
        return not not_done

    def _record(self, control_fn: Callable[[], Any]) -> tuple["Recording", Observation]:
        from . import tap
        from .replay import Recording

        recording = Recording()
        token = tap.enter(recording)
        try:
            control = _observe(control_fn)
        finally:
            tap.reset(token)
        recording.close()
        return recording, control

    def _replay_in_thread(self, recording: "Recording", control: Observation, candidate_fn: Callable[[], Any]) -> None:
        if recording.overflowed:
            self._count("skipped")
            return
        context = contextvars.copy_context()  # the caller's context, without the recording: the candidate's own
        try:
            future = _candidate_pool().submit(context.run, self._replay_sync, recording, control, candidate_fn,
                                              time.perf_counter())
        except Exception:  # noqa: BLE001 - e.g. the pool is shut down at interpreter exit
            self._finish(control, Observation(exception=RuntimeError("candidate could not be started")))
            return
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def _replay_sync(self, recording: "Recording", control: Observation, candidate_fn: Callable[[], Any],
                     submitted: float) -> None:
        from . import tap
        from .replay import Replay

        replay = Replay(recording)
        if time.perf_counter() - submitted > self.timeout:  # queued behind hung candidates: never run late
            self._finish(control, Observation(duration=self.timeout, timed_out=True), replay)
            return
        tap.enter(replay)  # in this run's own copy of the context
        candidate = _observe(candidate_fn)
        if candidate.duration > self.timeout:
            candidate = Observation(duration=candidate.duration, timed_out=True)
        self._finish(control, candidate, replay)

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

    # --- asynchronous ----------------------------------------------------------------

    async def arun(self) -> T:
        """``run()`` for coroutine functions (or functions returning awaitables). The candidate runs as a
        task and never holds the caller up; comparing and publishing happen when it ends."""
        if not self._shadowed():
            value = self._control()  # type: ignore[misc]
            return await value if inspect.isawaitable(value) else value
        control_fn, candidate_fn = self._control, self._candidate
        if self.replay:
            from . import tap
            from .replay import Recording

            recording = Recording()
            token = tap.enter(recording)
            try:
                control = await _aobserve(control_fn)  # type: ignore[arg-type]
            finally:
                tap.reset(token)
            recording.close()
            if recording.overflowed:
                self._count("skipped")
            else:
                self._spawn(self._replay_async(recording, control, candidate_fn))  # type: ignore[arg-type]
            return control.result()
        started = time.perf_counter()
        candidate_task = self._spawn(_aobserve(candidate_fn))  # type: ignore[arg-type]
        try:
            control = await _aobserve(control_fn)  # type: ignore[arg-type]
        except asyncio.CancelledError:
            candidate_task.cancel()  # the caller is gone: nothing to compare with
            raise
        self._spawn(self._finish_live_async(control, candidate_task, started))
        return control.result()

    async def ajoin(self) -> None:
        """Wait for the candidates and comparisons ``arun()`` left running in this event loop."""
        loop = asyncio.get_running_loop()
        while True:
            with self._lock:
                mine = [task for task in self._tasks if task.get_loop() is loop and not task.done()]
            if not mine:
                return
            await asyncio.gather(*mine, return_exceptions=True)

    def _spawn(self, coroutine: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)  # a task copies the current context: the caller's, untapped
        with self._lock:
            self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _replay_async(self, recording: "Recording", control: Observation,
                            candidate_fn: Callable[[], Any]) -> None:
        from . import tap
        from .replay import Replay

        replay = Replay(recording)
        tap.enter(replay)  # this task's own context
        try:
            candidate = await asyncio.wait_for(_aobserve(candidate_fn), self.timeout)
        except asyncio.TimeoutError:
            candidate = Observation(duration=self.timeout, timed_out=True)
        self._finish(control, candidate, replay)

    async def _finish_live_async(self, control: Observation, candidate_task: asyncio.Task, started: float) -> None:
        remaining = max(0.0, self.timeout - (time.perf_counter() - started))
        done, _ = await asyncio.wait({candidate_task}, timeout=remaining)
        if not done:
            candidate_task.cancel()
            candidate = Observation(duration=self.timeout, timed_out=True)
        else:
            try:
                candidate = candidate_task.result()
            except BaseException as exc:  # noqa: BLE001 - cancelled from outside
                candidate = Observation(exception=exc)
        self._finish(control, candidate)

    # --- comparing and publishing, unable to hurt the caller --------------------------

    def _finish(self, control: Observation, candidate: Observation, replay: "Optional[Replay]" = None) -> None:
        try:
            result = self._compare(control, candidate, replay)
        except Exception as exc:  # noqa: BLE001 - a bug here must not reach a caller or kill a worker
            result = ExperimentResult(self.name, False, control, candidate, self.context,
                                      comparator_error=f"ionos-migrate: {type(exc).__name__}: {exc}")
        self._count("matches" if result.matched else "mismatches")
        if result.matched:
            return
        self._count(_OUTCOME_COUNTERS[result.outcome])
        self._publish(result)

    def _compare(self, control: Observation, candidate: Observation, replay: "Optional[Replay]") -> ExperimentResult:
        result = ExperimentResult(self.name, False, control, candidate, self.context,
                                  mode="replay" if self.replay else "live")
        if candidate.timed_out:
            return result
        if replay is not None:
            from .replay import request_differences

            result.differences = request_differences(replay)
            result.request_mismatch = bool(result.differences)
            result.refused = bool(replay.extra)
            result.requests = (len(replay.recording.exchanges), len(replay.sent))
        if control.exception is not None or candidate.exception is not None:
            same = _same_exception(control.exception, candidate.exception)
        else:
            try:
                same = bool(self.comparator(control.value, candidate.value))
            except Exception as exc:  # noqa: BLE001
                result.comparator_error = f"{type(exc).__name__}: {exc}"
                return result
        if not same:
            from .replay import show

            control_shown, candidate_shown = (show(side.exception if side.exception is not None else side.value)
                                              for side in (control, candidate))
            result.differences.append(f"result: {control_shown} != {candidate_shown}")
        result.matched = same and not result.request_mismatch
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
