"""Parsing and checking records for the tables, local dates, and the column builders."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone

import pytest

from schemas.validation import InvalidRecord
from sinks import rows, samples
from sinks.rows import LocalClock


def _raw(**changes: object) -> bytes:
    doc = json.loads(samples.enriched_call(random.Random(5)).model_dump_json())
    doc.update(changes)
    return json.dumps(doc).encode()


def _ts(y: int, m: int, d: int, h: int, mi: int = 0) -> int:
    return int(datetime(y, m, d, h, mi, tzinfo=timezone.utc).timestamp())


def test_local_day_follows_morocco_including_ramadan_time() -> None:
    clock = LocalClock("Africa/Casablanca")
    # June 2021: UTC+1, so 23:30 UTC is already the next local day.
    assert clock.local(_ts(2021, 6, 1, 23, 30)) == (date(2021, 6, 2), 0)
    # Ramadan 2021 (mid-April to mid-May): Morocco is on UTC+0.
    assert clock.local(_ts(2021, 4, 20, 23, 30)) == (date(2021, 4, 20), 23)
    # Same answers from the cache, for every instant of the quarter hour.
    assert clock.local(_ts(2021, 6, 1, 23, 44)) == (date(2021, 6, 2), 0)


def test_valid_call_parses_with_derived_columns() -> None:
    rec = rows.parse_call(_raw(), 2, 40, LocalClock("Africa/Casablanca"))
    assert (rec.partition, rec.offset) == (2, 40)
    assert rec.queued == int(rec.call.queued_at.timestamp())
    assert rec.local_date == rec.call.queued_at.astimezone(LocalClock("Africa/Casablanca").tz).date()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"queued_at": "1969-12-31T23:00:00Z", "ended_at": "1969-12-31T23:10:00Z", "processed_at": "1970-01-02T00:00:00Z"}, "outside"),
        ({"language": "klingon"}, "language"),
        ({"redactions": 2**33}, "redactions"),
        ({"extra_field": 1}, "not a field"),
    ],
)
def test_records_the_tables_cannot_hold_are_invalid(change: dict, needle: str) -> None:
    with pytest.raises(InvalidRecord, match=needle):
        rows.parse_call(_raw(**change), 0, 0, LocalClock("UTC"))


def test_unknown_question_label_is_invalid() -> None:
    doc = json.loads(_raw())
    doc["disposition"], doc["questions"] = "answered", [{
        "seq": 0, "question": "q", "family": "weather", "question_id": None, "language": "fr", "confidence": 0.5}]
    doc["answered_at"] = doc["answered_at"] or doc["queued_at"]
    with pytest.raises(InvalidRecord, match=r"questions\[0\].family"):
        rows.parse_call(json.dumps(doc).encode(), 0, 0, LocalClock("UTC"))


def test_feed_kind_selects_the_model_and_bad_kind_is_invalid() -> None:
    cell = rows.parse_feed(samples.feed_cell().model_dump_json().encode(), 0, 1)
    svc = rows.parse_feed(samples.service_figures().model_dump_json().encode(), 0, 2)
    assert cell.record.kind == "cell" and svc.record.kind == "service"
    with pytest.raises(InvalidRecord):
        rows.parse_feed(b'{"kind": "service", "record_id": "x"}', 0, 3)
    with pytest.raises(InvalidRecord, match="not valid JSON"):
        rows.parse_feed(b"[1, 2", 0, 4)


def test_rejected_record_keeps_bytes_and_is_placed_by_kafka_time() -> None:
    d = rows.rejected(InvalidRecord("not_utf8", "bad"), b"\xff", None, "t", 1, 7, 1622591999000, 1)
    assert d.log_date == date(2021, 6, 1) and d.original == b"\xff" and d.stage == "sink"
    assert rows.kafka_date(None) == date(1970, 1, 1)


def test_columns_line_up_with_their_names() -> None:
    rng = random.Random(9)
    clock = LocalClock("Africa/Casablanca")
    recs = [rows.parse_call(samples.enriched_call(rng).model_dump_json().encode(), 0, i, clock) for i in range(50)]
    n_q = sum(len(r.call.questions) for r in recs)
    n_m = sum(len(q.symptoms) for r in recs for q in r.call.questions)
    for (names, cols), n in [(rows.call_columns(recs), 50), (rows.question_columns(recs), n_q), (rows.mention_columns(recs), n_m)]:
        assert len(names) == len(cols) and all(len(c) == n for c in cols)
    names, cols = rows.question_columns(recs)
    first = dict(zip(names, (c[0] for c in cols)))
    q0 = next(q for r in recs for q in r.call.questions)
    assert first["question"] == q0.question and first["family"] == q0.family


def test_dead_letters_reach_clickhouse_redacted() -> None:
    """Raw input may hold a caller number never hashed, or spoken phone / ID numbers."""
    from sinks.rows import DeadRecord, dead_columns

    raw = ('{"call":{"caller_number":"+33 6 12 34 56 78","transcript":[{"question":'
           '"ana 06 12 34 56 78 w cin AB123456, 2 doses 1717"}]}}').encode()
    rec = DeadRecord("worker", "invalid", "call.transcript[0].question: too long (got 'ana 06 12 34 56 78')",
                     ["x: (got 'AB123456')"], "calls", 0, 1, b"0612345678", raw, 0, "dl", 0, 7)
    names, cols = dead_columns([rec])
    row = {n: c[0] for n, c in zip(names, cols)}
    stored = b" ".join([row["original"], row["key"], row["reason"], *row["details"]]).decode()
    for secret in ("12 34 56 78", "0612345678", "AB123456"):
        assert secret not in stored
    assert '"caller_number":"[PHONE]"' in row["original"].decode()
    assert "2 doses 1717" in row["original"].decode()  # ordinary numbers survive
