"""The ceilings the pipeline is compared with: produce, bare consume, bare ClickHouse insert.

(a) `consume_rate`: a kafka-python consumer that only counts records and bytes; no parsing.
(b) `insert_rate`: clickhouse-driver columnar inserts of rows built (untimed) from the same
    events into copies of the `calls` and `questions` tables, in batches of the sink's size.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from hotline.config import Settings
from hotline.log import Progress, get_logger
from schemas.call import CallEvent

log = get_logger("bench.raw")

CALLS_PER_DAY = 3_000  # the model's hotline day (issue 6: 3,000 calls, 15 agents)
AGENTS = 15
CALLER_KEY = b"hotline-bench"  # simulated callers only: no real number is ever hashed with it


@dataclass
class Rate:
    count: int
    seconds: float
    nbytes: int = 0

    @property
    def per_s(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else math.nan

    @property
    def mb_per_s(self) -> float:
        return self.nbytes / 1e6 / self.seconds if self.seconds > 0 else math.nan


def generate(calls: int, seed: int) -> list[CallEvent]:
    """`calls` simulated events: as many model days as needed, cut at exactly `calls`."""
    from producers.simulator import simulate

    days = math.ceil(calls / CALLS_PER_DAY * 1.2) + 2  # Poisson totals vary; cut below
    progress = Progress(log, "bench.generate", total=calls)
    events = []
    for event in itertools.islice(simulate(days, CALLS_PER_DAY, AGENTS, seed, caller_key=CALLER_KEY), calls):
        events.append(event)
        progress.add()
    progress.done()
    if len(events) < calls:
        raise RuntimeError(f"the simulator gave {len(events)} events for {days} days; expected {calls}")
    return events


def produce(settings: Settings, events: list[CallEvent], rate_per_s: float | None = None,
            start_wall: float | None = None) -> tuple[Rate, list[float]]:
    """Send with the project's EventProducer (JSON encoding included) and wait for every ack.

    With `rate_per_s`, send i is scheduled at wall-clock `start_wall` + i / rate (a paced
    source). Returns the rate (first send -> last acknowledgement) and each send's wall time.
    """
    from producers.kafka_producer import EventProducer

    sent_at: list[float] = []
    progress = Progress(log, "bench.produce", total=len(events))
    with EventProducer(settings) as producer:
        start = time.perf_counter()
        wall0 = start_wall if start_wall is not None else time.time()
        for i, event in enumerate(events):
            if rate_per_s:
                delay = wall0 + i / rate_per_s - time.time()
                if delay > 0:
                    time.sleep(delay)
            sent_at.append(time.time())
            producer.send(event)
            progress.add()
        report = producer.flush()
        seconds = time.perf_counter() - start
    progress.done()
    report.raise_for_failures()
    return Rate(report.delivered, seconds), sent_at


def retime(events: list[CallEvent], start_wall: float, rate_per_s: float) -> list[CallEvent]:
    """The same calls moved in time so that call i ends just as it is sent (start + i / rate).

    A paced live source must carry live event times: simulated days replayed at 200 calls/s
    would cross a day boundary every 15 s and measure the end-of-day publications instead.
    Every time of a call moves by the same amount, so durations and order stay as simulated.
    """
    out = []
    for i, ev in enumerate(events):
        c = ev.call
        delta = datetime.fromtimestamp(start_wall + i / rate_per_s - 0.001, timezone.utc) - c.ended_at

        def shift(t: datetime | None) -> datetime | None:
            return None if t is None else t + delta

        turns = [t.model_copy(update={"asked_at": shift(t.asked_at)}) for t in c.transcript]
        call = c.model_copy(update={"queued_at": shift(c.queued_at), "answered_at": shift(c.answered_at),
                                    "ended_at": shift(c.ended_at), "transcript": turns})
        out.append(ev.model_copy(update={"call": call, "emitted_at": shift(ev.emitted_at)}))
    return out


def consume_rate(settings: Settings, topic: str, expected: int, timeout: float = 300.0) -> Rate:
    """Read the whole topic from the beginning with a bare loop: count records and bytes.

    Partitions are assigned directly (no group join, no commits), so the clock measures
    fetching and decoding only; it starts at the first poll.
    """
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap.split(","),
        client_id="hotline-bench-raw",
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        count = nbytes = 0
        start = time.perf_counter()
        deadline = start + timeout
        while count < expected:
            for records in consumer.poll(timeout_ms=500, max_records=10_000).values():
                count += len(records)
                for r in records:
                    nbytes += len(r.value) + (len(r.key) if r.key else 0)
            if time.perf_counter() > deadline:
                raise RuntimeError(f"raw consume read {count} of {expected} records in {timeout:.0f} s")
        return Rate(count, time.perf_counter() - start, nbytes)
    finally:
        consumer.close()


# --- (b) ClickHouse --------------------------------------------------------------------


@dataclass
class Rows:
    """Column lists for `calls` and `questions` as the sink builds them (sinks.rows)."""

    calls: Any  # sinks.rows.Columns
    questions: Any
    n_calls: int
    n_questions: int


def build_rows(events: list[CallEvent], settings: Settings) -> Rows:
    """Enriched-call rows from the raw events, outside the timed part.

    Text is scrubbed with the project's scrubber (contract 2 holds in the bench database too);
    classification is not run: every question is labelled `other` with confidence 0, which
    changes only a few bytes per row.
    """
    from schemas.enriched import EnrichedCall, EnrichedQuestion
    from sinks.rows import CallRecord, LocalClock, call_columns, question_columns
    from streams.text.scrub import scrub

    clock = LocalClock(settings.timezone)
    processed = datetime.now(timezone.utc)
    recs = []
    for offset, ev in enumerate(events):
        c = ev.call
        questions = tuple(
            EnrichedQuestion(
                seq=i, question=scrub(t.question), answer=scrub(t.answer), topic_tag=t.topic_tag,
                family="other", question_id=None, language=c.language or "und", confidence=0.0,
            )
            for i, t in enumerate(c.transcript)
        )
        call = EnrichedCall.model_construct(
            event_id=ev.event_id, schema_version=ev.schema_version, source=ev.source, call_id=c.call_id,
            line=c.line, site=c.site, agent_id=c.agent_id, caller_hash=c.caller_hash, region=c.region,
            language=c.language or "und", queued_at=c.queued_at, answered_at=c.answered_at, ended_at=c.ended_at,
            disposition=c.disposition, wait_seconds=c.wait_seconds, handle_seconds=c.handle_seconds,
            questions=questions, redactions=0, catalog_version="bench", processed_at=processed,
        )
        queued = int(c.queued_at.timestamp())
        local_date, local_hour = clock.local(queued)
        recs.append(CallRecord(
            call, offset % settings.calls_partitions, offset, local_date, local_hour, queued,
            None if c.answered_at is None else int(c.answered_at.timestamp()),
            int(c.ended_at.timestamp()), int(processed.timestamp()),
        ))
    calls, questions = call_columns(recs), question_columns(recs)
    return Rows(calls, questions, len(recs), len(questions[1][0]))


def insert_rate(settings: Settings, rows: Rows, batch_rows: int, suffix: str) -> tuple[Rate, Rate, float]:
    """Insert into fresh copies `calls_<suffix>` / `questions_<suffix>` of the real tables.

    One batch = `batch_rows` calls and their questions, calls then questions, as the sink
    flushes. Returns (calls rate, questions rate, total seconds); each table's rate counts
    only the time spent in its own inserts.
    """
    from sinks.clickhouse import client

    db = settings.clickhouse_database
    cli = client(settings, database=db)
    try:
        for table in ("calls", "questions"):
            cli.execute(f"DROP TABLE IF EXISTS {db}.{table}_{suffix}")
            cli.execute(f"CREATE TABLE {db}.{table}_{suffix} AS {db}.{table}")
        call_names, call_cols = rows.calls
        q_names, q_cols = rows.questions
        # question rows of call i are contiguous and in call order: slice them per batch
        per_call = call_cols[call_names.index("questions")]
        q_start = [0, *itertools.accumulate(per_call)]
        t_calls = t_questions = 0.0
        for lo in range(0, rows.n_calls, batch_rows):
            hi = min(lo + batch_rows, rows.n_calls)
            t0 = time.perf_counter()
            cli.execute(f"INSERT INTO {db}.calls_{suffix} ({', '.join(call_names)}) VALUES",
                        [col[lo:hi] for col in call_cols], columnar=True, types_check=False)
            t1 = time.perf_counter()
            qlo, qhi = q_start[lo], q_start[hi]
            if qhi > qlo:
                cli.execute(f"INSERT INTO {db}.questions_{suffix} ({', '.join(q_names)}) VALUES",
                            [col[qlo:qhi] for col in q_cols], columnar=True, types_check=False)
            t2 = time.perf_counter()
            t_calls += t1 - t0
            t_questions += t2 - t1
        got = cli.execute(f"SELECT count() FROM {db}.calls_{suffix}")[0][0], cli.execute(f"SELECT count() FROM {db}.questions_{suffix}")[0][0]
        if got != (rows.n_calls, rows.n_questions):
            raise RuntimeError(f"raw insert: tables hold {got}, expected {(rows.n_calls, rows.n_questions)}")
        for table in ("calls", "questions"):
            cli.execute(f"DROP TABLE IF EXISTS {db}.{table}_{suffix}")
    finally:
        cli.disconnect()
    return Rate(rows.n_calls, t_calls), Rate(rows.n_questions, t_questions), t_calls + t_questions

