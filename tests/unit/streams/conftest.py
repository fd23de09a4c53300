"""Fixtures of the streams unit tests."""

import pytest
from streams_fakes import simulated


@pytest.fixture(scope="session")
def sim_day():
    return simulated()
