"""Window aggregates: checked against a plain recomputation, exact under duplicates and restarts."""

from __future__ import annotations

import random
import uuid
import zlib
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from schemas.feed import FeedCell, ServiceFigures, SpikeAlert
from streams.aggregate import BATCH_PREFIX, DAY_PREFIX, Aggregator, Settings
from streams.contribution import contribution_of
from streams.process import Enricher

TZ = ZoneInfo("Africa/Casablanca")
PARTS = 6


def part_of(call_id: str) -> int:
    return zlib.crc32(call_id.encode()) % PARTS


@pytest.fixture(scope="module")
def enriched(sim_day):
    events, clf = sim_day
    enricher = Enricher(clf, "test-v1")
    return [enricher.enrich(e) for e in events]


def expected_windows(calls, target=20.0):
    """Plain recomputation from the enriched calls: {(kind, start): (cells, service)}."""
    cells: dict = defaultdict(Counter)  # (kind, start) -> Counter[(dim, key, 'c'|'q')]
    service: dict = defaultdict(lambda: {"offered": 0, "answered": 0, "abandoned": 0, "transferred": 0,
                                         "out_of_hours": 0, "within": 0, "max_wait": None})
    seen = set()
    for call in calls:
        if call.event_id in seen:
            continue
        seen.add(call.event_id)
        q = call.queued_at
        hour = int(q.replace(minute=0, second=0, microsecond=0).timestamp())
        d = q.astimezone(TZ).date()
        day = int(datetime.combine(d, time(), tzinfo=TZ).timestamp())
        nq = len(call.questions)
        for w in (("hour", hour), ("day", day)):
            c = cells[w]
            for dim, key in (("total", "all"), ("language", call.language), ("region", call.region or "unknown")):
                c[(dim, key, "c")] += 1
                c[(dim, key, "q")] += nq
            for dim, attr in (("family", "family"), ("question", "question_id")):
                keys = [getattr(x, attr) or "other" for x in call.questions]
                for key in set(keys):
                    c[(dim, key, "c")] += 1
                for key in keys:
                    c[(dim, key, "q")] += 1
            ae = [f"{x.vaccine or 'unknown'}:{s}" for x in call.questions if x.family == "adverse_effects" for s in x.symptoms]
            for key in set(ae):
                c[("adverse_effect", key, "c")] += 1
            for key in ae:
                c[("adverse_effect", key, "q")] += 1
            s = service[w]
            disp = call.disposition.value
            if disp == "out_of_hours":
                s["out_of_hours"] += 1
                continue
            s["offered"] += 1
            s["max_wait"] = max(s["max_wait"] or 0.0, round(call.wait_seconds, 3))
            if disp == "abandoned":
                s["abandoned"] += 1
                continue
            s["answered"] += 1
            s["transferred"] += disp == "transferred"
            s["within"] += round(call.wait_seconds, 3) <= target
    return cells, service


def observed_windows(agg: Aggregator):
    cells = {}
    service = {}
    for key, w in agg.windows.items():
        c = Counter()
        for (dim, k), (nc, nq) in w.cells.items():
            c[(dim, k, "c")] += nc
            c[(dim, k, "q")] += nq
        cells[key] = +c
        service[key] = {"offered": w.offered, "answered": w.answered, "abandoned": w.abandoned,
                        "transferred": w.transferred, "out_of_hours": w.out_of_hours,
                        "within": w.within_target, "max_wait": w.max_wait}
    return cells, service


def contributions(calls):
    return [contribution_of(c, part_of(c.call_id)) for c in calls]


def test_aggregates_match_plain_recomputation(enriched):
    agg = Aggregator({}, Settings(), partitions=PARTS)
    for c in contributions(enriched):
        assert agg.accept(c) == "counted"
    exp_cells, exp_service = expected_windows(enriched)
    got_cells, got_service = observed_windows(agg)
    assert got_cells == {k: +v for k, v in exp_cells.items()}
    assert got_service == dict(exp_service)
    assert agg.counted == len(enriched)
    assert sum(1 for k in agg.windows if k[0] == "day") == 1  # one simulated local day


