"""Kafka records -> checked records -> ClickHouse columns.

Parsing goes through `schemas.validation.parse` (pydantic), then `_check_*` add what the
schemas leave open but a ClickHouse column cannot hold (times outside DateTime's range,
integers wider than their UInt column): a record that would make an INSERT fail is a dead
letter here, never a stuck batch later. Columns are built with one list comprehension per
column over the surviving records: no per-row dicts or tuples.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from schemas.deadletter import DeadLetter
from schemas.enriched import FAMILIES, LANGUAGES, SYMPTOMS, VACCINES, EnrichedCall, EnrichedQuestion
from schemas.feed import FeedCell, ServiceFigures, SpikeAlert
from schemas.validation import InvalidRecord, parse

Columns = tuple[tuple[str, ...], list[list[Any]]]
"""(column names, one list per column) as clickhouse-driver's `columnar=True` takes them."""

# ClickHouse DateTime is UInt32 seconds; Date is UInt16 days (to 2149). Keep well inside both.
_MIN_TS = 0
_MAX_TS = 4_102_444_800  # 2100-01-01
_U16 = 0xFFFF
_U32 = 0xFFFF_FFFF
_EPOCH_DATE = date(1970, 1, 1)


class LocalClock:
    """UTC epoch seconds -> (local date, local hour) in the hotline's time zone.

    Cached per quarter hour: every real UTC offset and every transition is a multiple of
    15 minutes, so all instants of a quarter hour share a local date and hour.
    """

    def __init__(self, tz: str) -> None:
        self.tz = ZoneInfo(tz)
        self._cache: dict[int, tuple[date, int]] = {}

    def local(self, ts: int) -> tuple[date, int]:
        q = ts // 900
        hit = self._cache.get(q)
        if hit is None:
            dt = datetime.fromtimestamp(q * 900, timezone.utc).astimezone(self.tz)
            hit = self._cache[q] = (dt.date(), dt.hour)
            if len(self._cache) > 100_000:
                self._cache.clear()
        return hit


def _ts(dt: datetime, what: str) -> int:
    ts = int(dt.timestamp())
    if not _MIN_TS <= ts < _MAX_TS:
        raise InvalidRecord("invalid", f"{what}: {dt.isoformat()} is outside 1970-2099, which the tables cannot hold")
    return ts


def _uint(value: int, limit: int, what: str) -> int:
    if not 0 <= value <= limit:
        raise InvalidRecord("invalid", f"{what}: {value} does not fit (0..{limit})")
    return value


_FAMILIES, _LANGUAGES, _VACCINES, _SYMPTOMS = (frozenset(x) for x in (FAMILIES, LANGUAGES, VACCINES, SYMPTOMS))


def _label(value: str, allowed: frozenset[str], what: str) -> None:
    """Catalog labels are the tables' vocabulary (contract 3): an unknown one is a worker bug."""
    if value not in allowed:
        raise InvalidRecord("invalid", f"{what}: {value!r} is not one of {', '.join(sorted(allowed))}")


def _date_ts(d: date, what: str) -> None:
    _ts(datetime(d.year, d.month, d.day, tzinfo=timezone.utc), what)


@dataclass(slots=True)
class CallRecord:
    call: EnrichedCall
    partition: int
    offset: int
    local_date: date
    local_hour: int
    queued: int
    answered: int | None
    ended: int
    processed: int


@dataclass(slots=True)
class FeedRecord:
    """A FeedCell, ServiceFigures or SpikeAlert with where it was read."""

    record: Any
    partition: int
    offset: int


@dataclass(slots=True)
class DeadRecord:
    stage: str
    kind: str
    reason: str
    details: list[str]
    source_topic: str | None
    source_partition: int | None
    source_offset: int | None
    key: bytes | None
    original: bytes
    failed_at: int
    log_topic: str
    log_partition: int
    log_offset: int
    log_date: date = field(default=_EPOCH_DATE)


