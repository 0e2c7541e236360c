"""``map`` over worker processes that survives a worker dying.

A worker can die on one item: libcst's native parser overflows the machine
stack on some pathological file (SIGSEGV), or the kernel kills a worker that
takes too much memory. ``concurrent.futures`` then fails every pending item
with ``BrokenProcessPool`` and the run would end with nothing reported.

Here each worker notes, in memory it shares with the parent, which item it
is working on. After a break, the items that were started and not finished
(at most one per worker) are each run again alone in a fresh process: one
that dies there too is the culprit and gets ``crashed(item, reason)``, the
others give their result. Items not finished yet go to a fresh pool. Each
break costs one pool start and a process per suspect; a run without a break
costs what ``ProcessPoolExecutor.map`` costs.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Crashed = Callable[[Any, str], Any]  # (item, why its process died) -> the result to use for it

IDLE = -1
CHUNK_MAX = 16  # items per task at most: results, and the progress bar, come steadily
_CALL_SHIFT = 32  # a slot holds call << 32 | item index: a stale value from an earlier map is not a suspect

# In a worker: its slot in the shared array, set by _start_worker.
_slots: Any = None
_slot = 0


class WorkerPool:
    """A process pool whose ``map`` yields every item's result, in order, even when workers die."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._context = multiprocessing.get_context()
        self._executor: ProcessPoolExecutor | None = None
        self._calls = 0

    def map(self, fn: Callable[[T], R], items: Sequence[T], *, crashed: Crashed) -> Iterator[R]:
        self._calls += 1
        call = self._calls
        results: dict[int, Any] = {}
        todo = list(range(len(items)))
        ready = 0  # results[:ready] have been yielded
        while todo:
            executor, slots = self._running()
            # Small chunks, so results (and the progress bar) come file by file, not in a few big steps.
            size = max(1, min(CHUNK_MAX, len(todo) // (self.jobs * 4)))
            futures = []
            try:  # a worker may die while the rest is still being submitted
                for start in range(0, len(todo), size):
                    chunk = [(i, items[i]) for i in todo[start:start + size]]
                    futures.append(executor.submit(_run_chunk, fn, call, chunk))
                for future in futures:
                    results.update(future.result())
                    while ready in results:
                        yield results[ready]
                        ready += 1
                todo = []
            except BrokenProcessPool:
                self._discard()  # every worker is gone now: the slots hold still
                suspects = _started_not_finished(slots, call)
                for future in futures:  # chunks that came back before the break
                    if future.done() and not future.cancelled() and future.exception() is None:
                        results.update(future.result())
                # A worker that died between items leaves no suspect: then run each remaining item alone.
                alone = suspects or [i for i in todo if i not in results]
                for index in alone:
                    if index not in results:
                        results[index] = run_alone(fn, items[index], crashed, self._context)
                todo = [i for i in todo if i not in results]
                while ready in results:
                    yield results[ready]
                    ready += 1
        while ready in results:
            yield results[ready]
            ready += 1

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def _running(self) -> tuple[ProcessPoolExecutor, Any]:
        if self._executor is None:
            self._slots = self._context.RawArray("q", [IDLE] * self.jobs)
            counter = self._context.Value("i", 0)
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=self._context, initializer=_start_worker,
                initargs=(self._slots, counter))
        return self._executor, self._slots

    def _discard(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def run_alone(fn: Callable[[T], R], item: T, crashed: Crashed, context: Any = None) -> R:
    """``fn(item)`` in a process of its own; ``crashed(item, reason)`` when that process dies."""
    context = context or multiprocessing.get_context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_run_one, args=(fn, item, send), daemon=True)
    process.start()
    send.close()
    try:
        kind, value = receive.recv()
    except EOFError:
        kind, value = "died", None
    finally:
        receive.close()
        process.join()
    if kind == "raised":
        raise value
    if kind == "died":
        return crashed(item, f"its worker process died ({_death(process.exitcode)})")
    return value


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _started_not_finished(slots: Any, call: int) -> list[int]:
    mark = call << _CALL_SHIFT
    return sorted(value - mark for value in slots if value != IDLE and value >> _CALL_SHIFT == call)


# --- in the worker -----------------------------------------------------------


def _start_worker(slots: Any, counter: Any) -> None:
    global _slots, _slot
    with counter.get_lock():
        _slot = counter.value
        counter.value += 1
    _slots = slots


def _run_chunk(fn: Callable[[T], R], call: int, chunk: list[tuple[int, T]]) -> list[tuple[int, R]]:
    done = []
    for index, item in chunk:
        _slots[_slot] = call << _CALL_SHIFT | index
        done.append((index, fn(item)))
    _slots[_slot] = IDLE
    return done


def _run_one(fn: Callable[[T], R], item: T, send: Any) -> None:
    try:
        result = fn(item)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it as the pool would
        send.send(("raised", exc))
    else:
        send.send(("done", result))
    send.close()
