"""Fixtures for the engine tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main

# pytest 9 imports test modules without putting their folder on sys.path; the
# tests here share engine_helpers.py.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def cli(monkeypatch):
    """Run ``ionos-migrate ARGS`` in-process from folder ``cwd``; returns click's Result."""

    def invoke(cwd: Path, *args: str):
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke
