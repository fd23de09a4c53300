"""Exact, replayable window aggregates derived from a deduplicating store of contributions.

The aggregator holds no state of its own that matters: the truth is `store` (in the worker: a
changelog-backed Faust table). Each batch of contributions that arrives is checked against
the event ids already counted, and the new ones are written to the store in ONE entry; that
single write is one changelog message, so after any crash a call is either in the store (and
in the aggregates rebuilt from it) or not (and its batch will be re-delivered and counted).
The event-id index and the window aggregates are rebuilt from the store on start (`rebuild`).

Event time only:
- the watermark is the minimum, over the partitions of the calls topic, of the largest
  event time seen from that partition (a partition that lags or arrived in a big fetch does
  not make the others' calls late);
- a window is published when the watermark passes its end, and re-published (with a higher
  revision) when late calls within the grace period change it; after end + grace it is final
  and calls for it are `late` (not counted; they are still in the enriched calls);
- a record's revision is the number of calls of its window at publication: it only grows as
  late calls arrive, and publishing the same state twice gives the identical record, so
  re-publication after a restart is harmless and needs no publication state.

See docs/streams.md for the argument and the choices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from pydantic_core import from_json, to_json

from schemas.feed import FeedCell, ServiceFigures, SpikeAlert
from streams import contribution as C
from streams.feed import window_records
from streams.spikes import SpikeParams, alerts_for_day
from streams.windows import HOUR, Calendar, Window

DAY_PREFIX = b"day:"
BATCH_PREFIX = b"b:"
MARKER_RETENTION_DAYS = 40  # final-day markers kept for spike baselines (needs 9)

Record = FeedCell | ServiceFigures | SpikeAlert


class WindowAgg:
    """Counts of one window. `cells[(dimension, key)] = [calls, questions]`."""

    __slots__ = ("window", "calls", "cells", "offered", "answered", "abandoned", "transferred",
                 "out_of_hours", "wait_answered", "handle_sum", "handle_n", "within_target", "max_wait")

    def __init__(self, window: Window) -> None:
        self.window = window
        self.calls = 0
        self.cells: dict[tuple[str, str], list[int]] = {}
        self.offered = self.answered = self.abandoned = self.transferred = self.out_of_hours = 0
        self.wait_answered = 0.0
        self.handle_sum = 0.0
        self.handle_n = 0
        self.within_target = 0
        self.max_wait: float | None = None

    def add(self, incs: dict[tuple[str, str], list[int]], c: C.Contribution, target: float) -> None:
        self.calls += 1
        cells = self.cells
        for k, (dc, dq) in incs.items():
            cell = cells.get(k)
            if cell is None:
                cells[k] = [dc, dq]
            else:
                cell[0] += dc
                cell[1] += dq
        disp = c[C.DISPOSITION]
        if disp == "out_of_hours":
            self.out_of_hours += 1
            return
        wait = c[C.WAIT]
        self.offered += 1
        if self.max_wait is None or wait > self.max_wait:
            self.max_wait = wait
        if disp == "abandoned":
            self.abandoned += 1
            return
        self.answered += 1  # answered or transferred: an agent picked up
        if disp == "transferred":
            self.transferred += 1
        self.wait_answered += wait
        if wait <= target:
            self.within_target += 1
        handle = c[C.HANDLE]
        if handle is not None:
            self.handle_sum += handle
            self.handle_n += 1

    def adverse_effects(self) -> dict[str, int]:
        """Calls per `vaccine:symptom` in this window."""
        return {k: v[0] for (dim, k), v in self.cells.items() if dim == "adverse_effect"}


def increments(c: C.Contribution) -> dict[tuple[str, str], list[int]]:
    """What one call adds to each cell: [calls, questions] per (dimension, key).

    A call counts once per cell it falls in (a call with two vaccination questions is one call
    and two questions of `family=vaccination`). `total`, `language` (the call's language) and
    `region` (`unknown` when not given) put every call in exactly one cell, with all its
    questions; `family` and `question` (`other` for unmatched) count the calls that asked it
    and how often; `adverse_effect` does the same per vaccine:symptom named in
    adverse-effects questions (vaccine `unknown` when not named).
    """
    qs = c[C.QUESTIONS]
    n = len(qs)
    incs: dict[tuple[str, str], list[int]] = {
        ("total", "all"): [1, n],
        ("language", c[C.LANGUAGE]): [1, n],
        ("region", c[C.REGION] or "unknown"): [1, n],
    }
    for family, qid, _lang, vaccine, symptoms in qs:
        for k in (("family", family), ("question", qid or "other")):
            cell = incs.get(k)
            if cell is None:
                incs[k] = [1, 1]
            else:
                cell[1] += 1
        if family == "adverse_effects":
            for s in symptoms:
                k = ("adverse_effect", f"{vaccine or 'unknown'}:{s}")
                cell = incs.get(k)
                if cell is None:
                    incs[k] = [1, 1]
                else:
                    cell[1] += 1
    return incs


@dataclass
class Settings:
    """The aggregator's knobs (from hotline.config in the worker, literal in tests)."""

    grace_seconds: int = 3600
    service_level_seconds: float = 20.0
    min_cell_size: int = 5
    catalog_version: str = "unknown"
    timezone: str = "Africa/Casablanca"
    spikes: SpikeParams = field(default_factory=SpikeParams)


class Aggregator:
    """Deduplicates contributions into `store` and keeps the window aggregates derived from it."""

    def __init__(self, store: MutableMapping[bytes, bytes], settings: Settings, partitions: int | None = None) -> None:
        self.store = store
        self.s = settings
        self.calendar = Calendar(settings.timezone)
        self.partitions = partitions  # of the calls topic; None = not known yet
        self._reset()

    def _reset(self) -> None:
        self.part_max: dict[int, int] = {}
        self.windows: dict[tuple[str, int], WindowAgg] = {}
        self.seen: dict[str, date] = {}  # event id -> local day, of every counted call still live
        self.ids_by_day: dict[date, list[str]] = {}
        self.batch_days: dict[bytes, set[date]] = {}  # store key of a batch -> days it still holds
        self.batches_by_day: dict[date, set[bytes]] = {}
        self.final_days: dict[date, dict] = {}  # marker of each finalized day
        self.published: dict[tuple[str, int], int] = {}  # window key -> calls at last publication
        self.tick_hour: int | None = None  # hour of the watermark at the last tick
        self.to_finalize: list[WindowAgg] = []
        self.prune_backlog: set[bytes] = set()
        self.counted = self.duplicates = self.late = 0

    # --- state ---------------------------------------------------------------------------
    def rebuild(self) -> int:
        """Recompute everything derived from the store (after recovery); returns the calls counted."""
        self._reset()
        items = list(self.store.items())
        for k, v in items:
            if k.startswith(DAY_PREFIX):
                self.final_days[date.fromisoformat(k[len(DAY_PREFIX):].decode())] = from_json(v)
        for marker in self.final_days.values():
            for p, t in marker.get("part_max", {}).items():
                self._see(int(p), t)
        for k, v in items:
            if not k.startswith(BATCH_PREFIX):
                continue
            for c in from_json(v):
                hour, day = self.calendar.windows(c[C.TIME])
                if day.local_date in self.final_days:
                    self._see(c[C.PARTITION], c[C.TIME])
                    continue
                if c[C.EVENT_ID] not in self.seen:
                    self._count(k, c, hour, day)
            if not self.batch_days.get(k):
                self.prune_backlog.add(k)  # everything in it belongs to final days
        counted, self.counted = self.counted, 0
        return counted

    def _see(self, p: int, t: int) -> None:
        if t > self.part_max.get(p, -1):
            self.part_max[p] = t

    @property
    def watermark(self) -> int | None:
        """Min over the calls topic's partitions of the latest event time seen from each."""
        n = self.partitions or 0
        pm = self.part_max
        if n == 0 or any(p not in pm for p in range(n)):
            return None  # a partition nothing came from yet: event time is unknown there
        return min(pm[p] for p in range(n))

    # --- contributions -------------------------------------------------------------------
    def accept_batch(self, contribs: list[C.Contribution]) -> Counter[str]:
        """Count each new call of a batch once; ONE store write records all of them.

        Returns how many were "counted", "duplicate" (event id already counted) or "late"
        (their hour is past end + grace). The write is keyed by the first new event id, which
        is unique (an event id is counted once) and the same if the batch is re-delivered.
        """
        out: Counter[str] = Counter()
        new: list[C.Contribution] = []
        seen = self.seen
        grace = self.s.grace_seconds
        final_days = self.final_days
        wm = self.watermark
        for c in contribs:
            eid = c[C.EVENT_ID]
            if eid in seen:
                out["duplicate"] += 1
                continue
            hour, day = self.calendar.windows(c[C.TIME])
            if (wm is not None and hour.end + grace <= wm) or day.local_date in final_days:
                out["late"] += 1
                continue
            key = BATCH_PREFIX + (new[0][C.EVENT_ID] if new else eid).encode()
            new.append(c)
            self._count(key, c, hour, day)
            wm = self.watermark
        if new:
            self.store[BATCH_PREFIX + new[0][C.EVENT_ID].encode()] = to_json(new)  # atomic: all or none
        out["counted"] = len(new)
        self.duplicates += out["duplicate"]
        self.late += out["late"]
        return out

    def accept(self, c: C.Contribution) -> str:
        """One contribution as a batch of one (tests and tools)."""
        return next(iter(+self.accept_batch([c])))

    def _count(self, key: bytes, c: C.Contribution, hour: Window, day: Window) -> None:
        self._see(c[C.PARTITION], c[C.TIME])
        incs = increments(c)
        target = self.s.service_level_seconds
        for w in (hour, day):
            agg = self.windows.get(w.key)
            if agg is None:
                agg = self.windows[w.key] = WindowAgg(w)
            agg.add(incs, c, target)
        d = day.local_date
        eid = c[C.EVENT_ID]
        self.seen[eid] = d
        ids = self.ids_by_day.get(d)
        if ids is None:
            ids = self.ids_by_day[d] = []
            self.batches_by_day[d] = set()
        ids.append(eid)
        days = self.batch_days.get(key)
        if days is None:
            days = self.batch_days[key] = set()
        days.add(d)
        self.batches_by_day[d].add(key)
        self.counted += 1

    # --- publication ---------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> list[Record]:
        """Records to publish because event time moved into a new hour (call after each batch).

        Publishes every window that ended before the watermark and changed since it was last
        published, and queues the windows past end + grace for `finalize`.
        """
        wm = self.watermark
        if wm is None:
            return []
        h = wm - wm % HOUR
        if self.tick_hour is not None and h <= self.tick_hour:
            return []
        self.tick_hour = h
        now = now or datetime.now(timezone.utc)
        out: list[Record] = []
        for key, agg in sorted(self.windows.items()):
            if agg.window.end <= wm:
                out += self._publish(agg, now)
            if agg.window.end + self.s.grace_seconds <= wm and agg not in self.to_finalize:
                self.to_finalize.append(agg)
        return out

    def flush_open(self, now: datetime | None = None) -> list[Record]:
        """Publish every window changed since its last publication, ended or not.

        Called when the input has been idle (the end of a finite replay): the last windows
        get published with everything that arrived. They stay open: later calls within the
        grace period re-publish them with a higher revision.
        """
        now = now or datetime.now(timezone.utc)
        out: list[Record] = []
        for key, agg in sorted(self.windows.items()):
            out += self._publish(agg, now)
        return out

    def _publish(self, agg: WindowAgg, now: datetime) -> list[Record]:
        w = agg.window
        if self.published.get(w.key) == agg.calls:
            return []
        self.published[w.key] = agg.calls
        recs: list[Record] = list(window_records(agg, self.s.min_cell_size, self.s.catalog_version,
                                                 self.s.service_level_seconds, now))
        if w.kind == "day":
            recs += alerts_for_day(w.local_date, agg.calls, agg.adverse_effects(), self.daily_history, self.s.spikes, self.s.min_cell_size, now)
        return recs

    def daily_history(self, d: date) -> dict[str, int] | None:
        """Adverse-effect calls per vaccine:symptom of local day d, None if no data for that day."""
        marker = self.final_days.get(d)
        if marker is not None:
            return marker["ae"]
        agg = self.windows.get(("day", self.calendar.day(d).start))
        return agg.adverse_effects() if agg is not None else None

    # --- finalization (store writes: call inside stream processing, after the sends) ------
    @property
    def pending_store_writes(self) -> bool:
        return bool(self.to_finalize or self.prune_backlog)

    def finalize(self) -> int:
        """Forget windows past end + grace; for a final day write its marker, then drop its calls.

        The marker (one store write) comes before the deletions, in the same changelog, so a
        crash in between leaves a marked day whose remaining batches are pruned again. A batch
        is deleted once every day it holds is final. Returns how many batches were deleted.
        """
        deleted = 0
        for key in self.prune_backlog:
            self.store.pop(key, None)
            deleted += 1
        self.prune_backlog = set()
        for agg in self.to_finalize:
            w = agg.window
            self.windows.pop(w.key, None)
            self.published.pop(w.key, None)
            if w.kind != "day":
                continue
            d = w.local_date
            marker = {"calls": agg.calls, "ae": agg.adverse_effects(), "part_max": {str(p): t for p, t in self.part_max.items()}}
            self.store[DAY_PREFIX + d.isoformat().encode()] = to_json(marker)
            self.final_days[d] = marker
            for eid in self.ids_by_day.pop(d, ()):
                self.seen.pop(eid, None)
            for key in self.batches_by_day.pop(d, ()):
                days = self.batch_days.get(key)
                if days is not None:
                    days.discard(d)
                    if not days:
                        del self.batch_days[key]
                        self.store.pop(key, None)
                        deleted += 1
            for old in [x for x in self.final_days if x < d - timedelta(days=MARKER_RETENTION_DAYS)]:
                self.store.pop(DAY_PREFIX + old.isoformat().encode(), None)
                del self.final_days[old]
        self.to_finalize = []
        return deleted
