"""Load test of the legacy-API proxy, and the cost of translation alone.

One run, one machine, loopback only, bounded in time (about two minutes):

1. translation alone, in-process: a legacy request to the OpenAI request
   bytes, and the OpenAI answer bytes back to the legacy answer bytes;
2. open loop: 50 clients sending legacy predictions at a fixed total rate
   below capacity (250, 500 and 1,000/s, Poisson arrivals) through the proxy, and
   the equivalent OpenAI requests straight to the upstream with the same
   schedule: the latency the proxy adds per request when it is not saturated
   (the issue's "added p50/p99 at 50 concurrent clients");
3. closed loop: (a) legacy predictions through the proxy (``compat.proxy``,
   one uvicorn worker, pooled aiohttp upstream client) to a local
   zero-latency upstream, and (b) the equivalent OpenAI requests straight to
   that upstream, at 1, 50 and 200 clients that each send again as soon as
   their answer arrives: throughput, latency p50/p99, the latency the proxy
   adds (a minus b, mostly queueing once saturated), and the overhead the
   proxy reports itself (``x-ionos-migrate-overhead-ms``);
4. the same proxy with a pooled ``httpx.AsyncClient`` upstream client at 50
   concurrent clients: the measurement behind choosing aiohttp.

The upstream is a tiny asyncio HTTP/1.1 server with a canned chat answer, in
its own process, so it costs as little CPU as possible; the proxy runs in
another process; the load generator (aiohttp) in this one. All three share
the machine's cores, so absolute numbers are a floor, not a ceiling.

    .venv/bin/python bench/bench_proxy.py [--seconds 3] [--out bench/RESULTS-proxy.md]
    .venv/bin/python bench/bench_proxy.py --translation-vs <git revision> [--translation-only]  # translation then vs now
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import socket
import sys
import time
import timeit
from dataclasses import dataclass

MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"
LEGACY_BODY = json.dumps({"type": "prediction", "properties": {
    "input": "Summarise the quarterly report in three sentences.",
    "options": {"max_length": "300", "temperature": "0.01"}}}).encode()
OPENAI_BODY = json.dumps({"model": "meta-llama/Llama-3.3-70B-Instruct",
                          "messages": [{"role": "user", "content": "Summarise the quarterly report in three sentences."}],
                          "max_tokens": 300, "temperature": 0.01}).encode()
CHAT_ANSWER = json.dumps({
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "meta-llama/Llama-3.3-70B-Instruct",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "The quarter went well. Revenue grew. Costs fell."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 11, "total_tokens": 23}}).encode()
LOAD_AT_START = "?"
OPEN_LOOP_RATES = (250, 500, 1000)  # predictions/s in the open-loop rows: below the proxy's closed-loop capacity
HEADERS = {"Authorization": "Bearer bench-token", "Content-Type": "application/json"}


# --- the zero-latency upstream: minimal HTTP/1.1 keep-alive server ---------------------


class _Upstream(asyncio.Protocol):
    response = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                + str(len(CHAT_ANSWER)).encode() + b"\r\n\r\n" + CHAT_ANSWER)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].lower()
            length = 0
            marker = head.find(b"content-length:")
            if marker >= 0:
                length = int(head[marker + 15:].split(b"\r\n", 1)[0])
            end = head_end + 4 + length
            if len(self.buffer) < end:
                return
            self.buffer = self.buffer[end:]
            self.transport.write(self.response)  # type: ignore[attr-defined]


def run_upstream(port: int) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Upstream, "127.0.0.1", port)
        await server.serve_forever()

    asyncio.run(main())


def run_proxy(port: int, upstream: str, client: str) -> None:
    import uvicorn

    from ionos_migrate.compat.proxy import create_app

    app = create_app(upstream=upstream, collections_upstream=upstream, client=client)  # type: ignore[arg-type]
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def run_proxy_workers(port: int, upstream: str, workers: int) -> None:
    """As ``ionos-migrate shim serve --workers N`` runs it."""
    import uvicorn

    from ionos_migrate.cli.shim import _run

    os.environ["IONOS_MIGRATE_PROXY_CONFIG"] = json.dumps({"upstream": upstream, "collections_upstream": upstream})
    _run(uvicorn.Config("ionos_migrate.compat.proxy:app_from_env", factory=True, host="127.0.0.1", port=port,
                        workers=workers, access_log=False, log_level="warning"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


# --- load ---------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    overheads: list[float]
    server_cpu: float | None = None  # CPU seconds the measured server process used (Linux /proc)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us_per_request(self) -> str:
        if self.server_cpu is None or not self.requests:
            return "n/a"
        return f"{self.server_cpu / self.requests * 1e6:,.0f}"

    def pct(self, values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def process_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of a process, from /proc (None elsewhere)."""
    if pid is None:
        return None
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(url: str, body: bytes, concurrency: int, seconds: float, label: str, server_pid: int | None = None) -> Run:
    import aiohttp

    latencies: list[float] = []
    overheads: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one() -> None:
            nonlocal errors
            started = time.perf_counter()
            async with session.post(url, data=body, headers=HEADERS) as response:
                await response.read()
                if response.status != 200:
                    errors += 1
                overhead = response.headers.get("x-ionos-migrate-overhead-ms")
            latencies.append(time.perf_counter() - started)
            if overhead is not None:
                overheads.append(float(overhead) / 1000)

        for _ in range(min(200, concurrency * 4)):  # warm the pools
            await one()
        latencies.clear()
        overheads.clear()
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < stop:
                await one()

        started, cpu_before = time.perf_counter(), process_cpu(server_pid)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu_after = time.perf_counter() - started, process_cpu(server_pid)
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Run(label, concurrency, len(latencies), errors, elapsed, latencies, overheads, cpu)


