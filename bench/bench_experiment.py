"""What an `Experiment` adds to its caller, beside a bare call, in one run.

The control is a legacy prediction through the in-process shim (``requests``
sync, ``httpx.AsyncClient`` async) to a zero-latency upstream in its own
process (the canned server of bench_proxy.py); the candidate is the migrated
OpenAI-style call. Per row, the caller's wall time of one call:

- **bare**: the control alone, no experiment;
- **replay, back to back**: ``experiment.run()`` / ``await experiment.arun()``
  with ``replay=True``, calls one after another, so each call shares the
  process with the previous call's candidate replaying in the background
  (the cost under steady load);
- **replay, paced**: the same, waiting for the background candidate between
  calls (``join()`` / ``ajoin()``, not timed): recording plus handing the
  candidate over, alone;
- **live**: ``replay=False``: the candidate makes its own (second) upstream
  call at the same time and the caller waits for both (sync); ``arun()``
  does not wait.

Blocks of each kind alternate (A B C D A B C D ...) so the machine's drifting
load hits every kind alike; the figures are p50 and p99 over all blocks.

Then the reason replay exists: the same correct migration against an
upstream that answers every call with fresh random text (as a model at
temperature 0.7 does), 100 runs in each mode: upstream calls per run, and
how many runs were flagged as a mismatch.

    .venv/bin/python bench/bench_experiment.py [--calls 2000] [--out bench/RESULTS-experiment.md]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_proxy import (  # noqa: E402 - a sibling script, found through sys.path above
    HEADERS, LEGACY_BODY, MODEL_ID, OPENAI_BODY, free_port, run_upstream, wait_listening)

LEGACY_URL = f"https://inference.de-txl.ionos.com/models/{MODEL_ID}/predictions"
OPENAI_URL = "https://openai.inference.de-txl.ionos.com/v1/chat/completions"
BLOCKS = 10


class NullPublisher:
    def publish(self, result: Any) -> None:
        raise AssertionError(f"the bench's candidate must match: {result.to_json()}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def sync_rows(calls: int) -> dict[str, list[float]]:
    import requests

    from ionos_migrate.compat import Experiment

    session = requests.Session()

    def control() -> str:
        return session.post(LEGACY_URL, data=LEGACY_BODY, headers=HEADERS).json()["properties"]["output"]

    def candidate() -> str:
        return session.post(OPENAI_URL, data=OPENAI_BODY, headers=HEADERS).json()["choices"][0]["message"]["content"]

    replayed = Experiment("bench", replay=True, publisher=NullPublisher())
    live = Experiment("bench-live", publisher=NullPublisher())
    for experiment in (replayed, live):
        experiment.control(control)
        experiment.candidate(candidate)

    kinds: dict[str, tuple[Callable[[], Any], Callable[[], Any] | None]] = {
        "bare": (control, None),
        "replay, back to back": (replayed.run, None),
        "replay, paced": (replayed.run, replayed.join),
        "live": (live.run, None),
    }
    return _timed_blocks(kinds, calls, lambda: replayed.join())


def _timed_blocks(kinds: dict[str, tuple[Callable[[], Any], Callable[[], Any] | None]], calls: int,
                  settle: Callable[[], Any]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in kinds}
    for fn, _ in kinds.values():  # warm up: imports, pools, connections
        for _ in range(50):
            fn()
    settle()
    per_block = max(1, calls // BLOCKS)
    for _ in range(BLOCKS):
        for name, (fn, between) in kinds.items():
            for _ in range(per_block):
                started = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - started)
                if between is not None:
                    between()
            settle()
    return times


def async_rows(calls: int) -> dict[str, list[float]]:
    import httpx

    from ionos_migrate.compat import Experiment

    async def main() -> dict[str, list[float]]:
        async with httpx.AsyncClient() as client:
            async def control() -> str:
                answer = await client.post(LEGACY_URL, content=LEGACY_BODY, headers=HEADERS)
                return answer.json()["properties"]["output"]

            async def candidate() -> str:
                answer = await client.post(OPENAI_URL, content=OPENAI_BODY, headers=HEADERS)
                return answer.json()["choices"][0]["message"]["content"]

            replayed = Experiment("bench", replay=True, publisher=NullPublisher())
            live = Experiment("bench-live", publisher=NullPublisher())
            for experiment in (replayed, live):
                experiment.control(control)
                experiment.candidate(candidate)
            kinds = {"bare": (control, None), "replay, back to back": (replayed.arun, None),
                     "replay, paced": (replayed.arun, replayed.ajoin), "live": (live.arun, None)}
            times: dict[str, list[float]] = {name: [] for name in kinds}
            for fn, _ in kinds.values():
                for _ in range(50):
                    await fn()
            per_block = max(1, calls // BLOCKS)
            for _ in range(BLOCKS):
                for name, (fn, between) in kinds.items():
                    for _ in range(per_block):
                        started = time.perf_counter()
                        await fn()
                        times[name].append(time.perf_counter() - started)
                        if between is not None:
                            await between()
                    await replayed.ajoin()
                    await live.ajoin()
            return times

    return asyncio.run(main())


def noise_rows(runs: int = 100) -> list[tuple[str, float, int]]:
    """(mode, upstream calls per run, runs flagged) against an upstream whose every answer is new."""
    import random

    import requests
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from ionos_migrate.compat import Experiment, install
    from ionos_migrate.compat.serving import serve_in_thread

    calls = [0]

    async def chat(request: Any) -> JSONResponse:
        calls[0] += 1
        text = " ".join(random.choice(("alpha", "bravo", "charlie", "delta", "echo")) for _ in range(12))
        return JSONResponse({"id": "chatcmpl-noise", "object": "chat.completion", "created": 1, "model": "m",
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": text}}]})

    class Count:
        flagged = 0

        def publish(self, result: Any) -> None:
            self.flagged += 1

    def control() -> str:
        return requests.post(LEGACY_URL, data=LEGACY_BODY, headers=HEADERS).json()["properties"]["output"]

    def candidate() -> str:
        return requests.post(OPENAI_URL, data=OPENAI_BODY, headers=HEADERS).json()["choices"][0]["message"]["content"]

    rows = []
    with serve_in_thread(Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])) as url:
        install(upstream=f"{url}/v1")
        for mode, replay in (("live", False), ("replay", True)):
            calls[0] = 0
            publisher = Count()
            experiment = Experiment("noise", replay=replay, publisher=publisher)
            experiment.control(control)
            experiment.candidate(candidate)
            for _ in range(runs):
                experiment.run()
            experiment.join(timeout=30)
            rows.append((mode, calls[0] / runs, publisher.flagged))
    return rows


def table(title: str, times: dict[str, list[float]]) -> str:
    bare50, bare99 = pct(times["bare"], 0.5), pct(times["bare"], 0.99)
    lines = [f"### {title}", "", "| caller's time per call | p50 ms | p99 ms | added p50 ms | added p99 ms |",
             "|---|---:|---:|---:|---:|"]
    for name, values in times.items():
        p50, p99 = pct(values, 0.5), pct(values, 0.99)
        added = ("", "") if name == "bare" else (f"{(p50 - bare50) * 1000:+.3f}", f"{(p99 - bare99) * 1000:+.3f}")
        lines.append(f"| {name} | {p50 * 1000:.3f} | {p99 * 1000:.3f} | {added[0]} | {added[1]} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per kind (split in blocks)")
    parser.add_argument("--out", default=None, help="also write the Markdown tables here")
    args = parser.parse_args()
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    port = free_port()
    upstream = multiprocessing.get_context("spawn").Process(target=run_upstream, args=(port,), daemon=True)
    upstream.start()
    from ionos_migrate.compat import install, uninstall

    try:
        wait_listening(port)
        install(upstream=f"http://127.0.0.1:{port}/v1")
        sync = sync_rows(args.calls)
        asynchronous = async_rows(args.calls)
        noise = noise_rows()
    finally:
        uninstall()
        upstream.terminate()
        upstream.join(timeout=10)
    text = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"load average at start {load}; {args.calls} timed calls per kind.\n\n"
            + table("sync: legacy `requests` call through the shim, `experiment.run()`", sync) + "\n"
            + table("async: legacy `httpx.AsyncClient` call through the shim, `await experiment.arun()`", asynchronous)
            + "\n### a correct migration, 100 runs, upstream answering at random\n\n"
            + "| mode | upstream calls per run | runs flagged as mismatch |\n|---|---:|---:|\n"
            + "".join(f"| {mode} | {per_run:.2f} | {flagged} of 100 |\n" for mode, per_run, flagged in noise))
    print(text)
    if args.out:
        Path(args.out).write_text(text, "utf-8")


if __name__ == "__main__":
    main()
