"""Fixtures for the fleet tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# pytest imports test modules without putting their folder on sys.path; the tests here share fleet_helpers.py.
sys.path.insert(0, str(Path(__file__).parent))

from fleet_helpers import Fleet, legacy_fleet  # noqa: E402


@pytest.fixture
def fleet(tmp_path) -> Fleet:
    """The legacy fleet, pushed to bare origins and cloned by all-repos-clone."""
    built = Fleet(tmp_path, legacy_fleet())
    built.clone()
    return built
