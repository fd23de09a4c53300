"""How many agents a queue needs: Erlang C with a service-level target, an occupancy cap and shrinkage.

Erlang C assumes Poisson arrivals, exponential handle times and callers who wait forever; it
slightly over-staffs a line where callers abandon, which is the safe side for a hotline.

The probability of waiting is computed from the Erlang B recursion
``B(n) = A*B(n-1) / (n + A*B(n-1))`` and ``C = n*B / (n - A*(1 - B))``: no factorials or
powers, so it stays exact to float precision for thousands of agents, and the search for the
smallest agent count reuses each step of the recursion.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from hotline.errors import HotlineError

MAX_AGENTS = 1_000_000
"""Searches stop here: a larger answer means the inputs are wrong (e.g. minutes given as seconds)."""


@dataclass(frozen=True)
class StaffingResult:
    """The smallest team meeting the targets, and what that team achieves."""

    calls: float
    interval_seconds: float
    aht_seconds: float
    target_seconds: float
    service_level_target: float
    max_occupancy: float | None
    shrinkage: float
    traffic_erlangs: float
    raw_agents: int
    scheduled_agents: int
    probability_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float
    limited_by: str  # "service_level", "occupancy" or "no_calls"

    def to_dict(self) -> dict:
        return asdict(self)


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of `agents` servers offered `traffic` Erlangs (Erlang B)."""
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic must be >= 0")
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def _erlang_c_from_b(agents: int, traffic: float, b: float) -> float:
    if agents <= traffic:
        return 1.0  # the queue grows without bound: everyone waits
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a caller has to wait, with `agents` agents and `traffic` Erlangs."""
    return _erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))


def service_level_for(agents: int, traffic: float, aht_seconds: float, target_seconds: float, pw: float | None = None) -> float:
    """Share of calls answered within `target_seconds`."""
    if agents <= traffic:
        return 0.0
    if pw is None:
        pw = erlang_c(agents, traffic)
    return max(0.0, 1.0 - pw * math.exp(-(agents - traffic) * target_seconds / aht_seconds))


def asa_seconds(agents: int, traffic: float, aht_seconds: float, pw: float | None = None) -> float:
    """Average speed of answer (mean wait over all calls)."""
    if agents <= traffic:
        return math.inf
    if pw is None:
        pw = erlang_c(agents, traffic)
    return pw * aht_seconds / (agents - traffic)


def scheduled_agents(raw_agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `raw_agents` are on the phones after shrinkage.

    Rounded up, but 14 / (1 - 0.3) = 20.000000000000004 in floating point must give 20.
    """
    return math.ceil(round(raw_agents / (1.0 - shrinkage), 9))


def _check(calls: float, interval_seconds: float, aht_seconds: float, target_seconds: float,
           service_level_target: float, max_occupancy: float | None, shrinkage: float) -> None:
    problems = []
    if not (isinstance(calls, (int, float)) and math.isfinite(calls) and calls >= 0):
        problems.append(f"calls must be a number >= 0 (got {calls!r})")
    if not (math.isfinite(interval_seconds) and interval_seconds > 0):
        problems.append(f"the interval must be > 0 (got {interval_seconds!r} s)")
    if not (math.isfinite(aht_seconds) and aht_seconds > 0):
        problems.append(f"the average handle time must be > 0 (got {aht_seconds!r} s)")
    if not (math.isfinite(target_seconds) and target_seconds >= 0):
        problems.append(f"the target answer time must be >= 0 (got {target_seconds!r} s)")
    if not (0 < service_level_target < 1):
        problems.append(f"the service level must be a fraction between 0 and 1, e.g. 0.8 (got {service_level_target!r}); 1 is never reached")
    if max_occupancy is not None and not (0 < max_occupancy <= 1):
        problems.append(f"the occupancy cap must be a fraction in (0, 1], e.g. 0.85 (got {max_occupancy!r})")
    if not (0 <= shrinkage < 1):
        problems.append(f"shrinkage must be a fraction in [0, 1), e.g. 0.3 (got {shrinkage!r})")
    if problems:
        raise HotlineError("staffing: " + "; ".join(problems))


def required_agents(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Smallest number of agents answering `service_level` of `calls` within `target_seconds`.

    `calls` arrive in `interval_seconds`, each taking `aht_seconds`; with `max_occupancy`, agents
    are added until traffic / agents is at most that share. Raises HotlineError on bad input.
    """
    _check(calls, interval_seconds, aht_seconds, target_seconds, service_level, max_occupancy, shrinkage)
    traffic = calls * aht_seconds / interval_seconds
    common = dict(calls=calls, interval_seconds=interval_seconds, aht_seconds=aht_seconds,
                  target_seconds=target_seconds, service_level_target=service_level,
                  max_occupancy=max_occupancy, shrinkage=shrinkage, traffic_erlangs=traffic)
    if traffic == 0:
        return StaffingResult(**common, raw_agents=0, scheduled_agents=0, probability_wait=0.0,
                              service_level=1.0, asa_seconds=0.0, occupancy=0.0, limited_by="no_calls")

    # Fewer than floor(A) + 1 agents can never keep up; start the search there.
    start = math.floor(traffic) + 1
    if start > MAX_AGENTS:
        raise HotlineError(f"staffing: {traffic:.0f} Erlangs of traffic needs more than {MAX_AGENTS} agents; check the units of calls, interval and handle time")
    b = erlang_b(start - 1, traffic)
    for n in range(start, MAX_AGENTS + 1):
        b = traffic * b / (n + traffic * b)
        pw = _erlang_c_from_b(n, traffic, b)
        if 1.0 - pw * math.exp(-(n - traffic) * target_seconds / aht_seconds) >= service_level:
            n_service = n
            break
    else:
        raise HotlineError(f"staffing: no team of up to {MAX_AGENTS} agents meets the target; check the inputs")
    # Occupancy cap: traffic / agents <= cap (the rounding guard keeps 10 / 0.5 at 20, not 21).
    n_occupancy = math.ceil(round(traffic / max_occupancy, 9)) if max_occupancy else 0
    raw = max(n_service, n_occupancy)
    pw = erlang_c(raw, traffic)
    return StaffingResult(
        **common, raw_agents=raw, scheduled_agents=scheduled_agents(raw, shrinkage),
        probability_wait=pw,
        service_level=service_level_for(raw, traffic, aht_seconds, target_seconds, pw),
        asa_seconds=asa_seconds(raw, traffic, aht_seconds, pw),
        occupancy=traffic / raw,
        limited_by="occupancy" if n_occupancy > n_service else "service_level",
    )
