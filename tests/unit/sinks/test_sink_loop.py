"""The sink's loop and flush logic against an in-memory store and consumer.

The real ClickHouse and Kafka versions of these properties are in
tests/integration/test_sink_exactly_once.py; here the failures are injected precisely.
"""

from __future__ import annotations

import random
from collections import namedtuple
from datetime import date
from typing import Any

import pytest

from hotline.config import Settings
from sinks import samples
from sinks.sink import CALLS, DEAD, QUESTIONS, Batch, Sink, Table, flush

Msg = namedtuple("Msg", "topic partition offset key value timestamp")
TP = namedtuple("TP", "topic partition")


def _text(v: Any) -> Any:
    return v.decode() if isinstance(v, bytes) else v


class MemoryStore:
    """Tables as lists of row dicts; can fail on chosen calls to imitate ClickHouse going away."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.fail_on: set[int] = set()  # 1-based numbers of insert() calls that raise
        self.fail_after_insert: set[int] = set()  # inserts that land, then the answer is lost
        self.inserts = 0
        self.lookups = 0

    def existing(self, table: Table, keys: list[tuple], dates: set[date]) -> set[tuple]:
        self.lookups += 1
        wanted = set(keys)
        # Dead letters are inserted with String columns as bytes; ClickHouse answers with str.
        return {k for r in self.rows.get(table.name, [])
                if (k := tuple(_text(r[c]) for c in table.key)) in wanted and r[table.date_column] in dates}

    def insert(self, table: Table, columns: Any) -> None:
        self.inserts += 1
        if self.inserts in self.fail_on:
            raise ConnectionError("ClickHouse went away")
        names, data = columns
        self.rows.setdefault(table.name, []).extend(dict(zip(names, vals)) for vals in zip(*data))
        if self.inserts in self.fail_after_insert:
            raise ConnectionError("answer lost after the insert landed")

    def wait_idle(self) -> None:
        pass

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))

    def distinct(self, table: str, key: tuple[str, ...] = ("event_id",)) -> int:
        return len({tuple(r[c] for c in key) for r in self.rows.get(table, [])})


class ListConsumer:
    """Serves prepared messages from a committed position, like a consumer group after restart."""

    def __init__(self, msgs: list[Msg], committed: dict[Any, int] | None = None) -> None:
        self.msgs = msgs
        self.committed: dict[Any, int] = dict(committed or {})
        self.pos = {tp: off for tp, off in self.committed.items()}
        self.commits = 0
        self.polls = 0

    def poll(self, timeout_ms: int = 0, max_records: int | None = None) -> dict[Any, list[Msg]]:
        self.polls += 1
        out: dict[Any, list[Msg]] = {}
        n = 0
        for m in self.msgs:
            tp = TP(m.topic, m.partition)
            if m.offset < self.pos.get(tp, 0) or (max_records and n >= max_records):
                continue
            if out.get(tp) and out[tp][-1].offset != m.offset - 1:
                continue
            out.setdefault(tp, []).append(m)
            n += 1
        for tp, ms in out.items():
            self.pos[tp] = ms[-1].offset + 1
        return out

    def commit(self, offsets: dict[Any, Any] | None = None) -> None:
        self.commits += 1
        for tp, om in (offsets or {}).items():
            self.committed[tp] = om.offset

    def highwater(self, tp: Any) -> int | None:
        return 1 + max((m.offset for m in self.msgs if TP(m.topic, m.partition) == tp), default=-1)

    def close(self, autocommit: bool = True) -> None:
        pass


SETTINGS = Settings(sink_batch_rows=50, sink_batch_seconds=0.05)


def _calls_topic(n: int, dupes: int = 0, partitions: int = 2, seed: int = 7) -> tuple[list[Msg], set]:
    """n distinct calls on `partitions` partitions, plus `dupes` re-sends of earlier ones."""
    rng = random.Random(seed)
    calls = [samples.enriched_call(rng) for _ in range(n)]
    order = calls + [rng.choice(calls) for _ in range(dupes)]
    offsets = [0] * partitions
    msgs = []
    for c in order:
        p = hash(c.call_id) % partitions
        msgs.append(Msg(SETTINGS.topic_enriched, p, offsets[p], c.call_id.encode(), c.model_dump_json().encode(), 1622534400000))
        offsets[p] += 1
    return msgs, {c.event_id for c in calls}


def _run(consumer: ListConsumer, store: MemoryStore, **kw: Any) -> Sink:
    sink = Sink(SETTINGS, consumer, store, until_idle=0.0, retry_on=(ConnectionError,), backoff_start=0.001,
                backoff_cap=0.002, sleep=lambda s: None, **kw)
    sink.run()
    return sink


def test_every_call_once_with_duplicates_in_and_across_batches() -> None:
    msgs, ids = _calls_topic(300, dupes=60)
    store, consumer = MemoryStore(), ListConsumer(msgs)
    sink = _run(consumer, store)
    assert store.count("calls") == store.distinct("calls") == len(ids) == 300
    assert {r["event_id"] for r in store.rows["calls"]} == ids
    assert store.count("questions") == len({(r["event_id"], r["seq"]) for r in store.rows["questions"]})
    assert sink.totals["duplicates"] + sink.totals["skipped"] >= 1
    assert consumer.committed == {tp: hw for tp, hw in ((tp, consumer.highwater(tp)) for tp in consumer.committed)}


def test_crash_between_tables_then_replay_is_exact() -> None:
    """The first run dies after questions landed but before calls; the restart replays the
    uncommitted batch and must skip the questions already there."""
    msgs, ids = _calls_topic(120)
    store = MemoryStore()
    first = ListConsumer(msgs)
    store.fail_on = {3}  # batch 1: mentions (1), questions (2) land; calls (3) fails
    sink = Sink(SETTINGS, first, store, until_idle=0.0, retry_on=(), sleep=lambda s: None)
    with pytest.raises(ConnectionError):  # not retryable here: the process "dies"
        sink.run()
    assert first.committed == {}
    assert store.count("questions") > 0 and store.count("calls") == 0
    second = ListConsumer(msgs, committed=first.committed)
    _run(second, store)
    assert store.count("calls") == store.distinct("calls") == len(ids)
    q_keys = [(r["event_id"], r["seq"]) for r in store.rows["questions"]]
    assert len(q_keys) == len(set(q_keys))
    m_keys = [(r["event_id"], r["seq"], r["symptom"]) for r in store.rows["adverse_effect_mentions"]]
    assert len(m_keys) == len(set(m_keys))


def test_retry_after_lost_answer_does_not_duplicate() -> None:
    msgs, ids = _calls_topic(80)
    store = MemoryStore()
    store.fail_after_insert = {1, 3, 5}
    consumer = ListConsumer(msgs)
    sink = _run(consumer, store)
    assert store.count("calls") == store.distinct("calls") == len(ids)
    assert sink.totals["skipped"] >= 1


def test_negative_control_without_dedup_duplicates_appear() -> None:
    """Same lost-answer scenario with the replay filter off: the check above would fail."""
    msgs, ids = _calls_topic(80)
    store = MemoryStore()
    store.fail_after_insert = {3}
    _run(ListConsumer(msgs), store, dedup=False)
    total_rows = store.count("calls") + store.count("questions") + store.count("adverse_effect_mentions")
    distinct_rows = (store.distinct("calls") + store.distinct("questions", ("event_id", "seq"))
                     + store.distinct("adverse_effect_mentions", ("event_id", "seq", "symptom")))
    assert total_rows > distinct_rows


def test_no_poll_and_no_commit_while_clickhouse_refuses() -> None:
    msgs, _ = _calls_topic(40)
    store = MemoryStore()
    store.fail_on = set(range(1, 6))
    consumer = ListConsumer(msgs)
    polls_during: list[int] = []

    def sleep(_: float) -> None:
        polls_during.append(consumer.polls)

    sink = Sink(SETTINGS, consumer, store, until_idle=0.0, retry_on=(ConnectionError,), backoff_start=0.001, sleep=sleep)
    sink.run()
    assert len(set(polls_during)) == 1  # no poll between the retries of one batch
    assert store.distinct("calls") == store.count("calls") == 40
    assert consumer.commits >= 1


def test_stop_while_clickhouse_refuses_commits_nothing() -> None:
    msgs, _ = _calls_topic(30)
    store = MemoryStore()
    store.fail_on = set(range(1, 1000))
    consumer = ListConsumer(msgs)
    sink = Sink(SETTINGS, consumer, store, until_idle=5.0, retry_on=(ConnectionError,), backoff_start=0.001)
    sink.sleep = lambda s: sink.request_stop()
    sink.run()
    assert consumer.committed == {} and store.count("calls") == 0


def test_invalid_records_become_dead_letters_and_do_not_block() -> None:
    msgs, ids = _calls_topic(20, partitions=1)
    bad = [
        Msg(SETTINGS.topic_enriched, 0, len(msgs), b"k", b"{not json", 1622534400000),
        Msg(SETTINGS.topic_enriched, 0, len(msgs) + 1, b"k", b'{"event_id": "x"}', 1622534400000),
        Msg(SETTINGS.topic_enriched, 0, len(msgs) + 2, None, None, 1622534400000),
    ]
    store, consumer = MemoryStore(), ListConsumer(msgs + bad)
    _run(consumer, store)
    assert store.distinct("calls") == 20
    dead = store.rows[DEAD.name]
    assert [d["log_offset"] for d in dead] == [20, 21, 22]
    assert {d["stage"] for d in dead} == {b"sink"}
    assert dead[0]["kind"] == b"not_json" and dead[0]["original"] == b"{not json"
    assert consumer.committed[TP(SETTINGS.topic_enriched, 0)] == 23


def test_feed_alerts_and_dead_letter_topic_records() -> None:
    from datetime import datetime, timezone

    from schemas.deadletter import DeadLetter

    t = 1622534400000
    feed = [samples.feed_cell(revision=1), samples.feed_cell(revision=2), samples.feed_cell(revision=2), samples.service_figures()]
    dl = DeadLetter(stage="worker", kind="invalid", reason="bad", original=b"\xff\x00raw", key=b"c1",
                    source_topic="hotline.calls", source_partition=3, source_offset=9, failed_at=datetime.now(timezone.utc))
    msgs = [Msg(SETTINGS.topic_feed, 0, i, None, r.model_dump_json().encode(), t) for i, r in enumerate(feed)]
    msgs += [Msg(SETTINGS.topic_alerts, 0, 0, None, samples.spike_alert().model_dump_json().encode(), t)]
    msgs += [Msg(SETTINGS.topic_deadletter, 0, 0, None, dl.model_dump_json().encode(), t)]
    store = MemoryStore()
    _run(ListConsumer(msgs), store)
    _run(ListConsumer(msgs), store)  # a full replay from offset 0 adds nothing
    assert sorted(r["revision"] for r in store.rows["ministry_feed"]) == [1, 2]
    assert store.count("service_figures") == 1 and store.count("alerts") == 1
    (d,) = store.rows["dead_letters"]
    assert d["original"] == "\ufffd\x00raw".encode() and d["stage"] == b"worker" and d["source_offset"] == 9


def test_flush_writes_calls_last_and_splits_at_record_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    import sinks.sink as sink_mod
    from sinks.rows import LocalClock, parse_call

    monkeypatch.setattr(sink_mod, "INSERT_CHUNK_ROWS", 5)
    rng = random.Random(3)
    clock = LocalClock("Africa/Casablanca")
    batch = Batch()
    for i in range(40):
        rec = parse_call(samples.enriched_call(rng).model_dump_json().encode(), 0, i, clock)
        batch.calls[(rec.call.event_id,)] = rec
    order: list[tuple[str, int, set]] = []

    class Recorder(MemoryStore):
        def insert(self, table: Table, columns: Any) -> None:
            super().insert(table, columns)
            order.append((table.name, len(columns[1][0]), set(columns[1][0])))

    flush(Recorder(), batch)
    assert order[-1][0] == CALLS.name
    seen: dict[Any, int] = {}
    for i, (name, _, ids) in enumerate(order):
        if name == QUESTIONS.name:
            for e in ids:
                assert seen.setdefault(e, i) == i  # one call's questions never span two inserts