def test_duplicates_and_a_restart_count_each_call_once(enriched):
    rng = random.Random(3)
    contribs = contributions(enriched)
    store: dict[bytes, bytes] = {}
    first = Aggregator(store, Settings(), partitions=PARTS)
    half = len(contribs) // 2
    for c in contribs[:half]:
        first.accept(c)
    # "crash": a new aggregator recovers from the store alone, then sees re-sent events too
    second = Aggregator(store, Settings(), partitions=PARTS)
    assert second.rebuild() == half
    resent = rng.sample(range(len(contribs)), 200)
    stream = list(contribs[half:])
    for i in resent:  # a re-send comes after the original (a producer retry, a replayed file)
        at = stream.index(contribs[i]) + 1 if i >= half else 0
        stream.insert(rng.randrange(at, len(stream) + 1), list(contribs[i]))
    outcomes = Counter(second.accept(c) for c in stream)
    assert outcomes["counted"] == len(contribs) - half
    assert outcomes["duplicate"] == 200
    exp_cells, _ = expected_windows(enriched)
    got_cells, _ = observed_windows(second)
    assert got_cells == {k: +v for k, v in exp_cells.items()}


def test_any_interleaving_of_the_partitions_gives_the_same_windows(enriched):
    """Two workers, rebalances and big fetches interleave partitions arbitrarily: no effect."""
    by_part: dict[int, list] = defaultdict(list)
    for c in sorted(contributions(enriched), key=lambda c: c[1]):
        by_part[c[2]].append(c)
    exp_cells, exp_service = expected_windows(enriched)
    for seed in range(4):
        rng = random.Random(seed)
        queues = {p: list(cs) for p, cs in by_part.items()}
        agg = Aggregator({}, Settings(grace_seconds=600), partitions=PARTS)
        while queues:
            p = rng.choice(sorted(queues))
            chunk = rng.choice([1, 5, 500])  # one call, or a whole fetch of one partition
            for c in queues[p][:chunk]:
                assert agg.accept(c) == "counted"
            del queues[p][:chunk]
            if not queues[p]:
                del queues[p]
            agg.tick()
        got_cells, got_service = observed_windows(agg)
        assert agg.counted == len(enriched) and agg.late == 0
        assert got_cells == {k: +v for k, v in exp_cells.items()}
        assert got_service == dict(exp_service)


def latest(records):
    best = {}
    for r in records:
        key = getattr(r, "record_id", None) or r.alert_id
        if key not in best or r.revision > best[key].revision:
            best[key] = r
    return best


def test_published_feed_has_totals_and_suppression(enriched):
    agg = Aggregator({}, Settings(min_cell_size=5), partitions=PARTS)
    records = []
    for c in sorted(contributions(enriched), key=lambda c: c[1]):  # roughly in event-time order
        agg.accept(c)
        records += agg.tick()
    records += agg.flush_open()  # the end of the replay
    best = latest(records)
    exp_cells, exp_service = expected_windows(enriched)
    n_cells = 0
    for (kind, start), counter in exp_cells.items():
        label = f"{kind}:{datetime.fromtimestamp(start, timezone.utc):%Y-%m-%dT%H}"
        for (dim, key, what), n in counter.items():
            if what != "c":
                continue
            rec = best[f"{label}:{dim}:{key}"]
            assert isinstance(rec, FeedCell)
            n_cells += 1
            if n < 5:
                assert rec.suppressed and rec.calls is None and rec.questions is None
            else:
                assert not rec.suppressed and rec.calls == n and rec.questions == counter[(dim, key, "q")]
        total = counter[("total", "all", "c")]
        svc = best[f"{label}:service:all"]
        assert isinstance(svc, ServiceFigures) and svc.revision == total
        if total >= 5:
            assert svc.offered == exp_service[(kind, start)]["offered"]
            assert svc.out_of_hours == exp_service[(kind, start)]["out_of_hours"]
    feed_cells = [r for r in best.values() if isinstance(r, FeedCell)]
    assert len(feed_cells) == n_cells
    day_total = [r for r in feed_cells if r.window == "day" and r.dimension == "total"]
    assert len(day_total) == 1 and day_total[0].calls == len(enriched)
    assert sum(r.calls for r in feed_cells if r.window == "hour" and r.dimension == "total" and r.calls) <= len(enriched)


