"""``ionos-migrate shim serve``: arguments, and one real run as a child process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main
from ionos_migrate.cli.shim import _banner

from .conftest import AUTH, TEXT_MODEL, TOKEN


def test_bad_upstream_and_bad_model_map_are_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["shim", "serve", "--upstream", "ftp://x"])
    assert result.exit_code == 2 and "not an http(s) URL" in result.output
    bad_map = tmp_path / "map.toml"
    bad_map.write_text("[models\n")
    result = runner.invoke(main, ["shim", "serve", "--model-map", str(bad_map)])
    assert result.exit_code == 2 and "not valid TOML" in result.output


def test_banner_says_whether_it_is_loopback_only() -> None:
    assert "loopback only" in _banner("127.0.0.1", 8080, "u", "c")
    assert "loopback only" in _banner("::1", 8080, "u", "c")
    assert "http://[::1]:8080 " in _banner("::1", 8080, "u", "c")  # an IPv6 address is bracketed in a URL
    assert "EXPOSED" in _banner("0.0.0.0", 8080, "u", "c")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_serve(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """``ionos-migrate shim serve`` as a child process, once /healthz answers: (process, base URL)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "ionos_migrate", "shim", "serve", "--port", str(port), *args],
                               env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError(f"server did not start: {process.communicate()[1]}")
        time.sleep(0.1)


def stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> str:
    process.send_signal(sig)
    try:
        _, stderr = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return stderr


def test_serve_with_two_workers_answers_logs_json_and_adds_up_metrics(emulator: str, emulator_app: Any) -> None:
    process, base = start_serve("--workers", "2", "--upstream", f"{emulator}/v1", "--collections-upstream", emulator,
                                env={"IONOS_API_TOKEN": "configured-secret"})
    try:
        with httpx.Client(base_url=base) as client:  # one connection per request: both workers get some
            for _ in range(6):
                r = httpx.post(f"{base}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}},
                               headers=AUTH)
                assert r.status_code == 200 and r.json()["type"] == "prediction"
            anonymous = httpx.post(f"{base}/collections/c/query", json={"query": "q"})
            assert anonymous.status_code == 200  # the configured token was used
            for _ in range(4):  # whichever worker answers the scrape, it adds up both workers' values
                scraped = client.get("/metrics", headers={"Connection": "close"}).text
                assert ('ionos_migrate_proxy_requests_total{method="POST",route="predictions",status="200"} 6.0'
                        in scraped), scraped
                assert 'ionos_migrate_proxy_requests_total{method="POST",route="collections",status="200"} 1.0' in scraped
    finally:
        stderr = stop(process)
    assert "loopback only" in stderr
    assert f'"path":"/models/{TEXT_MODEL}/predictions","status":200' in stderr
    assert TOKEN not in stderr and "configured-secret" not in stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert len(lines) == 7
    assert all(datetime.fromisoformat(line["ts"]).tzinfo is not None for line in lines)
    assert len({line["trace_id"] for line in lines}) == 7


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_finishes_the_request_in_flight_refuses_new_connections_and_exits_0(
        broken: str, behaviour: Any, workers: str) -> None:
    behaviour.delay = 3.0
    behaviour.body = json.dumps({"object": "list", "data": [{"id": "m"}]}).encode()
    process, base = start_serve("--workers", workers, "--upstream", f"{broken}/v1", "--graceful-timeout", "20")
    port = int(base.rsplit(":", 1)[1])
    answers: list[httpx.Response] = []
    in_flight = threading.Thread(target=lambda: answers.append(httpx.get(f"{base}/models", headers=AUTH, timeout=30)))
    in_flight.start()
    deadline = time.monotonic() + 10
    while behaviour.hits == 0:  # the request has reached the upstream, which takes 3 s to answer
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    assert process.poll() is None  # still finishing the request in flight
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    in_flight.join(timeout=20)
    assert [r.status_code for r in answers] == [200]
    assert answers[0].json()["items"][0]["properties"]["name"] == "m"
    assert process.wait(timeout=20) == 0, process.communicate()[1]
    process.communicate()


def test_sigterm_gives_requests_in_flight_no_more_than_the_graceful_timeout(broken: str, behaviour: Any) -> None:
    behaviour.delay = 4.0
    process, base = start_serve("--upstream", f"{broken}/v1", "--graceful-timeout", "1")
    answers: list[httpx.Response] = []
    in_flight = threading.Thread(target=lambda: answers.append(httpx.get(f"{base}/models", headers=AUTH, timeout=30)))
    in_flight.start()
    deadline = time.monotonic() + 10
    while behaviour.hits == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    assert process.wait(timeout=8) == 0
    assert time.monotonic() - started < 3  # the upstream would have taken 4 s
    in_flight.join(timeout=10)
    (cut_off,) = answers  # cut off at the bound, with a legacy answer that says why
    assert cut_off.status_code == 503 and "shutting down" in cut_off.json()["messages"][0]["message"]
    assert cut_off.headers["x-trace-id"]
    assert "Traceback" not in process.communicate()[1]


def test_serve_without_the_proxy_extra_exits_2_naming_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # what an install without [proxy] looks like
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    result = CliRunner().invoke(main, ["shim", "serve", "--port", "0"])
    assert result.exit_code == 2
    assert "ionos-migrate[proxy]" in result.output and "aiohttp, prometheus_client" in result.output
