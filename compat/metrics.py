"""Prometheus metrics of the proxy (``GET /metrics``), with ``prometheus-client``.

One process: each app has its own registry (several apps in one process, as in
tests, do not clash). Several uvicorn workers (``shim serve --workers N``):
the library's multiprocess mode. ``shim serve`` points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before the workers start, each
worker writes its values there, and whichever worker answers a scrape adds
them all up. prometheus-client reads that variable when it is first imported,
so it must be set before then (the workers are spawned, so they import it
afresh).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .legacy_service import Result

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "ionos_migrate_proxy"
# Seconds. A whole request waits on a model (up to minutes); the proxy's own part is well under a millisecond.
TOTAL_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
OWN_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5)
# Any token is a valid HTTP method; labels stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class ProxyMetrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.multiprocess_dir = os.environ.get(MULTIPROC_ENV) or None
        self.registry = CollectorRegistry()
        registry = None if self.multiprocess_dir else self.registry  # multiprocess: values live in files
        self.requests = Counter(f"{PREFIX}_requests", "Requests answered, by route, method and status",
                                ["route", "method", "status"], registry=registry)
        self.attempts = Counter(f"{PREFIX}_upstream_attempts", "Upstream calls made, retries included, by route",
                                ["route"], registry=registry)
        self.failures = Counter(f"{PREFIX}_upstream_failures",
                                "Upstream calls that got no answer, by route and cause "
                                "(refused, dns, tls, connect_timeout, connect, reset, timeout, too_large, protocol)",
                                ["route", "cause"], registry=registry)
        self.duration = Histogram(f"{PREFIX}_request_duration_seconds", "Whole request time, by route",
                                  ["route"], buckets=TOTAL_BUCKETS, registry=registry)
        self.own = Histogram(f"{PREFIX}_own_duration_seconds",
                             "Time the proxy itself spent on a request (total minus waiting on upstream), by route",
                             ["route"], buckets=OWN_BUCKETS, registry=registry)
        self.in_flight = Gauge(f"{PREFIX}_in_flight_requests", "Requests being answered now",
                               registry=registry, multiprocess_mode="livesum")
        self._children: dict[tuple, tuple] = {}  # labels() takes a lock and builds a key: once per label set

    def observe(self, route: str, method: str, status: int, total: float, own: float, result: "Result") -> None:
        method = method if method in METHODS else "other"
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(route, method, str(status)), self.attempts.labels(route),
                self.duration.labels(route), self.own.labels(route))
        requests, attempts, duration, own_time = children
        requests.inc()
        if result.attempts:
            attempts.inc(result.attempts)
        for failure in result.failures:
            self.failures.labels(route, failure.cause).inc()
        duration.observe(total)
        own_time.observe(own)

    def exposition(self) -> tuple[bytes, str]:
        """The text a scrape gets, and its content type."""
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        if self.multiprocess_dir is None:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)
        return generate_latest(registry), CONTENT_TYPE_LATEST
