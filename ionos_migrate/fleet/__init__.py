"""Migrate a whole organisation: an all-repos autofixer, the fleet report, and its merge.

``python -m ionos_migrate.fleet`` (the ``[fleet]`` extra) runs ``ionos-migrate
apply`` in a clone of every repository that carries a legacy signal, commits
with a pull-request text and pushes through all-repos's configured push.
``report`` and ``render`` need nothing but the core install, so
``ionos-migrate fleet-report`` merges shares anywhere. See docs/fleet.md.
"""