def mk(t: str, p: int = 0, disp: str = "answered", wait: float = 5.0, qs=None, eid: str | None = None):
    ts = int(datetime.fromisoformat(t).replace(tzinfo=timezone.utc).timestamp())
    qs = qs if qs is not None else [["vaccination", "vaccination.centre", "fr", None, []]]
    return [eid or uuid.uuid4().hex, ts, p, disp, wait, 60.0 if disp in ("answered", "transferred") else None, "fr", "Rabat", qs]


def test_watermark_is_the_slowest_partition():
    agg = Aggregator({}, Settings(grace_seconds=3600), partitions=2)
    agg.accept(mk("2021-06-01T10:05:00", p=0))
    assert agg.watermark is None  # nothing from partition 1 yet
    agg.accept(mk("2021-06-01T15:00:00", p=0))
    agg.accept(mk("2021-06-01T10:30:00", p=1))
    assert agg.watermark == mk("2021-06-01T10:30:00")[1]
    # partition 1 lags by hours: its calls are not late, however far partition 0 got
    assert agg.accept(mk("2021-06-01T10:40:00", p=1)) == "counted"


def test_late_calls_within_grace_revise_the_window_and_later_ones_are_not_counted():
    agg = Aggregator({}, Settings(grace_seconds=3600, min_cell_size=1), partitions=1)
    for m in range(3):
        agg.accept(mk(f"2021-06-01T10:1{m}:00"))
    agg.accept(mk("2021-06-01T11:30:00"))
    first = [r for r in agg.tick() if r.record_id == "hour:2021-06-01T10:total:all"]
    assert first and first[0].revision == 3 and first[0].calls == 3
    assert agg.accept(mk("2021-06-01T10:50:00")) == "counted"  # 40 min late: within grace
    agg.accept(mk("2021-06-01T12:05:00"))
    second = [r for r in agg.tick() if r.record_id == "hour:2021-06-01T10:total:all"]
    assert second and second[0].revision == 4 and second[0].calls == 4
    # watermark 12:05 >= 11:00 + 1h: hour 10 is final; a new call for it is late
    assert agg.accept(mk("2021-06-01T10:55:00")) == "late"
    assert agg.late == 1
    assert agg.tick() == []  # same hour of event time: nothing new to publish


def test_republishing_the_same_state_gives_identical_records():
    a = Aggregator({}, Settings(min_cell_size=1), partitions=1)
    for m in range(4):
        a.accept(mk(f"2021-06-01T10:1{m}:00", eid=f"{m:032x}"))
    now = datetime(2021, 6, 2, tzinfo=timezone.utc)
    one = a.flush_open(now)
    assert a.flush_open(now) == []  # nothing changed since
    b = Aggregator(a.store, Settings(min_cell_size=1), partitions=1)
    b.rebuild()
    assert b.flush_open(now) == one  # after a restart: same ids, same revisions, same figures


def test_final_day_is_marked_pruned_and_stays_final_after_restart():
    store: dict[bytes, bytes] = {}
    agg = Aggregator(store, Settings(grace_seconds=3600, min_cell_size=1), partitions=1)
    day1 = [mk(f"2021-06-01T{h:02d}:15:00") for h in range(8, 20)]
    for c in day1:
        agg.accept(c)
    agg.accept(mk("2021-06-01T23:30:00"))  # local 00:30 on 2 June; watermark < 1 June's end + grace
    agg.tick()
    assert not agg.pending_store_writes or all(w.window.kind == "hour" for w in agg.to_finalize)
    agg.finalize()
    agg.accept(mk("2021-06-02T02:10:00"))  # past 1 June's end (23:00Z) + 1h grace
    agg.tick()
    assert agg.pending_store_writes
    deleted = agg.finalize()
    assert deleted == len(day1)
    assert DAY_PREFIX + b"2021-06-01" in store
    assert all(BATCH_PREFIX + c[0].encode() not in store for c in day1)
    again = Aggregator(store, Settings(grace_seconds=3600, min_cell_size=1), partitions=1)
    assert again.rebuild() == 2  # only 2 June's calls are live state
    assert date(2021, 6, 1) in again.final_days
    assert again.accept(day1[0]) == "late"  # a re-send of a pruned call is never counted again


