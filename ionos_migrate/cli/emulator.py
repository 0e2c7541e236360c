"""``ionos-migrate emulator serve``: the offline, deterministic IONOS API on loopback."""

from __future__ import annotations

from pathlib import Path

import click

from ionos_migrate.cli.options import WholeHelpGroup

JOURNAL_LIMIT = 10_000  # entries kept for GET /_emulator/journal by a long-running server


def _load_collections(path: Path | None) -> dict:
    """A JSON file ``{"collection-id": ["text", {"id", "name", "text"}, ...]}``."""
    if path is None:
        return {}
    import json

    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--collections") from None
    if not isinstance(data, dict) or not all(
        isinstance(docs, list) and all(isinstance(doc, (str, dict)) for doc in docs) for docs in data.values()
    ):
        raise click.BadParameter(f'{path}: expected {{"collection-id": ["document text", {{"text": ...}}, ...]}}',
                                 param_hint="--collections")
    return data


@click.group(cls=WholeHelpGroup)
def emulator() -> None:
    """An offline, deterministic stand-in for the IONOS AI Model Hub."""


@emulator.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", default=8088, show_default=True, type=click.IntRange(0, 65535), help="Port; 0 picks a free one.")
@click.option("--latency", default=0.0, show_default=True, type=click.FloatRange(0), help="Seconds added to every answer.")
@click.option("--error-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Fraction of API requests answered 500 (seeded, reproducible).")
@click.option("--force-429", default=0, show_default=True, type=click.IntRange(-1),
              help="Answer the next N API requests with 429 (-1: all of them).")
@click.option("--retry-after", default=1, show_default=True, type=click.IntRange(0), help="Retry-After of a 429, seconds.")
@click.option("--collections", "collections_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help='JSON file seeding collections: {"id": ["document text", ...]}.')
@click.option("--seed", default=0, show_default=True, help="Seed of the error-rate draws.")
@click.option("--fail", default=None, metavar="STATUS[@N]",
              help="Answer every API request with this error status (401, 500...), or only the Nth with @N "
                   "(default: $IONOS_MIGRATE_EMULATOR_FAIL).")
def serve(host: str, port: int, latency: float, error_rate: float, force_429: int, retry_after: int,
          collections_file: Path | None, seed: int, fail: str | None) -> None:
    """Serve the OpenAI-compatible API under /v1 and POST /collections/{id}/query.

    Any non-empty bearer token is accepted. GET /_emulator/journal lists the
    requests received (DELETE clears it).
    """
    from ionos_migrate.extras import require

    require("runtime", "emulator serve")
    import uvicorn

    from ionos_migrate.compat.emulator import create_app

    try:
        app = create_app(latency=latency, error_rate=error_rate, force_429=True if force_429 == -1 else force_429,
                         retry_after=retry_after, collections=_load_collections(collections_file), seed=seed,
                         journal_limit=JOURNAL_LIMIT, fail=fail)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fail") from None
    click.echo(f"emulator: http://{host}:{port}/v1 (OpenAI-compatible), http://{host}:{port} (collections)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
