"""The edge hashes the caller, keeps no number, and gives a re-sent call the same id."""

import json
import uuid

import pytest

from producers.caller_hash import hash_caller
from producers.edge import to_event
from schemas.call import CallEventSubmission, derive_event_id
from schemas.validation import InvalidRecord, parse_call_event

KEY = b"edge-test-key-0123456789"


def _submission(**extra: object) -> CallEventSubmission:
    record = {
        "source": "crm",
        "emitted_at": "2021-05-03T09:03:01+01:00",
        "call": {
            "call_id": "c-42", "site": "rabat-1", "caller_number": "06 12 34 56 78", "agent_id": "a1",
            "queued_at": "2021-05-03T10:00:00+01:00", "answered_at": "2021-05-03T10:00:20+01:00",
            "ended_at": "2021-05-03T10:02:20+01:00", "disposition": "answered",
            "transcript": [{"question": "Wach kayn lqa7 lyoum?", "answer": "Iyeh"}],
        },
        **extra,
    }
    return CallEventSubmission.model_validate_json(json.dumps(record))


def test_to_event_hashes_and_forgets_the_number() -> None:
    event = to_event(_submission(), KEY)
    assert event.call.caller_hash == hash_caller("+212612345678", KEY)
    text = event.model_dump_json()
    assert "caller_number" not in text and "612345678" not in text
    assert parse_call_event(text) == event  # the topic shape accepts what the edge makes


def test_missing_event_id_is_derived_from_source_and_call_id() -> None:
    first, again = to_event(_submission(), KEY), to_event(_submission(), KEY)
    assert first.event_id == again.event_id == derive_event_id("crm", "c-42")


def test_given_event_id_is_kept() -> None:
    given = uuid.uuid4()
    assert to_event(_submission(event_id=str(given)), KEY).event_id == given


def test_unhashable_number_is_an_invalid_record_without_the_number() -> None:
    sub = _submission()
    sub = sub.model_copy(update={"call": sub.call.model_copy(update={"caller_number": "1 ()"})})
    with pytest.raises(InvalidRecord) as exc:
        to_event(sub, KEY)
    assert exc.value.kind == "invalid" and "call.caller_number" in exc.value.reason
