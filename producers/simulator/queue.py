"""The agent pool: a FIFO queue with impatient callers, simulated call by call.

In a FIFO multi-agent queue a caller is taken by the first agent to become free after every
earlier caller was either taken or gave up, so calls can be processed in arrival order with a
heap of agent free times: the call starts at max(arrival, earliest free agent) unless that is
later than the caller's patience allows (abandoned) or than closing time (the line closes on
the callers still waiting). Waits, abandonment and occupancy thus follow from the volume, the
team size and the handle times instead of being drawn as rates.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass

from producers.simulator.arrivals import DayWindow, is_open

ANSWERED, ABANDONED, TRANSFERRED, OUT_OF_HOURS = "answered", "abandoned", "transferred", "out_of_hours"

# Caller patience: log-normal, mean ~110 s with a long tail (some hang up at once, some hold on).
PATIENCE_MEAN, PATIENCE_SIGMA = 110.0, 0.9
# Talk time: log-normal around a mean that grows with the number of questions (AHT ~2.2 min).
HANDLE_BASE, HANDLE_PER_QUESTION, HANDLE_SIGMA = 45.0, 45.0, 0.4
HANDLE_MIN = 20.0
# After-call work before the agent takes the next call.
WRAP_MIN, WRAP_MEAN_EXTRA = 6.0, 10.0
TRANSFER_SHARE = 0.03  # handed over to another service (a doctor, the regional health office)
TRANSFER_EXTRA = 20.0  # seconds spent announcing and making the transfer
CLOSED_MESSAGE_MIN, CLOSED_MESSAGE_EXTRA = 12.0, 25.0  # the recorded "line is closed" message


@dataclass(slots=True)
class Outcome:
    """What happened to one call (epoch seconds)."""

    disposition: str
    ended_at: float
    answered_at: float | None = None
    agent: int | None = None


def _lognormal_mu(mean: float, sigma: float) -> float:
    return math.log(mean) - sigma * sigma / 2


_PATIENCE_MU = _lognormal_mu(PATIENCE_MEAN, PATIENCE_SIGMA)


def serve(window: DayWindow, arrivals: list[float], questions: list[int], agents: int, rng: random.Random) -> list[Outcome]:
    """Outcome of each call of one day; `questions[i]` is how many questions caller i brings.

    A transferred call is talked through its first question only, then handed over.
    """
    lognorm, expo, uniform = rng.lognormvariate, rng.expovariate, rng.random
    free = [(window.opens, a) for a in range(agents)]  # (time the agent is free, agent index)
    heapq.heapify(free)
    out: list[Outcome] = []
    for t, n in zip(arrivals, questions):
        if not is_open(window, t):
            out.append(Outcome(OUT_OF_HOURS, t + CLOSED_MESSAGE_MIN + uniform() * CLOSED_MESSAGE_EXTRA))
            continue
        patience = lognorm(_PATIENCE_MU, PATIENCE_SIGMA)
        if not free:  # no agents at all: every caller gives up or is cut at closing
            out.append(Outcome(ABANDONED, min(t + patience, window.closes)))
            continue
        free_at, agent = free[0]
        start = t if free_at <= t else free_at
        if start > t + patience:
            out.append(Outcome(ABANDONED, t + patience))
            continue
        if start >= window.closes:
            out.append(Outcome(ABANDONED, window.closes))
            continue
        transferred = uniform() < TRANSFER_SHARE
        asked = 1 if transferred else n
        mean = HANDLE_BASE + HANDLE_PER_QUESTION * asked
        handle = max(HANDLE_MIN, lognorm(_lognormal_mu(mean, HANDLE_SIGMA), HANDLE_SIGMA))
        if transferred:
            handle += TRANSFER_EXTRA
        end = start + handle
        heapq.heapreplace(free, (end + WRAP_MIN + expo(1 / WRAP_MEAN_EXTRA), agent))
        out.append(Outcome(TRANSFERRED if transferred else ANSWERED, end, start, agent))
    return out
