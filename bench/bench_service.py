"""The proxy as a service: 1 vs 2 workers, and what Prometheus metrics cost per request (issue 14).

Each proxy is ``ionos-migrate shim serve`` in its own process tree, exactly as
a user runs it, in front of the zero-latency upstream of ``bench_proxy.py``;
the load generator (aiohttp, 50 clients, closed loop) runs in this process.
Rows are measured in interleaved rounds (every configuration once per round),
so load that comes and goes on this shared machine hits them alike; the
figures are medians over rounds. "CPU µs/request" is the CPU time of the whole
proxy process tree per request: the figure least skewed by other load.

Also, in-process: the cost of one ``ProxyMetrics.observe`` (what each request
adds to the registry) in single-process and in multiprocess mode, and the
time a ``GET /metrics`` scrape takes.

    .venv/bin/python bench/bench_service.py [--seconds 3] [--rounds 3] [--out bench/RESULTS-service.md]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_proxy import LEGACY_BODY, MODEL_ID, free_port, load, process_cpu, run_upstream, wait_listening

CONFIGS = [  # label, shim serve flags
    ("1 worker, metrics off", ["--workers", "1", "--no-metrics", "--no-access-log"]),
    ("1 worker, metrics on", ["--workers", "1", "--no-access-log"]),
    ("1 worker, metrics on, access log on", ["--workers", "1"]),
    ("2 workers, metrics off", ["--workers", "2", "--no-metrics", "--no-access-log"]),
    ("2 workers, metrics on", ["--workers", "2", "--no-access-log"]),
]
OBSERVE_SNIPPET = """
import timeit
from ionos_migrate.compat.legacy_service import Answer, Result
from ionos_migrate.compat.metrics import ProxyMetrics
metrics, result = ProxyMetrics(), Result(Answer(200, {}, b""), attempts=1, upstream_status=200)
n = 20000
print(min(timeit.repeat(lambda: metrics.observe("predictions", "POST", 200, 0.002, 0.0002, result), number=n, repeat=5)) / n * 1e6)
"""


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its direct children (uvicorn's workers)."""
    total = process_cpu(pid) or 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                total += process_cpu(int(entry)) or 0.0
    return total


def start_serve(flags: list[str], upstream: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "ionos_migrate", "shim", "serve", "--port", str(port),
                                "--upstream", upstream, "--collections-upstream", upstream, *flags],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"})
    wait_listening(port)
    return process, port


def observe_microseconds() -> tuple[float, float]:
    """(single-process, multiprocess) µs per ProxyMetrics.observe, each in a fresh interpreter."""
    single = float(subprocess.run([sys.executable, "-c", OBSERVE_SNIPPET], capture_output=True, text=True,
                                  check=True, env={k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}).stdout)
    with tempfile.TemporaryDirectory() as folder:
        multi = float(subprocess.run([sys.executable, "-c", OBSERVE_SNIPPET], capture_output=True, text=True,
                                     check=True, env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}).stdout)
    return single, multi


async def scrape_ms(port: int, times: int = 200) -> float:
    import aiohttp

    samples = []
    async with aiohttp.ClientSession() as session:
        for _ in range(times):
            started = time.perf_counter()
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                await response.read()
            samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=None)
    parser.add_argument("--only", default="", help="run only the configurations whose label contains this")
    args = parser.parse_args()
    configs = [config for config in CONFIGS if args.only in config[0]]
    load_at_start = " / ".join(f"{value:.1f}" for value in os.getloadavg())

    single_us, multi_us = observe_microseconds()
    upstream_port = free_port()
    upstream_process = multiprocessing.get_context("spawn").Process(target=run_upstream, args=(upstream_port,),
                                                                    daemon=True)
    upstream_process.start()
    wait_listening(upstream_port)
    upstream = f"http://127.0.0.1:{upstream_port}/v1"
    servers = [start_serve(flags, upstream) for _, flags in configs]
    results: dict[str, list[tuple[float, float, float, float]]] = {label: [] for label, _ in configs}
    try:
        for round_number in range(args.rounds):
            for (label, _), (process, port) in zip(configs, servers):
                url = f"http://127.0.0.1:{port}/models/{MODEL_ID}/predictions"
                cpu_before = tree_cpu(process.pid)
                run = asyncio.run(load(url, LEGACY_BODY, 50, args.seconds, label))
                cpu = tree_cpu(process.pid) - cpu_before
                results[label].append((run.throughput, run.pct(run.latencies, .5), run.pct(run.latencies, .99),
                                       cpu / max(run.requests, 1) * 1e6))
                print(f"round {round_number + 1} {label}: {run.throughput:,.0f} req/s, "
                      f"{cpu / max(run.requests, 1) * 1e6:,.0f} µs CPU/request, {run.errors} errors", file=sys.stderr)
        scrapes = {label: asyncio.run(scrape_ms(port)) for (label, flags), (_, port) in zip(configs, servers)
                   if "--no-metrics" not in flags}
    finally:
        for process, _ in servers:
            process.terminate()
        for process, _ in servers:
            process.wait(timeout=30)
        upstream_process.terminate()

    def median(label: str, index: int) -> float:
        return statistics.median(row[index] for row in results[label])

    lines = [
        "# The proxy as a service (bench/bench_service.py)",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}; "
        f"`ionos-migrate shim serve` (httptools + uvloop, aiohttp upstream client) in front of a zero-latency "
        f"upstream, 50 clients in a closed loop, {args.seconds:g} s per row, {args.rounds} interleaved rounds, "
        f"medians. Load average at the start: {load_at_start} (the machine is shared).",
        "",
        "| configuration | req/s | p50 ms | p99 ms | proxy CPU µs/request | GET /metrics p50 ms |",
        "|---|---|---|---|---|---|",
        *[f"| {label} | {median(label, 0):,.0f} | {median(label, 1) * 1000:.2f} | {median(label, 2) * 1000:.2f} | "
          f"{median(label, 3):,.0f} | {f'{scrapes[label]:.2f}' if label in scrapes else ''} |" for label, _ in configs],
        "",
        "Metrics cost per request, in-process (`ProxyMetrics.observe`: one counter, one attempts counter, two "
        "histograms):",
        "",
        "| mode | µs per request |",
        "|---|---|",
        f"| one process (own registry) | {single_us:.1f} |",
        f"| multiprocess (`--workers N`, values in mmap files) | {multi_us:.1f} |",
        "",
        "2 workers on 2 cores shared with the load generator and the upstream cannot double the throughput; "
        "the CPU per request says what one more core would buy.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
