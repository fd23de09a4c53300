"""Round trips (dump -> parse gives an equal model) and the rules JSON Schema cannot carry."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.call import (
    LANGUAGES,
    MAX_TURNS,
    Call,
    CallEvent,
    CallEventSubmission,
    CallSubmission,
    Disposition,
    Turn,
    derive_event_id,
)
from schemas.deadletter import DeadLetter
from schemas.enriched import EnrichedCall, EnrichedQuestion
from schemas.feed import FeedCell, ServiceFigures, SpikeAlert
from schemas.validation import InvalidRecord, parse, parse_call_event, parse_submission

ident = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.:\-]{0,20}\Z")
# Text as stored: printable, and already stripped (the models strip surrounding blanks).
text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80).map(str.strip).filter(bool)
offsets = st.sampled_from([timezone.utc, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))])
moments = st.builds(
    lambda d, tz: d.replace(tzinfo=timezone.utc).astimezone(tz),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    offsets,
)
turns = st.builds(Turn, question=text, answer=st.one_of(st.just(""), text), topic_tag=st.none() | text.map(lambda s: s[:64].strip() or "x"))


@st.composite
def call_fields(draw: st.DrawFn) -> dict:
    queued = draw(moments)
    disposition = draw(st.sampled_from(list(Disposition)))
    answered = disposition in (Disposition.answered, Disposition.transferred)
    wait = timedelta(seconds=draw(st.integers(0, 3600)))
    talk = timedelta(seconds=draw(st.integers(0, 3600)))
    return {
        "call_id": draw(ident),
        "line": draw(ident),
        "site": draw(ident),
        "agent_id": draw(ident) if answered else None,
        "region": draw(st.none() | text.map(lambda s: s[:64].strip() or "x")),
        "language": draw(st.none() | st.sampled_from(LANGUAGES)),
        "queued_at": queued,
        "answered_at": queued + wait if answered else None,
        "ended_at": queued + wait + talk,
        "disposition": disposition,
        "transcript": draw(st.lists(turns, max_size=4)) if answered else [],
    }


hashes = st.none() | st.from_regex(r"\A[0-9a-f]{64}\Z")


@given(fields=call_fields(), caller=hashes, source=ident, emitted=moments)
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_call_event_round_trip(fields: dict, caller: str | None, source: str, emitted: datetime) -> None:
    event = CallEvent(event_id=uuid.uuid4(), source=source, emitted_at=emitted, call=Call(caller_hash=caller, **fields))
    again = parse_call_event(event.model_dump_json().encode())
    assert again == event
    assert again.call.queued_at.tzinfo == timezone.utc


@given(fields=call_fields(), number=st.none() | st.from_regex(r"\A\+?[0-9]{6,15}\Z"), source=ident, emitted=moments)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
def test_submission_round_trip(fields: dict, number: str | None, source: str, emitted: datetime) -> None:
    sub = CallEventSubmission(source=source, emitted_at=emitted, call=CallSubmission(caller_number=number, **fields))
    assert parse_submission(sub.model_dump_json()) == sub


questions = st.builds(
    EnrichedQuestion,
    seq=st.integers(0, 49),
    question=text,
    family=st.sampled_from(["general", "vaccination", "adverse_effects", "other"]),
    question_id=st.none() | ident,
    language=st.sampled_from(LANGUAGES),
    confidence=st.floats(0, 1),
    symptoms=st.lists(st.sampled_from(["fever", "headache"]), max_size=2).map(tuple),
)


@given(fields=call_fields(), qs=st.lists(questions, max_size=3), processed=moments)
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
def test_enriched_round_trip(fields: dict, qs: list, processed: datetime) -> None:
    call = Call(**fields)
    enriched = EnrichedCall(
        event_id=uuid.uuid4(), source="simulator", call_id=call.call_id, line=call.line, site=call.site,
        agent_id=call.agent_id, caller_hash=None, region=call.region, language="fr", queued_at=call.queued_at,
        answered_at=call.answered_at, ended_at=call.ended_at, disposition=call.disposition,
        wait_seconds=call.wait_seconds, handle_seconds=call.handle_seconds, questions=tuple(qs),
        catalog_version="2021.1", processed_at=processed,
    )
    assert parse(EnrichedCall, enriched.model_dump_json()) == enriched


@given(start=moments, n=st.none() | st.integers(0, 10_000), suppressed=st.booleans(), raw=st.binary(max_size=300), key=st.none() | st.binary(max_size=40))
@settings(max_examples=40)
def test_feed_alert_deadletter_round_trip(start: datetime, n: int | None, suppressed: bool, raw: bytes, key: bytes | None) -> None:
    cell = FeedCell(
        record_id="x", window="hour", window_start=start, window_end=start + timedelta(hours=1), local_date=start.date(),
        dimension="family", key="vaccination", calls=n, questions=n, suppressed=suppressed, catalog_version="v", published_at=start,
    )
    assert parse(FeedCell, cell.model_dump_json()) == cell
    fig = ServiceFigures(
        record_id="x", window="day", window_start=start, window_end=start + timedelta(days=1), local_date=start.date(),
        offered=n or 0, answered=n or 0, abandoned=0, transferred=0, out_of_hours=0, asa_seconds=1.5,
        service_level_target_seconds=20, published_at=start,
    )
    assert parse(ServiceFigures, fig.model_dump_json()) == fig
    alert = SpikeAlert(
        alert_id="a", local_date=start.date(), vaccine="pfizer", symptom="fever", observed=n or 0, baseline_mean=1.0,
        baseline_sd=0.5, statistic=3.2, threshold=3.0, method="ears_c2", published_at=start,
    )
    assert parse(SpikeAlert, alert.model_dump_json()) == alert
    dl = DeadLetter(stage="worker", kind="not_utf8", reason="r", original=raw, key=key, failed_at=start)
    assert parse(DeadLetter, dl.model_dump_json()) == dl


# --- the rules -------------------------------------------------------------------------

def _sub(**call: object) -> dict:
    base = {
        "call_id": "c-1", "site": "rabat-1", "queued_at": "2021-05-03T09:00:00Z", "answered_at": "2021-05-03T09:00:30Z",
        "ended_at": "2021-05-03T09:03:00Z", "disposition": "answered", "agent_id": "a7",
        "transcript": [{"question": "Fin nqder ndir lqa7?", "answer": "f markaz s7i"}],
    }
    base.update(call)
    return {"source": "crm", "emitted_at": "2021-05-03T09:03:01Z", "call": base}


def _reason(record: dict | bytes) -> str:
    raw = record if isinstance(record, bytes) else json.dumps(record).encode()
    with pytest.raises(InvalidRecord) as exc:
        parse_submission(raw)
    return exc.value.reason


def test_a_valid_submission_is_accepted_and_times_become_utc() -> None:
    sub = parse_submission(json.dumps(_sub(queued_at="2021-05-03T10:00:00+01:00", answered_at="2021-05-03T10:00:30+01:00", ended_at="2021-05-03T10:03:00+01:00")))
    assert sub.call.queued_at == datetime(2021, 5, 3, 9, 0, tzinfo=timezone.utc)
    assert sub.call.queued_at.utcoffset() == timedelta(0)
    assert sub.call.wait_seconds == 30 and sub.call.handle_seconds == 150


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ({"queued_at": "2021-05-03T09:00:00"}, "call.queued_at: needs a time zone"),
        ({"ended_at": "2021-05-03T08:00:00Z"}, "negative duration"),
        ({"ended_at": "2021-05-05T09:00:00Z"}, "more than 24 hours"),
        ({"queued_at": "1970-01-01T00:00:00Z"}, "outside 2000-2100"),
        ({"queued_at": 1620032400}, "call.queued_at: expected an ISO 8601 time such as 2021-05-03T09:00:00Z, not a number"),
        ({"disposition": "hung_up"}, "call.disposition: Input should be 'answered'"),
        ({"answered_at": None}, "answered_at is required when disposition is answered"),
        ({"disposition": "abandoned", "agent_id": None}, "answered_at must be empty"),
        ({"disposition": "abandoned", "answered_at": None}, "a abandoned call has no transcript"),
        ({"transcript": [{"question": "   "}]}, "call.transcript[0].question"),
        ({"transcript": [{"question": "a\x00b"}]}, "control character (U+0000)"),
        ({"transcript": [{"question": "q"}] * (MAX_TURNS + 1)}, f"at most {MAX_TURNS} items"),
        ({"transcript": [{"question": "q" * 2001}]}, "at most 2000 characters"),
        ({"transcript": [{"question": "q", "asked_at": "2021-05-03T10:00:00Z"}]}, "asked_at must lie between"),
        ({"language": "French"}, "call.language: Input should be 'fr'"),
        ({"call_id": "has space"}, "call.call_id: String should match pattern"),
        ({"call_id": 17}, "call.call_id: Input should be a valid string"),
        ({"caller_number": "call me"}, "call.caller_number: String should match pattern"),
        ({"colour": "red"}, "call.colour: is not a field of this record"),
    ],
)
def test_bad_calls_say_which_field_and_what_is_expected(call: dict, expected: str) -> None:
    assert expected in _reason(_sub(**call))


def test_errors_never_echo_a_phone_number() -> None:
    assert "0612" not in _reason(_sub(caller_number="0612-34-56-78-90-12-34-56-78-90-12-34-56"))
    event = {"event_id": str(uuid.uuid4()), **_sub(caller_number="0612345678")}
    with pytest.raises(InvalidRecord) as exc:
        parse_call_event(json.dumps(event))
    assert "a raw phone number is not allowed here" in exc.value.reason and "0612345678" not in exc.value.reason


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        (b'{"source": "crm", "emitted_at": ', "not_json", "not valid JSON"),
        (b"caller=0612345678;site=rabat", "not_json", "not valid JSON"),
        (b'{"source": "\xff\xfe"}', "not_utf8", "not valid UTF-8 (at byte offset 12"),
        (b"", "not_json", "record is empty"),
        (b"{}", "invalid", "source: is required"),
        (b"[1, 2]", "invalid", "(record): expected a JSON object"),
        (b'{"schema_version": 2}', "invalid", "schema_version: this version is not known here (known: 1)"),
        (json.dumps(_sub(transcript=[{"question": "x" * 10_000_000}])).encode(), "too_large", "the limit is 262144 bytes"),
    ],
)
def test_bad_bytes_get_a_kind_and_a_reason(raw: bytes, kind: str, expected: str) -> None:
    with pytest.raises(InvalidRecord) as exc:
        parse_submission(raw)
    assert exc.value.kind == kind
    assert expected in exc.value.reason


def test_size_limit_counts_bytes_not_characters() -> None:
    arabic = json.dumps(_sub(transcript=[{"question": "س" * 1990, "answer": "ج" * 1000}] * 50), ensure_ascii=False)
    assert len(arabic) < 262144 < len(arabic.encode())
    with pytest.raises(InvalidRecord) as exc:
        parse_submission(arabic)
    assert exc.value.kind == "too_large"


def test_derived_event_ids_are_stable_and_distinct() -> None:
    assert derive_event_id("crm", "c-1") == derive_event_id("crm", "c-1")
    assert derive_event_id("crm", "c-1") != derive_event_id("crm2", "c-1")
    assert derive_event_id("crm", "c-1").version == 5
