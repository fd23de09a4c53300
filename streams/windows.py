"""Event-time windows: UTC hours and local (Africa/Casablanca) days.

Hours are tumbling UTC hours. Days are calendar days in the hotline's time zone, computed
with zoneinfo because Morocco is not always UTC+1: it goes back to UTC+0 during Ramadan, so
the local day that contains the switch lasts 25 hours and the day it ends lasts 23 hours.
Every offset the zone has ever used is a whole hour, so each UTC hour lies inside exactly one
local day; the calendar caches the day per hour so that the per-call cost is a dict lookup.

Times are integer epoch seconds (UTC) throughout the aggregation code: cheap to compare,
hash and serialise, and identical on every replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

HOUR = 3600


def hour_start(t: int) -> int:
    """Start (epoch seconds) of the UTC hour that contains t."""
    return t - t % HOUR


def utc(t: int) -> datetime:
    return datetime.fromtimestamp(t, timezone.utc)


@dataclass(frozen=True, slots=True)
class Window:
    """One tumbling window: `kind` is "hour" or "day"; [start, end) in epoch seconds."""

    kind: str
    start: int
    end: int
    local_date: date

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.start)

    @property
    def label(self) -> str:
        """The window part of a feed record_id: `hour:2021-06-01T09`."""
        return f"{self.kind}:{utc(self.start):%Y-%m-%dT%H}"


class Calendar:
    """Maps event times to their hour and local-day windows (cached per UTC hour)."""

    def __init__(self, tz: str = "Africa/Casablanca") -> None:
        self.zone = ZoneInfo(tz)
        self._by_hour: dict[int, tuple[Window, Window]] = {}

    def local_date(self, t: int) -> date:
        return datetime.fromtimestamp(t, self.zone).date()

    def day(self, d: date) -> Window:
        """The local day d as a UTC interval (23, 24 or 25 hours long)."""
        start = datetime(d.year, d.month, d.day, tzinfo=self.zone).astimezone(timezone.utc)
        nxt = d + timedelta(days=1)
        end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=self.zone).astimezone(timezone.utc)
        return Window("day", int(start.timestamp()), int(end.timestamp()), d)

    def windows(self, t: int) -> tuple[Window, Window]:
        """(hour window, day window) of the event time t."""
        h = t - t % HOUR
        found = self._by_hour.get(h)
        if found is None:
            d = self.local_date(h)
            found = (Window("hour", h, h + HOUR, d), self.day(d))
            if len(self._by_hour) > 50_000:  # ~5.7 years of hours; a replay never gets here
                self._by_hour.clear()
            self._by_hour[h] = found
        return found