async def open_loop(url: str, body: bytes | None, rate: float, seconds: float, clients: int, label: str,
                    server_pid: int | None = None, seed: int = 6, method: str = "POST") -> Run:
    """Requests arriving at ``rate`` per second (Poisson), at most ``clients`` in flight, for ``seconds``.

    Unlike :func:`load` (closed loop: each client sends again the moment its
    answer arrives, so the server is always saturated and latency is mostly
    queueing), arrivals here do not wait for answers: the load is fixed and
    below capacity, so the latency measured is the cost of a request, not the
    length of the queue. Each arrival is its own task, timed from when it
    starts (timer lateness hits both sides alike and is not counted); the
    ``clients`` pooled connections bound what is in flight, and a request
    that waits for a free one counts that wait. Same seed, same schedule for
    the direct and the proxied run.
    """
    import random

    import aiohttp

    latencies: list[float] = []
    overheads: list[float] = []
    errors = 0
    arrivals, clock, rng = [], 0.0, random.Random(seed)
    while True:
        clock += rng.expovariate(rate)
        if clock >= seconds:
            break
        arrivals.append(clock)
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one() -> None:
            nonlocal errors
            started = time.perf_counter()
            try:
                async with session.request(method, url, data=body, headers=HEADERS) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                    overhead = response.headers.get("x-ionos-migrate-overhead-ms")
            except aiohttp.ClientError:
                errors += 1
                return
            latencies.append(time.perf_counter() - started)
            if overhead is not None:
                overheads.append(float(overhead) / 1000)

        for _ in range(4):  # warm the pool: open all the connections
            await asyncio.gather(*(one() for _ in range(clients)))
        latencies.clear()
        overheads.clear()
        errors = 0
        tasks = []
        started, cpu_before = time.perf_counter(), process_cpu(server_pid)
        for at in arrivals:
            delay = started + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        elapsed, cpu_after = time.perf_counter() - started, process_cpu(server_pid)
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Run(label, clients, len(latencies), errors, elapsed, latencies, overheads, cpu)


# --- translation alone ----------------------------------------------------------------


def translation_microseconds(rounds: int = 20000) -> tuple[float, float]:
    from ionos_migrate.compat import translate
    from ionos_migrate.compat.model_map import ModelMap

    model_map = ModelMap.bundled()

    def forward() -> tuple[object, bytes]:
        request = translate.parse_legacy_request(LEGACY_BODY)
        plan = translate.to_openai(request, MODEL_ID, model_map)
        return request, translate.openai_request_json(plan)  # type: ignore[arg-type]

    request, _ = forward()

    def back() -> bytes:  # what the proxy and the shim run (legacy_service.predictions)
        return translate.to_legacy_json(CHAT_ANSWER, request)

    forward_us = min(timeit.repeat(forward, number=rounds, repeat=3)) / rounds * 1e6
    back_us = min(timeit.repeat(back, number=rounds, repeat=3)) / rounds * 1e6
    return forward_us, back_us


