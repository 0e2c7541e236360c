"""pytest fixtures for users' own tests: an offline IONOS AI Model Hub.

Registered through the ``pytest11`` entry point ``ionos_migrate``, so with
ionos-migrate installed a test can simply ask for it::

    def test_summary(ionos_emulator):
        client = OpenAI(base_url=ionos_emulator + "/v1", api_key="test")
        ...

``ionos_emulator`` is the base URL of a fresh emulator on a free loopback
port (append ``/v1`` for the OpenAI-compatible API; the collections query is
at the root, as on the legacy host). ``ionos_emulator_app`` is the app
behind it, to read ``app.state.journal`` or turn the knobs in
``app.state.settings``.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest


@pytest.fixture
def ionos_emulator_app() -> Any:
    from ionos_migrate.compat.emulator import create_app

    return create_app()


@pytest.fixture
def ionos_emulator(ionos_emulator_app: Any) -> Iterator[str]:
    from ionos_migrate.compat.serving import serve_in_thread

    with serve_in_thread(ionos_emulator_app) as url:
        yield url
