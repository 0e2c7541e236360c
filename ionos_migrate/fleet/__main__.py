"""``python -m ionos_migrate.fleet``: the all-repos autofixer (docs/fleet.md)."""

from __future__ import annotations

try:
    import all_repos  # noqa: F401
except ImportError:
    raise SystemExit("python -m ionos_migrate.fleet needs all-repos: pip install 'ionos-migrate[fleet]'") from None

from ionos_migrate.fleet.autofixer import main

if __name__ == "__main__":  # not when a spawned worker process imports this module
    raise SystemExit(main())