def translation_paired(revision: str, rounds: int = 5000, repeats: int = 15) -> str:
    """Translation now vs ``compat/translate.py`` at a git ``revision``, both loaded in this process, interleaved.

    Each side runs the hot path its own ``legacy_service`` ran (older
    revisions have no ``to_legacy_json``/``openai_request_json`` and dump the
    models). Both must give the same bytes and the same errors, or this fails.
    """
    import importlib.util
    import statistics
    import subprocess

    from ionos_migrate.compat import translate as new
    from ionos_migrate.compat.model_map import ModelMap

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    source = subprocess.run(["git", "show", f"{revision}:compat/translate.py"], cwd=root, capture_output=True,
                            text=True, check=True).stdout
    spec = importlib.util.spec_from_loader("ionos_migrate.compat._translate_at_revision", loader=None)
    old = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    old.__package__ = "ionos_migrate.compat"
    sys.modules[spec.name] = old  # type: ignore[union-attr]
    exec(compile(source, f"translate.py@{revision}", "exec"), old.__dict__)
    model_map = ModelMap.bundled()

    def paths(module: object) -> tuple:
        mod: object = module
        request = mod.parse_legacy_request(LEGACY_BODY)  # type: ignore[attr-defined]
        request_json = getattr(mod, "openai_request_json", lambda plan: plan.model_dump_json(exclude_none=True).encode())
        answer_json = getattr(mod, "to_legacy_json", lambda answer, request: mod.to_legacy(  # type: ignore[attr-defined]
            answer, request).model_dump_json(exclude_none=True).encode())
        forward = lambda: request_json(mod.to_openai(mod.parse_legacy_request(LEGACY_BODY), MODEL_ID, model_map))  # type: ignore[attr-defined]  # noqa: E731
        back = lambda: answer_json(CHAT_ANSWER, request)  # noqa: E731
        return forward, back

    (old_forward, old_back), (new_forward, new_back) = paths(old), paths(new)
    assert old_forward() == new_forward() and old_back() == new_back(), "the two revisions give different bytes"
    _same_errors(old, new, model_map)
    times: dict[str, list[float]] = {"old forward": [], "new forward": [], "old back": [], "new back": []}
    for _ in range(repeats):  # interleaved, so load that comes and goes hits both alike
        for name, step in (("old forward", old_forward), ("new forward", new_forward), ("old back", old_back), ("new back", new_back)):
            times[name].append(timeit.timeit(step, number=rounds) / rounds * 1e6)
    best = {name: min(values) for name, values in times.items()}
    median = {name: statistics.median(values) for name, values in times.items()}
    rows = [f"| {step} | {best['old ' + step]:.1f} / {median['old ' + step]:.1f} | {best['new ' + step]:.1f} / {median['new ' + step]:.1f} |"
            for step in ("forward", "back")]
    both = [best["old forward"] + best["old back"], median["old forward"] + median["old back"],
            best["new forward"] + best["new back"], median["new forward"] + median["new back"]]
    return "\n".join([
        f"Translation at {revision} vs now, same process, {repeats} interleaved rounds of {rounds:,}; µs per call, best / median:",
        "",
        f"| step | {revision} | now |",
        "|---|---|---|",
        *rows,
        f"| **both** | **{both[0]:.1f} / {both[1]:.1f}** | **{both[2]:.1f} / {both[3]:.1f}** |",
    ]) + "\n"


def _same_errors(old: object, new: object, model_map: object) -> None:
    """Bad requests and malformed answers: same exception, status and message from both revisions."""
    bad_requests = [b"nope", b"[]", b'{"properties": {}}', b'{"properties": {"input": 5}}',
                    b'{"properties": {"input": "x", "options": {"max_length": "abc"}}}',
                    b'{"properties": {"input": "x", "options": {"temperature": "nan"}}}',
                    b'{"properties": {"input": "x", "options": {"stream": true}}}',
                    b'{"properties": {"input": "x", "options": {"stop": 3}}}',
                    b'{"properties": {"input": "x", "options": {"size": "big"}}}']
    bad_answers = [b"nope", b"[1]", b'{"id": "x", "created": 1, "model": "m", "choices": []}',
                   b'{"created": 1, "data": [{"b64_json": 5}]}', b'{"id": 1}']

    def outcome(call: object) -> object:
        try:
            call()  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - comparing whatever each revision raises
            return type(exc).__name__, getattr(exc, "status", None), str(exc)
        return "ok"

    for model_id in (MODEL_ID, "00000000-0000-4000-8000-000000000000"):
        for body in bad_requests:
            assert outcome(lambda: old.to_openai(body, model_id, model_map)) == outcome(  # type: ignore[attr-defined]
                lambda: new.to_openai(body, model_id, model_map)), body  # type: ignore[attr-defined]
    request = new.parse_legacy_request(LEGACY_BODY)  # type: ignore[attr-defined]
    for body in bad_answers:
        before = outcome(lambda: old.to_legacy(body, request))  # type: ignore[attr-defined]
        assert before == outcome(lambda: new.to_legacy(body, request)) == outcome(  # type: ignore[attr-defined]
            lambda: new.to_legacy_json(body, request)) != "ok", body  # type: ignore[attr-defined]


