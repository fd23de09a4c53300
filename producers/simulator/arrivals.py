"""When calls reach the line: a Poisson process whose rate follows the hour of the local day.

The rate is piecewise constant per local hour, so arrivals are drawn with exponential gaps
restarted at each hour boundary (exact for a Poisson process, one draw per call). Hours are
converted to UTC through the time zone, so a daylight-saving switch (Morocco moves to UTC+0
for Ramadan) shifts the opening hours in UTC the way it did on the real line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OPEN_HOUR, CLOSE_HOUR = 8, 18
OPEN_WEEKDAYS = frozenset(range(6))  # Monday..Saturday; the line is closed on Sundays

# Relative call volume of each open hour (local): morning peak 10-12h, lunch dip, after-lunch bump.
OPEN_PROFILE = {8: 0.55, 9: 1.0, 10: 1.35, 11: 1.4, 12: 1.1, 13: 0.75, 14: 1.05, 15: 1.0, 16: 0.8, 17: 0.6}

# Calls to a closed line: a share of the expected open-hours volume, spread by hour.
OUT_OF_HOURS_SHARE_OPEN_DAY = 0.04  # evenings and early mornings of Monday..Saturday
OUT_OF_HOURS_SHARE_SUNDAY = 0.10
CLOSED_PROFILE = {0: 0.1, 1: 0.05, 2: 0.02, 3: 0.02, 4: 0.03, 5: 0.08, 6: 0.3, 7: 0.9,
                  18: 1.0, 19: 0.8, 20: 0.6, 21: 0.45, 22: 0.3, 23: 0.2}
SUNDAY_PROFILE = {h: (OPEN_PROFILE.get(h) or CLOSED_PROFILE[h] * 0.5) for h in range(24)}


@dataclass(frozen=True)
class DayWindow:
    """One local calendar day, as UTC epoch seconds."""

    day: date
    open_day: bool
    opens: float  # epoch seconds of 08:00 local (meaningless when not open_day)
    closes: float  # epoch seconds of 18:00 local
    hour_starts: tuple[float, ...]  # 25 values: 00:00 .. 24:00 local


def day_window(day: date, tz: ZoneInfo) -> DayWindow:
    """Local hour boundaries of `day` in UTC epoch seconds."""
    starts = [datetime.combine(day, time(h), tzinfo=tz).timestamp() for h in range(24)]
    starts.append(datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).timestamp())
    return DayWindow(day, day.weekday() in OPEN_WEEKDAYS, starts[OPEN_HOUR], starts[CLOSE_HOUR], tuple(starts))


def is_open(window: DayWindow, t: float) -> bool:
    """Whether an agent can take a call at epoch second `t` of this day."""
    return window.open_day and window.opens <= t < window.closes


def hourly_rates(window: DayWindow, expected_open_calls: float) -> list[float]:
    """Expected number of arrivals in each local hour (24 values)."""
    if window.open_day:
        open_total = sum(OPEN_PROFILE.values())
        closed_total = sum(CLOSED_PROFILE.values())
        out = expected_open_calls * OUT_OF_HOURS_SHARE_OPEN_DAY
        return [expected_open_calls * OPEN_PROFILE[h] / open_total if h in OPEN_PROFILE
                else out * CLOSED_PROFILE[h] / closed_total for h in range(24)]
    total = sum(SUNDAY_PROFILE.values())
    out = expected_open_calls * OUT_OF_HOURS_SHARE_SUNDAY
    return [out * SUNDAY_PROFILE[h] / total for h in range(24)]


def arrivals(window: DayWindow, expected_open_calls: float, rng: random.Random) -> list[float]:
    """Arrival times (epoch seconds, ascending) of one local day."""
    times: list[float] = []
    append, expo = times.append, rng.expovariate
    for h, expected in enumerate(hourly_rates(window, expected_open_calls)):
        start, end = window.hour_starts[h], window.hour_starts[h + 1]
        if expected <= 0 or end <= start:
            continue
        rate = expected / (end - start)
        t = start + expo(rate)
        while t < end:
            append(t)
            t += expo(rate)
    return times