def test_marker_then_crash_before_pruning_is_pruned_on_rebuild():
    store: dict[bytes, bytes] = {}
    agg = Aggregator(store, Settings(grace_seconds=0, min_cell_size=1), partitions=1)
    day1 = [mk(f"2021-06-01T{h:02d}:15:00") for h in range(8, 12)]
    for c in day1:
        agg.accept(c)
    agg.accept(mk("2021-06-02T05:00:00"))
    agg.tick()
    # simulate a crash after the marker write but before the deletions
    store[DAY_PREFIX + b"2021-06-01"] = b'{"calls":4,"ae":{},"part_max":{}}'
    again = Aggregator(store, Settings(grace_seconds=0, min_cell_size=1), partitions=1)
    assert again.rebuild() == 1
    assert again.pending_store_writes
    assert again.finalize() == 4
    assert all(BATCH_PREFIX + c[0].encode() not in store for c in day1)


def test_spike_alert_when_a_day_is_published():
    agg = Aggregator({}, Settings(grace_seconds=3600, min_cell_size=5), partitions=1)
    ae = [["adverse_effects", "adverse_effects.common", "fr", "astrazeneca", ["fever"]]]
    start = date(2021, 6, 1)
    per_day = [2, 3, 2, 4, 3, 2, 3, 30, 30, 30]  # 8-9 June fall in 10 June's 2-day lag
    for i, n in enumerate(per_day):
        d = start + timedelta(days=i)
        for k in range(n):
            agg.accept(mk(f"{d.isoformat()}T10:{k:02d}:00", qs=ae))
        agg.accept(mk(f"{d.isoformat()}T12:00:00"))  # every day has other calls too
    agg.accept(mk(f"{(start + timedelta(days=len(per_day))).isoformat()}T12:00:00"))
    alerts = [r for r in agg.tick() if isinstance(r, SpikeAlert)]
    # 8 and 9 June have no complete baseline (it would start on 30 May): only 10 June is evaluated
    assert [a.alert_id for a in alerts] == ["2021-06-10:astrazeneca:fever"]
    a = alerts[-1]
    # baseline of 10 June: 1..7 June = 2,3,2,4,3,2,3 (the 30s of 8 and 9 June are lagged out)
    assert a.observed == 30 and a.baseline_mean == pytest.approx(19 / 7, abs=1e-4)
    assert a.method == "ears_c2" and a.statistic > 3


def test_a_batch_is_one_store_write_and_is_all_or_nothing_across_a_crash():
    batch = [mk(f"2021-06-01T10:{m:02d}:00") for m in range(10)]
    store: dict[bytes, bytes] = {}
    agg = Aggregator(store, Settings(), partitions=1)
    assert agg.accept_batch(batch[:4])["counted"] == 4
    out = agg.accept_batch(batch)  # a re-delivered, longer batch: 4 known, 6 new
    assert (out["duplicate"], out["counted"]) == (4, 6)
    assert len(store) == 2  # one entry per batch, not per call
    # crash before the second write reached the changelog: the store has only the first batch
    lost = {k: v for k, v in store.items() if k == BATCH_PREFIX + batch[0][0].encode()}
    again = Aggregator(lost, Settings(), partitions=1)
    assert again.rebuild() == 4
    assert again.accept_batch(batch)["counted"] == 6  # re-delivered: counted now, exactly once
    # crash after the write but before the offset commit: everything is a duplicate
    third = Aggregator(dict(store), Settings(), partitions=1)
    assert third.rebuild() == 10
    assert third.accept_batch(batch)["duplicate"] == 10


def test_a_batch_across_midnight_is_deleted_when_both_days_are_final():
    store: dict[bytes, bytes] = {}
    agg = Aggregator(store, Settings(grace_seconds=0, min_cell_size=1), partitions=1)
    both = [mk("2021-06-01T22:30:00"), mk("2021-06-01T23:30:00")]  # local 23:30 on 1 June, 00:30 on 2 June
    agg.accept_batch(both)
    key = BATCH_PREFIX + both[0][0].encode()
    agg.accept(mk("2021-06-02T01:00:00"))  # 1 June final
    agg.tick()
    agg.finalize()
    assert key in store and DAY_PREFIX + b"2021-06-01" in store
    agg.accept(mk("2021-06-03T01:00:00"))  # 2 June final
    agg.tick()
    agg.finalize()
    assert key not in store
