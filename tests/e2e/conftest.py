from __future__ import annotations

import os

import pytest

# Simulated callers are hashed with the development key; tests never run in production mode.
os.environ.setdefault("HOTLINE_MODE", "test")


@pytest.fixture(scope="session")
def services_up() -> None:
    """The real broker and server that `hotline infra up` (and so `.ci/run`) started."""
    from infra.services import status

    st = status()
    if not (st["kafka"]["healthy"] and st["clickhouse"]["healthy"]):
        message = "Kafka and ClickHouse must be running: `hotline infra up`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
