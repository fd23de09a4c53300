"""Driving the real pipeline from a test: a private namespace, the worker and the sink as child
processes, simulated calls on Kafka, and what ClickHouse ends up holding."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from hotline.namespace import Namespace
from hotline.processes import Component, wait_until
from schemas.call import CallEvent

TEST_ENV = {"HOTLINE_MODE": "test", "HOTLINE_WORKER_IDLE_FLUSH_SECONDS": "3", "HOTLINE_SINK_BATCH_SECONDS": "0.5"}


class Pipeline:
    """Worker + sink of one namespace, restartable, as a supervisor would run them."""

    def __init__(self, ns: Namespace, log_dir: Path) -> None:
        env = {**ns.env, **TEST_ENV}
        self.ns = ns
        self.worker = Component("worker", ["worker"], log_dir / f"{ns.token}-worker.log", env)
        self.sink = Component("sink", ["sink"], log_dir / f"{ns.token}-sink.log", env)

    def start(self) -> Pipeline:
        self.worker.start()
        self.sink.start()
        return self

    def stop(self) -> None:
        for c in (self.worker, self.sink):
            c.stop()

    def components(self) -> tuple[Component, ...]:
        return (self.worker, self.sink)


def produce(ns: Namespace, events: Iterable[CallEvent]) -> int:
    """Send and wait for every acknowledgement (the producer's delivery check)."""
    from producers.kafka_producer import EventProducer

    n = 0
    with EventProducer(ns.settings) as producer:
        for e in events:
            producer.send(e)
            n += 1
        report = producer.flush()
    assert report.ok, report
    return n


def clickhouse(ns: Namespace) -> Any:
    from sinks.clickhouse import client

    return client(ns.settings, database=ns.database)


def query(ns: Namespace, sql: str) -> list[tuple[Any, ...]]:
    cli = clickhouse(ns)
    try:
        return cli.execute(sql.format(db=ns.database))
    finally:
        cli.disconnect()


def calls_present(ns: Namespace) -> int:
    """Rows of the calls table (not distinct: a duplicate would make it overshoot)."""
    return int(query(ns, "SELECT count() FROM {db}.calls")[0][0])


def wait_for_calls(pipeline: Pipeline, n: int, timeout: float = 240.0) -> None:
    wait_until(lambda: calls_present(pipeline.ns) >= n, timeout, f"{n} calls in ClickHouse", pipeline.components())


def wait_for_feed_days(pipeline: Pipeline, days: int, timeout: float = 120.0) -> None:
    """Until the feed's day totals equal the calls ClickHouse holds for each of `days` days.

    The last windows of a replay are published when the worker's input goes idle, and are
    re-published (higher revision) when calls arrive after that, e.g. after a restart: only the
    totals agreeing says the last revision has landed."""
    feed = ("SELECT toString(local_date), calls FROM {db}.ministry_feed_current "
            "WHERE window = 'day' AND dimension = 'total'")
    table = "SELECT toString(local_date), count() FROM {db}.calls GROUP BY local_date"

    def complete() -> bool:
        totals = dict(query(pipeline.ns, feed))
        return len(totals) >= days and totals == dict(query(pipeline.ns, table))

    wait_until(complete, timeout, "the feed's day totals to match ClickHouse", pipeline.components())


def settle(pipeline: Pipeline, seconds: float = 6.0, timeout: float = 120.0) -> None:
    """Wait until no table has changed for `seconds` (late revisions, alerts)."""
    sql = ("SELECT (SELECT count() FROM {db}.calls), (SELECT count() FROM {db}.questions), "
           "(SELECT count() FROM {db}.ministry_feed), (SELECT count() FROM {db}.service_figures), "
           "(SELECT count() FROM {db}.alerts)")
    last, since = None, time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = query(pipeline.ns, sql)[0]
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return
        time.sleep(0.5)
    raise AssertionError(f"tables still changing after {timeout} s: {last}")


def snapshot(ns: Namespace) -> dict[str, Any]:
    """What analysts and the ministry see, without processing times, offsets or revisions."""
    return {
        "calls": sorted(query(ns, "SELECT event_id, call_id, disposition, language, local_date, local_hour, "
                                  "round(wait_seconds, 3), questions, redactions FROM {db}.calls")),
        "questions": sorted(query(ns, "SELECT event_id, seq, family, ifNull(question_id, ''), language, "
                                      "round(confidence, 4), question FROM {db}.questions")),
        "mentions": sorted(query(ns, "SELECT event_id, seq, vaccine, symptom FROM {db}.adverse_effect_mentions")),
        "feed": sorted(query(ns, "SELECT record_id, ifNull(calls, 0), ifNull(questions, 0), suppressed "
                                 "FROM {db}.ministry_feed_current")),
        "service": sorted(query(ns, "SELECT record_id, offered, answered, abandoned, out_of_hours "
                                    "FROM {db}.service_figures WHERE (record_id, revision) IN "
                                    "(SELECT record_id, max(revision) FROM {db}.service_figures GROUP BY record_id)")),
        "alerts": sorted(query(ns, "SELECT alert_id, observed FROM {db}.alerts_current")),
    }


def expected_labels(events: Sequence[CallEvent]) -> tuple[Counter[str], Counter[str | None]]:
    """Questions per family and per catalog question, recomputed in-process with the same
    enrichment functions the worker runs (scrub, then classify)."""
    from schemas.catalog import load_catalog
    from streams.classify.classifier import get_classifier
    from streams.process import Enricher

    enricher = Enricher(get_classifier(), load_catalog().catalog_version)
    families: Counter[str] = Counter()
    questions: Counter[str | None] = Counter()
    for e in events:
        for q in enricher.enrich(e).questions:
            families[q.family] += 1
            questions[q.question_id] += 1
    return families, questions


def distinct(events: Iterable[CallEvent]) -> list[uuid.UUID]:
    return sorted({e.event_id for e in events})
