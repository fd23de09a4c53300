"""Simulated runs shared by the simulator tests (each is generated once per session)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
import pytest

from producers.simulator.simulate import SimulatedCall
from simulator_helpers import EVENT_DAY, run

@pytest.fixture(scope="session")
def week() -> list[SimulatedCall]:
    """Monday..Sunday at 1500 calls/day with 8 agents and one announcement on Thursday."""
    return run(7, 1500, 8, seed=11, event_days=[f"{EVENT_DAY.isoformat()}:eligibility"])


@pytest.fixture(autouse=True)
def _drop_cli_log_handlers() -> Iterator[None]:
    """`hotline.cli.main` points logging at the (captured) stderr of one test; unhook it after."""
    yield
    logging.getLogger().handlers[:] = []
