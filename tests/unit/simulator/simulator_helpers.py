"""Helpers of the simulator tests: small simulated runs with a fixed caller-hash key."""

from __future__ import annotations

from datetime import date

from producers.simulator.simulate import SimulatedCall, simulate_labelled

KEY = b"simulator-unit-test-caller-key-01"
MONDAY = date(2021, 6, 7)
EVENT_DAY = date(2021, 6, 10)  # a Thursday: a new age band opens


def run(days: int, calls: float, agents: int, seed: int, start: date = MONDAY, **kw) -> list[SimulatedCall]:
    return list(simulate_labelled(days, calls, agents, seed, start=start, caller_key=KEY, **kw))