def parse_call(raw: bytes, partition: int, offset: int, clock: LocalClock) -> CallRecord:
    """An enriched call, checked to fit the tables; raises InvalidRecord otherwise."""
    call = parse(EnrichedCall, raw)
    queued = _ts(call.queued_at, "queued_at")
    answered = None if call.answered_at is None else _ts(call.answered_at, "answered_at")
    ended = _ts(call.ended_at, "ended_at")
    processed = _ts(call.processed_at, "processed_at")
    _uint(len(call.questions), _U16, "questions (count)")
    _uint(call.redactions, _U32, "redactions")
    _uint(call.schema_version, _U16, "schema_version")
    _label(call.language, _LANGUAGES, "language")
    for i, q in enumerate(call.questions):
        # The common case costs a few set lookups; messages are built only on failure.
        if not (q.seq <= _U16 and q.family in _FAMILIES and q.language in _LANGUAGES
                and (q.vaccine is None or q.vaccine in _VACCINES) and _SYMPTOMS.issuperset(q.symptoms)):
            _uint(q.seq, _U16, f"questions[{i}].seq")
            _label(q.family, _FAMILIES, f"questions[{i}].family")
            _label(q.language, _LANGUAGES, f"questions[{i}].language")
            if q.vaccine is not None:
                _label(q.vaccine, _VACCINES, f"questions[{i}].vaccine")
            for sym in q.symptoms:
                _label(sym, _SYMPTOMS, f"questions[{i}].symptoms")
    local_date, local_hour = clock.local(queued)
    return CallRecord(call, partition, offset, local_date, local_hour, queued, answered, ended, processed)


def parse_feed(raw: bytes, partition: int, offset: int) -> FeedRecord:
    """A record of the feed topic: `kind` says FeedCell ("cell") or ServiceFigures ("service")."""
    model: type[FeedCell] | type[ServiceFigures] = FeedCell
    try:
        if json.loads(raw).get("kind") == "service":
            model = ServiceFigures
    except (ValueError, AttributeError):
        pass  # parse() below gives the readable reason
    rec = parse(model, raw)
    _uint(rec.revision, _U32, "revision")
    _ts(rec.window_start, "window_start")
    _ts(rec.window_end, "window_end")
    _ts(rec.published_at, "published_at")
    _date_ts(rec.local_date, "local_date")
    if isinstance(rec, ServiceFigures):
        for name in ("offered", "answered", "abandoned", "transferred", "out_of_hours", "service_level_target_seconds"):
            _uint(getattr(rec, name), _U32, name)
    else:
        for name in ("calls", "questions"):
            value = getattr(rec, name)
            if value is not None:
                _uint(value, _U32, name)
    return FeedRecord(rec, partition, offset)


def parse_alert(raw: bytes, partition: int, offset: int) -> FeedRecord:
    rec = parse(SpikeAlert, raw)
    _uint(rec.revision, _U32, "revision")
    _uint(rec.observed, _U32, "observed")
    _ts(rec.published_at, "published_at")
    _date_ts(rec.local_date, "local_date")
    return FeedRecord(rec, partition, offset)


