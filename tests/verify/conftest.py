"""One emulator per test module (starting and stopping a server per test is slow), fresh state per test.

The fixtures users get from the plugin are tested as users get them, in test_pytest_plugin.py.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from ionos_migrate.compat.emulator import Settings, create_app
from ionos_migrate.compat.serving import serve_in_thread


@pytest.fixture(scope="module")
def _shared_emulator() -> Iterator[tuple[Any, str]]:
    app = create_app()
    with serve_in_thread(app) as url:
        yield app, url


@pytest.fixture
def ionos_emulator_app(_shared_emulator: tuple[Any, str]) -> Any:
    app, _ = _shared_emulator
    app.state.journal.clear()
    app.state.settings = Settings()
    return app


@pytest.fixture
def ionos_emulator(_shared_emulator: tuple[Any, str], ionos_emulator_app: Any) -> str:
    return _shared_emulator[1]
