"""`ionos-migrate emulator serve` as a real process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from ionos_migrate.cli import main


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read())
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("emulator did not start")


def test_serve_answers_and_seeds_collections(tmp_path: Path) -> None:
    seeds = tmp_path / "collections.json"
    seeds.write_text(json.dumps({"kb": ["The office opens at nine."]}), "utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "ionos_migrate", "emulator", "serve", "--port", str(port), "--collections", str(seeds),
         "--force-429", "1", "--retry-after", "3"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_until_up(url + "/_emulator/journal", process)
        auth = {"Authorization": "Bearer t"}
        limited = httpx.get(url + "/v1/models", headers=auth)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
        assert httpx.get(url + "/v1/models", headers=auth).json()["object"] == "list"
        hits = httpx.post(url + "/collections/kb/query", json={"query": "office", "limit": 1}, headers=auth).json()
        assert hits["properties"]["matches"][0]["score"] > 0
        assert len(httpx.get(url + "/_emulator/journal").json()) == 3
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        process.stderr.close()


def test_bad_collections_file_is_a_usage_error(tmp_path: Path) -> None:
    seeds = tmp_path / "collections.json"
    seeds.write_text("[1, 2]", "utf-8")
    result = CliRunner().invoke(main, ["emulator", "serve", "--collections", str(seeds)])
    assert result.exit_code == 2 and "expected" in result.output


def test_a_document_that_is_neither_text_nor_a_table_is_a_usage_error(tmp_path: Path) -> None:
    seeds = tmp_path / "collections.json"
    seeds.write_text('{"kb": ["fine", {"text": "fine too"}, 42]}', "utf-8")
    result = CliRunner().invoke(main, ["emulator", "serve", "--collections", str(seeds)])
    assert result.exit_code == 2 and "expected" in result.output
