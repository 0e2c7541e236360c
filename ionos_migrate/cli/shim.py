"""``ionos-migrate shim serve``: the legacy API as a local proxy."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import click

from ionos_migrate.cli.options import WholeHelpGroup, model_map_option
from ionos_migrate.compat import rules
from ionos_migrate.compat.runtime_defaults import DEFAULT_MAX_ANSWER, DEFAULT_MAX_BODY, DEFAULT_RETRIES, DEFAULT_TIMEOUT
from ionos_migrate.compat.shim import http_base_url
from ionos_migrate.config import load_model_map, load_project_config
from ionos_migrate.extras import require

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's multiprocess mode (several workers)
DEFAULT_GRACEFUL = 30.0


@click.group(cls=WholeHelpGroup)
def shim() -> None:
    """Keep unmigrated code working: the legacy API on top of the OpenAI-compatible one."""


@shim.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Loopback by default; anything else exposes the proxy to the network.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--upstream", default=rules.OPENAI_BASE_URL, show_default=True,
              help="OpenAI-compatible base URL (ending in /v1).")
@click.option("--collections-upstream", default=rules.LEGACY_BASE_URL, show_default=True,
              help="Where /collections requests (and RAG queries) go: the legacy host, still live.")
@model_map_option
@click.option("--project", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="Project folder whose pyproject.toml [tool.ionos-migrate.models] is read.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn worker processes.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=0.1),
              help="Deadline in seconds for each upstream call, the whole answer included (504 after).")
@click.option("--retries", default=DEFAULT_RETRIES, show_default=True, type=click.IntRange(0, 10),
              help="Extra attempts on 429/503/connect errors (never after a request was delivered).")
@click.option("--max-body", "max_body_bytes", default=DEFAULT_MAX_BODY, show_default=True, type=click.IntRange(1),
              help="Largest request body accepted, in bytes (413 above).")
@click.option("--max-answer", "max_answer_bytes", default=DEFAULT_MAX_ANSWER, show_default=True,
              type=click.IntRange(1), help="Largest upstream answer passed on, in bytes (502 above).")
@click.option("--graceful-timeout", default=DEFAULT_GRACEFUL, show_default=True, type=click.FloatRange(min=0),
              help="On SIGTERM or Ctrl+C: stop accepting connections, then give requests in flight this many "
                   "seconds to finish.")
@click.option("--no-access-log", is_flag=True, help="Do not print the JSON access log.")
@click.option("--no-metrics", is_flag=True, help="Do not serve Prometheus metrics on GET /metrics.")
def serve(host: str, port: int, upstream: str, collections_upstream: str, model_map_file: Path | None, project: Path,
          workers: int, timeout: float, retries: int, max_body_bytes: int, max_answer_bytes: int,
          graceful_timeout: float, no_access_log: bool, no_metrics: bool) -> None:
    """Serve GET /models and POST /models/{id}/predictions, forward /collections/**.

    A caller's bearer token is passed on as it came; IONOS_API_TOKEN (if set)
    is used for callers that send none. Tokens are never logged.
    """
    require("proxy", "shim serve")
    import uvicorn

    try:
        http_base_url("--upstream", upstream)
        http_base_url("--collections-upstream", collections_upstream)
        load_model_map(load_project_config([project]), model_map_file)  # fail here, not in each worker
    except ValueError as exc:  # a ConfigError is one too
        raise click.UsageError(str(exc)) from None
    config = {
        "upstream": upstream, "collections_upstream": collections_upstream, "timeout": timeout, "retries": retries,
        "max_body_bytes": max_body_bytes, "max_answer_bytes": max_answer_bytes, "project": str(project.resolve()),
        "model_map_file": str(model_map_file.resolve()) if model_map_file else None,
        "token": os.environ.get("IONOS_API_TOKEN") or None,
        "access_log": not no_access_log, "metrics": not no_metrics,
    }
    os.environ["IONOS_MIGRATE_PROXY_CONFIG"] = json.dumps(config)
    # Several workers share one /metrics: each writes its values into this folder and
    # the worker that answers a scrape adds them up. A fresh folder, gone at exit.
    metrics_dir = None
    if workers > 1 and not no_metrics and not os.environ.get(MULTIPROC_ENV):
        metrics_dir = os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="ionos-migrate-metrics-")
    click.echo(_banner(host, port, upstream, collections_upstream, metrics=not no_metrics), err=True)
    try:
        _run(uvicorn.Config("ionos_migrate.compat.proxy:app_from_env", factory=True, host=host, port=port,
                            workers=workers, access_log=False, log_level="warning", server_header=False,
                            timeout_graceful_shutdown=graceful_timeout))
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _run(config: Any) -> None:
    """``uvicorn.run``, with three differences.

    - The shared socket of several workers gets TCP_NODELAY: uvicorn binds it
      with proto 0, so asyncio does not set it on accepted connections, and
      each keep-alive answer waited ~40 ms for a delayed ACK.
    - On SIGTERM the supervisor of several workers closes its copy of the
      listening socket before it stops the workers, so new connections are
      refused at once instead of waiting in the backlog of a closing server.
    - SIGTERM ends with exit 0 after the graceful shutdown: uvicorn delivers
      the signal again once it is done, to the handler that was there before
      it started; here that handler exits with 0 (as it does for a SIGTERM
      that arrives before the server has started).
    """
    import signal
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        def terminate_all(self) -> None:
            for sock in self.sockets:
                sock.close()
            super().terminate_all()

    def exit_0(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, exit_0)
    try:
        if config.workers > 1:
            sock = config.bind_socket()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            Supervisor(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run()
    except KeyboardInterrupt:
        pass


def _banner(host: str, port: int, upstream: str, collections_upstream: str, *, metrics: bool = True) -> str:
    where = "loopback only" if _is_loopback(host) else "EXPOSED beyond this machine: anyone who can reach it can use it"
    url_host = f"[{host}]" if ":" in host else host  # an IPv6 address
    return (f"ionos-migrate shim: legacy API on http://{url_host}:{port} ({where})\n"
            f"  models, predictions -> {upstream}\n  collections -> {collections_upstream}\n"
            f"  probes: /healthz, /readyz" + ("; Prometheus metrics: /metrics" if metrics else ""))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