def in_process_milliseconds(upstream: str, calls: int = 300) -> tuple[float, float]:
    """p50 of one synchronous ``requests`` call: OpenAI request straight to upstream, and legacy through the shim."""
    import requests

    from ionos_migrate.compat import install, uninstall

    def p50(url: str, body: bytes) -> float:
        times = []
        with requests.Session() as session:
            for _ in range(calls):
                started = time.perf_counter()
                response = session.post(url, data=body, headers=HEADERS)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
        return sorted(times)[len(times) // 2]

    direct = p50(f"{upstream}/chat/completions", OPENAI_BODY)
    install(upstream=upstream)
    try:
        shimmed = p50(f"https://inference.de-txl.ionos.com/models/{MODEL_ID}/predictions", LEGACY_BODY)
    finally:
        uninstall()
    return direct, shimmed


# --- report ---------------------------------------------------------------------------------


def _parser() -> str:
    import importlib.util

    return "httptools" if importlib.util.find_spec("httptools") else "h11"


def _loop() -> str:
    import importlib.util

    return "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def ms(value: float) -> str:
    return f"{value * 1000:.2f}"


def report(forward_us: float, back_us: float, pairs: list[tuple[Run, Run]], httpx_run: Run, aiohttp_50: Run,
           workers_runs: list[Run], in_process: tuple[float, float], seconds: float,
           open_pairs: list[tuple[float, Run, Run, Run]] = (), paired: str = "") -> str:
    lines = [
        "# Proxy benchmark (bench/bench_proxy.py)",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}; "
        f"upstream, proxy (1 uvicorn worker; HTTP parser {_parser()}, event loop {_loop()}) and load generator "
        f"(aiohttp) on the same cores, loopback. "
        f"{seconds:g} s per row after warm-up. Load average at the start: {LOAD_AT_START}"
        " (the machine is shared; other work skews every figure).",
        "",
        "## Translation alone (in-process)",
        "",
        "| step | µs per call |",
        "|---|---|",
        f"| legacy request bytes -> OpenAI request bytes | {forward_us:.1f} |",
        f"| OpenAI answer bytes -> legacy answer bytes | {back_us:.1f} |",
        f"| **both** | **{forward_us + back_us:.1f}** |",
        "",
        *([paired] if paired else []),
        "## In-process shim, one synchronous requests.Session, p50 of 300 calls",
        "",
        "| call | ms |",
        "|---|---|",
        f"| OpenAI request straight to the upstream | {ms(in_process[0])} |",
        f"| legacy request through the in-process shim | {ms(in_process[1])} |",
        f"| added by the shim | {ms(in_process[1] - in_process[0])} |",
        "",
        "## Open loop: 50 clients at a fixed total rate, through the proxy vs straight to the upstream",
        "",
        f"Poisson arrivals at the given total rate for {2 * seconds:g} s, at most 50 requests in flight "
        "(50 pooled connections), the same arrival schedule for both sides; each request timed from when it "
        "starts. While the proxy keeps up, this is what it adds per request, not the length of a queue; a row "
        "marked *fell behind* (proxy achieved under 98% of the direct rate: the machine's other load left it too "
        "little CPU) measures queueing again.",
        "",
        "| clients | target req/s | achieved direct / proxy req/s | direct p50 ms | proxy p50 ms | **added p50 ms** | "
        "direct p99 ms | proxy p99 ms | **added p99 ms** | proxy's own overhead p50 / p99 ms | "
        "GET /healthz on the proxy p50 / p99 ms | proxy CPU µs/request | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *[f"| {via.concurrency} | {rate:,.0f} | {direct.throughput:,.0f} / {via.throughput:,.0f}"
          f"{' *fell behind*' if via.throughput < 0.98 * direct.throughput else ''} | "
          f"{ms(direct.pct(direct.latencies, .5))} | {ms(via.pct(via.latencies, .5))} | "
          f"**{ms(via.pct(via.latencies, .5) - direct.pct(direct.latencies, .5))}** | "
          f"{ms(direct.pct(direct.latencies, .99))} | {ms(via.pct(via.latencies, .99))} | "
          f"**{ms(via.pct(via.latencies, .99) - direct.pct(direct.latencies, .99))}** | "
          f"{ms(via.pct(via.overheads, .5))} / {ms(via.pct(via.overheads, .99))} | "
          f"{ms(floor.pct(floor.latencies, .5))} / {ms(floor.pct(floor.latencies, .99))} | {via.cpu_us_per_request} | "
          f"{direct.errors + via.errors + floor.errors} |" for rate, direct, via, floor in open_pairs],
        "",
        "GET /healthz is the floor of any request to the proxy (the extra loopback hop, uvicorn and Starlette, "
        "no translation, no upstream call), at the same rate. A proxied prediction is that hop plus an upstream "
        "call like the direct one plus the proxy's own work, so added p50 cannot go below the /healthz p50 on "
        "this machine.",
        "",
        "## Closed loop: each client sends again as soon as its answer arrives (saturation)",
        "",
        "At 50 and 200 clients the server is saturated, so most of the \"added\" latency is queueing "
        "(Little's law: clients / throughput), not the proxy's work per request; the open-loop table above "
        "measures that.",
        "",
        "| clients | direct req/s | proxy req/s | direct p50 ms | proxy p50 ms | added p50 ms | direct p99 ms | proxy p99 ms | added p99 ms | proxy's own overhead p50 / p99 ms | proxy CPU µs/request | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for direct, via in pairs:
        lines.append(
            f"| {via.concurrency} | {direct.throughput:,.0f} | {via.throughput:,.0f} | "
            f"{ms(direct.pct(direct.latencies, .5))} | {ms(via.pct(via.latencies, .5))} | "
            f"{ms(via.pct(via.latencies, .5) - direct.pct(direct.latencies, .5))} | "
            f"{ms(direct.pct(direct.latencies, .99))} | {ms(via.pct(via.latencies, .99))} | "
            f"{ms(via.pct(via.latencies, .99) - direct.pct(direct.latencies, .99))} | "
            f"{ms(via.pct(via.overheads, .5))} / {ms(via.pct(via.overheads, .99))} | {via.cpu_us_per_request} | "
            f"{direct.errors + via.errors} |")
    lines += [
        "",
        "## Upstream client of the proxy, 50 clients",
        "",
        "| proxy upstream client | req/s | p50 ms | p99 ms | proxy CPU µs/request |",
        "|---|---|---|---|---|",
        f"| aiohttp.ClientSession (default) | {aiohttp_50.throughput:,.0f} | {ms(aiohttp_50.pct(aiohttp_50.latencies, .5))} | "
        f"{ms(aiohttp_50.pct(aiohttp_50.latencies, .99))} | {aiohttp_50.cpu_us_per_request} |",
        f"| httpx.AsyncClient | {httpx_run.throughput:,.0f} | {ms(httpx_run.pct(httpx_run.latencies, .5))} | "
        f"{ms(httpx_run.pct(httpx_run.latencies, .99))} | {httpx_run.cpu_us_per_request} |",
        "",
        "## Proxy with 2 uvicorn workers (shim serve --workers 2)",
        "",
        "| clients | req/s | p50 ms | p99 ms | proxy's own overhead p50 / p99 ms |",
        "|---|---|---|---|---|",
        *[f"| {run.concurrency} | {run.throughput:,.0f} | {ms(run.pct(run.latencies, .5))} | {ms(run.pct(run.latencies, .99))} | "
          f"{ms(run.pct(run.overheads, .5))} / {ms(run.pct(run.overheads, .99))} |" for run in workers_runs],
        "",
        "\"added\" is the difference of the two latency distributions' percentiles; \"proxy's own overhead\" "
        "is what the proxy reports in x-ionos-migrate-overhead-ms (its time minus the time waiting on upstream), "
        "which excludes the extra network hop and the time the request queues in uvicorn. "
        "\"proxy CPU µs/request\" is the proxy process's CPU time per request (uvicorn, Starlette, translation, "
        "upstream client): the figure least skewed by other load; one core serves about 1,000,000 / it requests/s.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per row (bounded: at most 10)")
    parser.add_argument("--out", default=None, help="also write the Markdown report here")
    parser.add_argument("--translation-vs", metavar="REV", default=None,
                        help="also compare translation now with compat/translate.py at git revision REV, in one process")
    parser.add_argument("--translation-only", action="store_true", help="stop after the translation figures")
    args = parser.parse_args()
    paired = translation_paired(args.translation_vs) if args.translation_vs else ""
    if args.translation_only:
        print(paired or "", end="")
        print(f"translation: {' + '.join(f'{us:.1f}' for us in translation_microseconds())} µs (forward + back)")
        return
    seconds = min(max(args.seconds, 0.5), 10.0)
    global LOAD_AT_START
    LOAD_AT_START = " / ".join(f"{value:.1f}" for value in os.getloadavg())

    forward_us, back_us = translation_microseconds()
    print(f"translation: {forward_us:.1f} µs forward + {back_us:.1f} µs back", file=sys.stderr)

    context = multiprocessing.get_context("spawn")
    upstream_port, proxy_port, httpx_proxy_port, workers_port = free_port(), free_port(), free_port(), free_port()
    upstream = f"http://127.0.0.1:{upstream_port}/v1"
    processes = [
        context.Process(target=run_upstream, args=(upstream_port,), daemon=True),
        context.Process(target=run_proxy, args=(proxy_port, upstream, "aiohttp"), daemon=True),
        context.Process(target=run_proxy, args=(httpx_proxy_port, upstream, "httpx"), daemon=True),
        context.Process(target=run_proxy_workers, args=(workers_port, upstream, 2)),  # not daemonic: it has children
    ]
    for process in processes:
        process.start()
    try:
        for port in (upstream_port, proxy_port, httpx_proxy_port, workers_port):
            wait_listening(port)
        direct_url = f"{upstream}/chat/completions"
        proxy_url = f"http://127.0.0.1:{proxy_port}/models/{MODEL_ID}/predictions"
        pairs = []
        for concurrency in (1, 50, 200):
            direct = asyncio.run(load(direct_url, OPENAI_BODY, concurrency, seconds, "direct"))
            via = asyncio.run(load(proxy_url, LEGACY_BODY, concurrency, seconds, "proxy", processes[1].pid))
            print(f"{concurrency:>3} clients: direct {direct.throughput:,.0f} req/s, proxy {via.throughput:,.0f} req/s",
                  file=sys.stderr)
            pairs.append((direct, via))
        httpx_url = f"http://127.0.0.1:{httpx_proxy_port}/models/{MODEL_ID}/predictions"
        httpx_run = asyncio.run(load(httpx_url, LEGACY_BODY, 50, seconds, "proxy-httpx", processes[2].pid))
        workers_url = f"http://127.0.0.1:{workers_port}/models/{MODEL_ID}/predictions"
        workers_runs = [asyncio.run(load(workers_url, LEGACY_BODY, c, seconds, "proxy-2-workers")) for c in (50, 200)]
        open_pairs = []
        for rate in OPEN_LOOP_RATES:
            direct = asyncio.run(open_loop(direct_url, OPENAI_BODY, rate, 2 * seconds, 50, "direct-open"))
            via = asyncio.run(open_loop(proxy_url, LEGACY_BODY, rate, 2 * seconds, 50, "proxy-open", processes[1].pid))
            floor = asyncio.run(open_loop(f"http://127.0.0.1:{proxy_port}/healthz", None, rate, 2 * seconds, 50,
                                          "proxy-healthz", method="GET"))
            print(f"open loop {rate:,.0f}/s: added p50 {ms(via.pct(via.latencies, .5) - direct.pct(direct.latencies, .5))} ms, "
                  f"p99 {ms(via.pct(via.latencies, .99) - direct.pct(direct.latencies, .99))} ms", file=sys.stderr)
            open_pairs.append((rate, direct, via, floor))
        in_process = in_process_milliseconds(upstream)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
    text = report(forward_us, back_us, pairs, httpx_run, pairs[1][1], workers_runs, in_process, seconds, open_pairs, paired)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
