"""How fast are the offline emulator and ``verify``?

Times, on this machine, best of ``--repeat``:

- emulator throughput: ``--requests`` chat completions sent one after another
  through one ``httpx.Client`` on loopback, then the same number spread over
  ``--concurrency`` threads; and a streamed completion (time to ``[DONE]``);
- ``verify`` on tests/verify/trees (legacy -> migrated, 5 requests, 2
  Python processes per run), and what the shim bootstrap adds to starting
  one Python process that imports requests and httpx.

Run: ``python bench/bench_emulator.py`` (prints JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ionos_migrate.compat.emulator import create_app
from ionos_migrate.compat.serving import serve_in_thread
from ionos_migrate.compat.verify import verify

TREES = Path(__file__).resolve().parent.parent / "tests" / "verify" / "trees"
AUTH = {"Authorization": "Bearer bench"}


def chat_body(index: int) -> dict:
    return {"model": "meta-llama/Llama-3.3-70B-Instruct", "max_tokens": 64, "temperature": 0.2,
            "messages": [{"role": "user", "content": f"Question number {index}"}]}


def best(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def bench_emulator(requests: int, concurrency: int, repeat: int) -> dict:
    with serve_in_thread(create_app()) as url, httpx.Client(base_url=url, headers=AUTH) as client:
        def sequential() -> None:
            for index in range(requests):
                client.post("/v1/chat/completions", json=chat_body(index)).raise_for_status()

        def concurrent() -> None:
            with ThreadPoolExecutor(concurrency) as pool:
                for response in pool.map(lambda i: client.post("/v1/chat/completions", json=chat_body(i)),
                                         range(requests)):
                    response.raise_for_status()

        def stream() -> None:
            with client.stream("POST", "/v1/chat/completions", json={**chat_body(0), "stream": True}) as response:
                assert [line for line in response.iter_lines() if line][-1] == "data: [DONE]"

        seq, conc, streamed = best(repeat, sequential), best(repeat, concurrent), best(repeat * 5, stream)
    return {
        "requests": requests,
        "sequential_requests_per_second": round(requests / seq, 1),
        "concurrent_requests_per_second": round(requests / conc, 1),
        "concurrency": concurrency,
        "stream_64_tokens_ms": round(streamed * 1000, 2),
    }


def bench_verify(repeat: int) -> dict:
    """verify end to end, and what one Python process of a run pays for the shim bootstrap."""
    from ionos_migrate.compat.verify import bootstrap_dir, run_environment

    cmd = [sys.executable, "app.py"]
    imports = [sys.executable, "-c", "import requests, httpx"]
    plain_env = {k: v for k, v in os.environ.items() if not k.startswith("IONOS_MIGRATE_")}
    result: dict = {}

    def run_verify() -> None:
        outcome = verify(TREES / "legacy", TREES / "migrated", cmd)
        assert outcome.equivalent, outcome.render()
        result["requests"] = len(outcome.after.requests)

    with bootstrap_dir() as boot:
        shim_env = run_environment(plain_env, bootstrap=boot, upstream="http://127.0.0.1:9/v1",
                                   legacy_upstream="http://127.0.0.1:9", translate=True, model_map_file=None,
                                   offline=True)
        bare = best(repeat * 3, lambda: subprocess.run(imports, env=plain_env, check=True))
        shimmed = best(repeat * 3, lambda: subprocess.run(imports, env=shim_env, check=True))
    return {
        "verify_seconds": round(best(repeat, run_verify), 3),
        "runs": 2,
        "python_processes_per_run": 2,
        "requests_per_run": result["requests"],
        "process_start_bare_seconds": round(bare, 3),
        "process_start_with_shim_bootstrap_seconds": round(shimmed, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "emulator": bench_emulator(args.requests, args.concurrency, args.repeat),
        "verify": bench_verify(args.repeat),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
