"""``ionos-migrate shim serve``: arguments, and one real run as a child process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
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


def test_serve_with_two_workers_answers_and_logs_without_the_token(emulator: str, emulator_app: Any) -> None:
    port = _free_port()
    env = {**os.environ, "IONOS_API_TOKEN": "configured-secret"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ionos_migrate", "shim", "serve", "--port", str(port), "--workers", "2",
         "--upstream", f"{emulator}/v1", "--collections-upstream", emulator],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "server did not start"
            time.sleep(0.1)
        r = httpx.post(f"{base}/models/{TEXT_MODEL}/predictions", json={"properties": {"input": "x"}}, headers=AUTH)
        assert r.status_code == 200 and r.json()["type"] == "prediction"
        anonymous = httpx.post(f"{base}/collections/c/query", json={"query": "q"})
        assert anonymous.status_code == 200  # the configured token was used
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
    assert "loopback only" in stderr
    assert f'"path":"/models/{TEXT_MODEL}/predictions","status":200' in stderr
    assert TOKEN not in stderr and "configured-secret" not in stderr


def test_serve_without_the_proxy_extra_exits_2_naming_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # what an install without [proxy] looks like
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    result = CliRunner().invoke(main, ["shim", "serve", "--port", "0"])
    assert result.exit_code == 2
    assert "ionos-migrate[proxy]" in result.output and "aiohttp, prometheus_client" in result.output
