"""Exactly-once aggregates on the real broker: SIGKILL mid-stream, restart, re-sent events; two workers."""

from __future__ import annotations

import json
import re
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "streams"))
from streams_fakes import simulated  # noqa: E402
from worker_harness import Pipeline, day_total, latest_feed  # noqa: E402

pytestmark = pytest.mark.integration


def encoded(events):
    return [(e.call.call_id.encode(), e.model_dump_json().encode()) for e in events]


def settled_feed(pl: Pipeline, expected: int, timeout: float) -> dict:
    """The feed once its day total reached `expected` and stayed put past an idle flush."""
    pl.wait_for(lambda: day_total(latest_feed(pl.read("feed"))) >= expected, timeout, f"feed total {expected}")
    time.sleep(3)  # > HOTLINE_WORKER_IDLE_FLUSH_SECONDS: anything still pending would be published
    return latest_feed(pl.read("feed"))


def test_sigkill_restart_and_resent_events_count_once(tmp_path, make_topic, unique_name, kafka_bootstrap):
    events, _ = simulated(calls=4000, seed=21)
    n = len(events)
    pl = Pipeline(make_topic, unique_name, kafka_bootstrap)
    pl.produce(encoded(events))
    first = pl.start_worker(tmp_path)
    try:
        pl.wait_for(lambda: len(pl.read("enriched", timeout=2)) >= n // 4, 45, "a quarter of the calls enriched")
        pl.kill(first)  # no clean shutdown: no final commit, no producer flush
        pl.start_worker(tmp_path)
        pl.produce(encoded(events[::10]))  # re-sent events: same event ids
        feed = settled_feed(pl, n, 50)
    finally:
        codes = pl.stop_all(signal.SIGTERM)
    assert codes == [0], pl.log_text()
    assert day_total(feed) == n, pl.log_text()
    hours = sum(r["calls"] or 0 for r in feed.values() if r.get("dimension") == "total" and r["window"] == "hour")
    assert hours <= n  # suppressed small hours are not counted here, but nothing is counted twice
    enriched_ids = {json.loads(r.value)["event_id"] for r in pl.read("enriched")}
    assert enriched_ids == {str(e.event_id) for e in events}  # none lost (duplicates are the sink's job)
    log = pl.logs[-1].read_text()
    assert re.search(r"duplicates=[1-9]", log), log[-3000:]  # the re-sent events were recognised


def test_two_workers_give_the_same_feed_as_one(tmp_path, make_topic, unique_name, kafka_bootstrap):
    events, _ = simulated(calls=3000, seed=22)
    # both pipelines run at the same time (same code, same classifier), one with 1 worker, one with 2
    runs = {n: Pipeline(make_topic, unique_name, kafka_bootstrap) for n in (1, 2)}
    try:
        for n, pl in runs.items():
            d = tmp_path / f"w{n}"
            d.mkdir()
            for _ in range(n):
                pl.start_worker(d)
        for n, pl in runs.items():
            # all in the calls group before the calls arrive, so that the two really split them
            pl.wait_for(lambda pl=pl, n=n: pl.group_members(f"{pl.app_id}-calls") == n, 40, f"{n} group members")
        for pl in runs.values():
            pl.produce(encoded(events))
        feeds = {n: settled_feed(pl, len(events), 50) for n, pl in runs.items()}
    finally:
        codes = {n: pl.stop_all(signal.SIGTERM) for n, pl in runs.items()}
    assert codes == {1: [0], 2: [0, 0]}, runs[2].log_text()
    figures = lambda feed: {k: (r.get("calls"), r.get("questions"), r.get("offered"), r.get("answered"),  # noqa: E731
                                r.get("suppressed"), r["revision"]) for k, r in feed.items()}
    assert figures(feeds[1]) == figures(feeds[2])
    assert day_total(feeds[2]) == len(events)
    # both workers of the second pipeline enriched calls (the partitions were split)
    stopped = [re.findall(r"worker.stopped calls=(\d+)", p.read_text()) for p in runs[2].logs]
    assert all(s and int(s[-1]) > 0 for s in stopped), runs[2].log_text()
