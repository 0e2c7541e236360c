"""The proxy as a service (issue 14): Prometheus metrics after real requests, readiness, JSON access lines."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from datetime import datetime
from typing import Any, Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ionos_migrate.compat.proxy import create_app
from ionos_migrate.compat.serving import serve_in_thread

from .conftest import AUTH, TOKEN
from .test_proxy import PREDICT, TEXT, legacy_error


@contextlib.contextmanager
def proxy(upstream: str, **options: Any) -> Iterator[httpx.Client]:
    app = create_app(upstream=f"{upstream}/v1", collections_upstream=upstream, **options)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def scrape(client: httpx.Client) -> dict[tuple[str, frozenset], float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(r.text) for sample in family.samples}


def value(samples: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


P = "ionos_migrate_proxy"


def test_metrics_count_real_requests_by_route_and_status(emulator: str) -> None:
    with proxy(emulator) as client:
        for _ in range(3):
            assert client.post(PREDICT, json=TEXT, headers=AUTH).status_code == 200
        assert client.get("/models", headers=AUTH).status_code == 200
        assert client.post(PREDICT, content=b"not json", headers=AUTH).status_code == 400
        assert client.get("/nowhere").status_code == 404
        assert client.get("/healthz").status_code == 200  # probes are not legacy traffic: not counted
        samples = scrape(client)
    assert value(samples, f"{P}_requests_total", route="predictions", method="POST", status="200") == 3
    assert value(samples, f"{P}_requests_total", route="predictions", method="POST", status="400") == 1
    assert value(samples, f"{P}_requests_total", route="models", method="GET", status="200") == 1
    assert value(samples, f"{P}_requests_total", route="other", method="GET", status="404") == 1
    assert sum(v for (name, _), v in samples.items() if name == f"{P}_requests_total") == 6
    assert value(samples, f"{P}_upstream_attempts_total", route="predictions") == 3  # the 400 never went upstream
    for histogram in ("request_duration_seconds", "own_duration_seconds"):
        assert value(samples, f"{P}_{histogram}_count", route="predictions") == 4
        assert value(samples, f"{P}_{histogram}_bucket", route="predictions", le="+Inf") == 4
        assert value(samples, f"{P}_{histogram}_sum", route="predictions") > 0
    assert value(samples, f"{P}_in_flight_requests") == 0


def test_metrics_count_retries_and_failures_by_cause(broken: str, behaviour: Any, free_port_url: str) -> None:
    behaviour.status, behaviour.headers = 503, {"Retry-After": "0"}
    with proxy(broken, retries=2) as client:
        assert client.post(PREDICT, json=TEXT, headers=AUTH).status_code == 503
        samples = scrape(client)
    assert value(samples, f"{P}_upstream_attempts_total", route="predictions") == 3
    assert value(samples, f"{P}_requests_total", route="predictions", method="POST", status="503") == 1
    with proxy(free_port_url, retries=1) as client:
        assert client.post(PREDICT, json=TEXT, headers=AUTH).status_code == 502
        assert client.get("/collections/c", headers=AUTH).status_code == 502
        samples = scrape(client)
    assert value(samples, f"{P}_upstream_failures_total", route="predictions", cause="refused") == 2
    assert value(samples, f"{P}_upstream_failures_total", route="collections", cause="refused") == 2


def test_in_flight_gauge_counts_a_request_being_answered(broken: str, behaviour: Any) -> None:
    behaviour.delay = 1.0
    with proxy(broken) as client:
        slow = threading.Thread(target=lambda: client.post(PREDICT, json=TEXT, headers=AUTH))
        slow.start()
        deadline = time.monotonic() + 5
        while behaviour.hits == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert value(scrape(client), f"{P}_in_flight_requests") == 1
        slow.join()
        assert value(scrape(client), f"{P}_in_flight_requests") == 0


def test_metrics_can_be_turned_off(emulator: str) -> None:
    with proxy(emulator, metrics=False) as client:
        assert legacy_error(client.get("/metrics")).httpStatus == 404


# --- readiness ----------------------------------------------------------------------------------


def test_readyz_when_the_upstream_answers(emulator: str) -> None:
    with proxy(emulator) as client:
        r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready" and r.headers["x-trace-id"]


def test_readyz_names_the_unreachable_upstream(free_port_url: str) -> None:
    with proxy(free_port_url) as client:
        r = client.get("/readyz")
        assert client.get("/healthz").status_code == 200  # the process is up all the same
    assert r.status_code == 503
    text = legacy_error(r).messages[0].message
    assert text.startswith("not ready:") and free_port_url.removeprefix("http://") in text and "connection refused" in text


def test_readyz_is_cached_and_a_5xx_upstream_is_not_ready(broken: str, behaviour: Any) -> None:
    behaviour.status = 500
    with proxy(broken, ready_cache_seconds=60) as client:
        assert [client.get("/readyz").status_code for _ in range(3)] == [503] * 3
    assert behaviour.hits == 1  # asked once, then the cached answer
    behaviour.status = 401  # the upstream is there: it just wants a token
    with proxy(broken, ready_cache_seconds=0) as client:
        assert [client.get("/readyz").status_code for _ in range(2)] == [200, 200]
    assert behaviour.hits == 3


# --- access lines ----------------------------------------------------------------------------------


def test_access_lines_are_json_with_a_timestamp_and_no_secrets(emulator: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO), proxy(emulator) as client:
        client.post(f"{PREDICT}?api_key={TOKEN}", json=TEXT, headers=AUTH)
        client.get("/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "ionos_migrate.proxy.access"]
    assert len(lines) == 2
    first, second = lines
    assert datetime.fromisoformat(first["ts"]).tzinfo is not None
    assert first["path"] == PREDICT  # the model id kept, the query string dropped
    assert (first["method"], first["status"], first["upstream_status"], first["attempts"]) == ("POST", 200, 200, 1)
    assert first["upstream_ms"] > 0 and first["own_ms"] >= 0 and len(first["trace_id"]) == 32
    assert (second["status"], second["upstream_status"], second["attempts"]) == (405, None, 0)
    assert all(TOKEN not in r.getMessage() for r in caplog.records if r.name.startswith(("ionos_migrate", "uvicorn")))
