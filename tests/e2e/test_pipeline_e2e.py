"""Simulator -> Kafka -> Faust worker -> sink -> ClickHouse, on the real broker and server.

One fault-free run is the reference; the fault run kills and restarts every component on the
way (worker, sink, broker, ClickHouse), re-sends events, and must end with the same tables.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from hotline.namespace import Namespace, new_run_id
from producers.simulator.simulate import simulate
from schemas.call import CallEvent
from tests.e2e.pipeline import (
    Pipeline, distinct, expected_labels, produce, query, settle, snapshot, wait_for_calls, wait_for_feed_days,
)

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

DAYS = 2  # two local days, so that day windows close and the second one is flushed at idle
CALLS_PER_DAY = 700
START = date(2021, 6, 14)
SEED = 7

# Phone numbers (Moroccan spellings, with separators) and national ID numbers as callers say them.
PHONE = re.compile(r"(?:\+|00)?212[\s.\-]?[5-7](?:[\s.\-]?\d){8}|0[5-7](?:[\s.\-]?\d){8}")
CIN = re.compile(r"\b[A-Z]{1,2}\d{5,6}\b")


@pytest.fixture(scope="module")
def events() -> list[CallEvent]:
    return list(simulate(DAYS, CALLS_PER_DAY, 15, SEED, start=START, pii_share=0.08))


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-logs")


def _namespace(phase: str) -> Namespace:
    ns = Namespace(new_run_id(), phase, prefix="e2e_")
    ns.create()
    return ns


@pytest.fixture(scope="module")
def reference(services_up: None, events: list[CallEvent], log_dir: Path):
    """The fault-free run: every event once, then a snapshot of the tables."""
    ns = _namespace("ref")
    pipeline = Pipeline(ns, log_dir).start()
    try:
        produce(ns, events)
        wait_for_calls(pipeline, len(distinct(events)))
        wait_for_feed_days(pipeline, DAYS)
        settle(pipeline)
        yield ns, snapshot(ns)
    finally:
        pipeline.stop()
        ns.drop()


def test_every_call_once_with_the_labels_of_the_events(reference, events: list[CallEvent]) -> None:
    ns, snap = reference
    ids = distinct(events)
    assert len(snap["calls"]) == len(ids)
    assert sorted(r[0] for r in snap["calls"]) == ids  # each event id exactly once

    families, questions = expected_labels(events)
    got_f = Counter(dict(query(ns, "SELECT family, count() FROM {db}.questions GROUP BY family")))
    got_q = Counter(dict(query(ns, "SELECT question_id, count() FROM {db}.questions GROUP BY question_id")))
    assert got_f == families
    assert got_q == questions
    assert sum(families.values()) == sum(len(e.call.transcript) for e in events)


def test_ministry_feed_totals_agree_with_clickhouse(reference) -> None:
    ns, _ = reference
    feed = dict(((d, k), (c, q)) for d, k, c, q in query(
        ns, "SELECT toString(local_date), key, calls, questions FROM {db}.ministry_feed_current "
            "WHERE window = 'day' AND dimension = 'family' AND suppressed = 0"))
    table = dict(((d, f), (c, q)) for d, f, c, q in query(
        ns, "SELECT toString(local_date), family, uniqExact(event_id), count() FROM {db}.questions GROUP BY local_date, family"))
    assert feed, "the feed has no unsuppressed family cell"
    for cell, figures in feed.items():
        assert figures == table[cell], cell
    totals = dict(query(ns, "SELECT toString(local_date), calls FROM {db}.ministry_feed_current "
                            "WHERE window = 'day' AND dimension = 'total'"))
    per_day = dict(query(ns, "SELECT toString(local_date), count() FROM {db}.calls GROUP BY local_date"))
    assert totals == per_day
    # No published cell is smaller than the threshold (5 calls by default).
    small = query(ns, "SELECT count() FROM {db}.ministry_feed_current WHERE suppressed = 0 AND calls < 5")
    assert small[0][0] == 0


def test_no_personal_data_in_clickhouse_or_the_feed(reference, events: list[CallEvent]) -> None:
    ns, _ = reference
    spoken = set()
    for e in events:
        for t in e.call.transcript:
            spoken.update(PHONE.findall(t.question))
            spoken.update(CIN.findall(t.question))
    assert len(spoken) > 20, "the simulation should have callers saying numbers"
    digits = {re.sub(r"\D", "", s)[-9:] for s in spoken if PHONE.fullmatch(s)}
    cins = {s for s in spoken if CIN.fullmatch(s)}

    # Every String column of every table of the namespace's databases (the feed is a table too).
    columns = query(ns, "SELECT database, table, name FROM system.columns WHERE database LIKE '{db}%' "
                        "AND type LIKE '%String%' AND table NOT LIKE '.inner%'")
    assert columns
    texts: list[str] = []
    for db, table, col in columns:
        texts += [str(v) for (v,) in query(ns, f"SELECT toString({col}) FROM {db}.{table}")]
    blob = "\n".join(texts)
    squeezed = re.sub(r"[\s.\-]", "", blob)
    leaked_phones = [d for d in digits if d in squeezed]
    leaked_cins = [c for c in cins if c in blob]
    assert not leaked_phones and not leaked_cins, (leaked_phones[:5], leaked_cins[:5])
    assert "[PHONE]" in blob and "[CIN]" in blob  # the placeholders kept the text useful


def test_faults_give_the_same_tables(reference, events: list[CallEvent], log_dir: Path) -> None:
    """SIGKILL the worker and the sink, restart the broker and ClickHouse, re-send events."""
    from infra import services

    _, want = reference
    ns = _namespace("faults")
    pipeline = Pipeline(ns, log_dir).start()
    third = len(events) // 3
    try:
        produce(ns, events[:third])
        wait_for_calls(pipeline, third // 3)
        pipeline.worker.kill()  # crash mid-stream
        pipeline.worker.start()

        produce(ns, events[third:2 * third])
        wait_for_calls(pipeline, third + third // 2)
        pipeline.sink.kill()
        pipeline.sink.start()

        services.restart_kafka()  # the broker goes away under both consumers and comes back
        produce(ns, events[2 * third:])
        services.restart_clickhouse()

        produce(ns, events[: third // 2])  # re-sent events: same event ids
        wait_for_calls(pipeline, len(distinct(events)), timeout=360)
        wait_for_feed_days(pipeline, DAYS)
        settle(pipeline)
        got = snapshot(ns)
    finally:
        pipeline.stop()
        ns.drop()
    for table in want:
        assert got[table] == want[table], table