def kafka_date(timestamp_ms: int | None) -> date:
    """Day (UTC) of a Kafka record timestamp: deterministic on replay, unlike the clock."""
    if timestamp_ms is None or timestamp_ms < 0:
        return _EPOCH_DATE
    return _EPOCH_DATE + timedelta(days=min(timestamp_ms // 86_400_000, 47_000))


def parse_dead_letter(raw: bytes, topic: str, partition: int, offset: int, timestamp_ms: int | None) -> DeadRecord:
    """A record of the dead-letter topic, stored as it came."""
    dl = parse(DeadLetter, raw)
    return DeadRecord(
        dl.stage, dl.kind, dl.reason, list(dl.details), dl.source_topic,
        _int_or_none(dl.source_partition, -(2**31), 2**31 - 1),
        _int_or_none(dl.source_offset, -(2**63), 2**63 - 1),
        dl.key, dl.original, min(max(int(dl.failed_at.timestamp()), _MIN_TS), _MAX_TS - 1),
        topic, partition, offset, kafka_date(timestamp_ms),
    )


def _int_or_none(v: int | None, lo: int, hi: int) -> int | None:
    return v if v is None or lo <= v <= hi else None


def rejected(exc: InvalidRecord, raw: bytes, key: bytes | None, topic: str, partition: int, offset: int,
             timestamp_ms: int | None, now: int) -> DeadRecord:
    """A record the sink could not read, as a dead letter of stage `sink`."""
    return DeadRecord(
        "sink", exc.kind, exc.reason, list(exc.details), topic, partition, offset, key, raw, now,
        topic, partition, offset, kafka_date(timestamp_ms),
    )


# --- columns ---------------------------------------------------------------------------

CALL_COLUMNS = (
    "event_id", "call_id", "source", "line", "site", "agent_id", "caller_hash", "region", "language",
    "disposition", "queued_at", "answered_at", "ended_at", "local_date", "local_hour", "wait_seconds",
    "handle_seconds", "questions", "redactions", "catalog_version", "schema_version", "processed_at",
    "kafka_partition", "kafka_offset",
)


def call_columns(recs: list[CallRecord]) -> Columns:
    calls = [r.call for r in recs]
    return CALL_COLUMNS, [
        [c.event_id for c in calls],
        [c.call_id for c in calls],
        [c.source for c in calls],
        [c.line for c in calls],
        [c.site for c in calls],
        [c.agent_id for c in calls],
        [c.caller_hash for c in calls],
        [c.region for c in calls],
        [c.language for c in calls],
        [c.disposition.value for c in calls],
        [r.queued for r in recs],
        [r.answered for r in recs],
        [r.ended for r in recs],
        [r.local_date for r in recs],
        [r.local_hour for r in recs],
        [c.wait_seconds for c in calls],
        [c.handle_seconds for c in calls],
        [len(c.questions) for c in calls],
        [c.redactions for c in calls],
        [c.catalog_version for c in calls],
        [c.schema_version for c in calls],
        [r.processed for r in recs],
        [r.partition for r in recs],
        [r.offset for r in recs],
    ]


QUESTION_COLUMNS = (
    "event_id", "seq", "local_date", "local_hour", "queued_at", "family", "question_id", "language",
    "confidence", "question", "answer", "topic_tag", "vaccine", "symptoms", "site", "region", "catalog_version",
)


def question_columns(recs: list[CallRecord]) -> Columns:
    pairs: list[tuple[CallRecord, EnrichedQuestion]] = [(r, q) for r in recs for q in r.call.questions]
    qs = [q for _, q in pairs]
    return QUESTION_COLUMNS, [
        [r.call.event_id for r, _ in pairs],
        [q.seq for q in qs],
        [r.local_date for r, _ in pairs],
        [r.local_hour for r, _ in pairs],
        [r.queued for r, _ in pairs],
        [q.family for q in qs],
        [q.question_id for q in qs],
        [q.language for q in qs],
        [q.confidence for q in qs],
        [q.question for q in qs],
        [q.answer for q in qs],
        [q.topic_tag for q in qs],
        [q.vaccine for q in qs],
        [q.symptoms for q in qs],  # tuples: the driver takes them as arrays, no copy
        [r.call.site for r, _ in pairs],
        [r.call.region for r, _ in pairs],
        [r.call.catalog_version for r, _ in pairs],
    ]


MENTION_COLUMNS = ("event_id", "seq", "local_date", "queued_at", "vaccine", "symptom", "language", "region")


def has_mentions(rec: CallRecord) -> bool:
    return any(q.symptoms for q in rec.call.questions)


def mention_columns(recs: list[CallRecord]) -> Columns:
    """One row per question x symptom; a question without a named vaccine counts as `unknown`."""
    triples = [(r, q, s) for r in recs for q in r.call.questions for s in q.symptoms]
    return MENTION_COLUMNS, [
        [r.call.event_id for r, _, _ in triples],
        [q.seq for _, q, _ in triples],
        [r.local_date for r, _, _ in triples],
        [r.queued for r, _, _ in triples],
        [q.vaccine or "unknown" for _, q, _ in triples],
        [s for _, _, s in triples],
        [q.language for _, q, _ in triples],
        [r.call.region for r, _, _ in triples],
    ]


SERVICE_COLUMNS = (
    "record_id", "revision", "window", "window_start", "window_end", "local_date", "offered", "answered",
    "abandoned", "transferred", "out_of_hours", "asa_seconds", "aht_seconds", "service_level",
    "service_level_target_seconds", "max_wait_seconds", "suppressed", "published_at",
    "kafka_partition", "kafka_offset",
)


def service_columns(recs: list[FeedRecord]) -> Columns:
    rs: list[ServiceFigures] = [f.record for f in recs]
    return SERVICE_COLUMNS, [
        [r.record_id for r in rs],
        [r.revision for r in rs],
        [r.window for r in rs],
        [int(r.window_start.timestamp()) for r in rs],
        [int(r.window_end.timestamp()) for r in rs],
        [r.local_date for r in rs],
        [r.offered for r in rs],
        [r.answered for r in rs],
        [r.abandoned for r in rs],
        [r.transferred for r in rs],
        [r.out_of_hours for r in rs],
        [r.asa_seconds for r in rs],
        [r.aht_seconds for r in rs],
        [r.service_level for r in rs],
        [r.service_level_target_seconds for r in rs],
        [r.max_wait_seconds for r in rs],
        [int(r.suppressed) for r in rs],
        [int(r.published_at.timestamp()) for r in rs],
        [f.partition for f in recs],
        [f.offset for f in recs],
    ]


FEED_COLUMNS = (
    "record_id", "revision", "window", "window_start", "window_end", "local_date", "dimension", "key",
    "calls", "questions", "suppressed", "catalog_version", "published_at", "kafka_partition", "kafka_offset",
)


def feed_columns(recs: list[FeedRecord]) -> Columns:
    rs: list[FeedCell] = [f.record for f in recs]
    return FEED_COLUMNS, [
        [r.record_id for r in rs],
        [r.revision for r in rs],
        [r.window for r in rs],
        [int(r.window_start.timestamp()) for r in rs],
        [int(r.window_end.timestamp()) for r in rs],
        [r.local_date for r in rs],
        [r.dimension for r in rs],
        [r.key for r in rs],
        [r.calls for r in rs],
        [r.questions for r in rs],
        [int(r.suppressed) for r in rs],
        [r.catalog_version for r in rs],
        [int(r.published_at.timestamp()) for r in rs],
        [f.partition for f in recs],
        [f.offset for f in recs],
    ]


ALERT_COLUMNS = (
    "alert_id", "revision", "local_date", "vaccine", "symptom", "observed", "baseline_mean", "baseline_sd",
    "statistic", "threshold", "method", "published_at", "kafka_partition", "kafka_offset",
)


def alert_columns(recs: list[FeedRecord]) -> Columns:
    rs: list[SpikeAlert] = [f.record for f in recs]
    return ALERT_COLUMNS, [
        [r.alert_id for r in rs],
        [r.revision for r in rs],
        [r.local_date for r in rs],
        [r.vaccine for r in rs],
        [r.symptom for r in rs],
        [r.observed for r in rs],
        [r.baseline_mean for r in rs],
        [r.baseline_sd for r in rs],
        [r.statistic for r in rs],
        [r.threshold for r in rs],
        [r.method for r in rs],
        [int(r.published_at.timestamp()) for r in rs],
        [f.partition for f in recs],
        [f.offset for f in recs],
    ]


DEAD_COLUMNS = (
    "stage", "kind", "reason", "details", "source_topic", "source_partition", "source_offset", "key",
    "original", "failed_at", "log_topic", "log_partition", "log_offset", "log_date",
)


def _b(s: str | None) -> bytes | None:
    return None if s is None else s.encode("utf-8")


_RAW_NUMBER = re.compile(r'("caller_number"\s*:\s*)"(?:[^"\\]|\\.)*"')


def redact(text: str) -> str:
    """Dead letters are raw input: a spoken phone or ID number, or a caller number that was
    never hashed, must not reach ClickHouse (contract 2). The verbatim bytes stay on the
    dead-letter topic, at (log_topic, log_partition, log_offset), for whoever may replay them."""
    from streams.text.scrub import scrub

    return scrub(_RAW_NUMBER.sub(r'\1"[PHONE]"', text))


def _redacted(raw: bytes | None) -> bytes | None:
    return None if raw is None else redact(raw.decode("utf-8", errors="replace")).encode("utf-8")


def dead_columns(recs: list[DeadRecord]) -> Columns:
    """String columns as bytes: `original` is arbitrary bytes, so this insert runs with
    clickhouse-driver's `strings_as_bytes` and every String column must be bytes. Free text
    (original, key, reason, details) is redacted first."""
    return DEAD_COLUMNS, [
        [_b(d.stage) for d in recs],
        [_b(d.kind) for d in recs],
        [_b(redact(d.reason)) for d in recs],
        [[_b(redact(x)) for x in d.details] for d in recs],
        [_b(d.source_topic) for d in recs],
        [d.source_partition for d in recs],
        [d.source_offset for d in recs],
        [_redacted(d.key) for d in recs],
        [_redacted(d.original) for d in recs],
        [d.failed_at for d in recs],
        [_b(d.log_topic) for d in recs],
        [d.log_partition for d in recs],
        [d.log_offset for d in recs],
        [d.log_date for d in recs],
    ]
