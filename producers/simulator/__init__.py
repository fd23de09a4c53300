"""The hotline simulator: realistic call events for demos, tests and benchmarks.

`simulate(...)` yields `CallEvent`s in order of arrival; `simulate_labelled(...)` adds the
truth behind each question; `summarize(...)` gives the service figures of a run.
"""

from producers.simulator.simulate import SimulatedCall, simulate, simulate_labelled, summarize

__all__ = ["SimulatedCall", "simulate", "simulate_labelled", "summarize"]
