"""Amazon Connect contact records (tests/data/ctr, written from the public CTR data model)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from producers.caller_hash import hash_caller
from producers.connect_ctr import ctr_to_submission, read_ctr
from producers.importer import import_file, rejects_path_for
from schemas.call import CallEvent, Disposition, derive_event_id
from schemas.validation import InvalidRecord

DATA = Path(__file__).resolve().parents[2] / "data" / "ctr"
KEY = b"ctr-test-key-0123456789ab"
ANSWERED, ABANDONED, TRANSFERRED, CLOSED, DUPLICATED, WITHHELD = (f"6a1f2b3c-000{i}-4d5e-8f90-a1b2c3d4e5f6" for i in range(1, 7))


def run(tmp_path: Path, name: str) -> tuple[dict[str, CallEvent], list[dict], list[int]]:
    path = tmp_path / name
    shutil.copy(DATA / name, path)  # rejects land next to the input: keep them out of the repo
    events: list[CallEvent] = []
    summary = import_file(path, "connect-ctr", KEY, events.append, err=io.StringIO())
    rejects_file = rejects_path_for(path)
    rejects = [json.loads(x) for x in rejects_file.read_text().splitlines()] if rejects_file.exists() else []
    assert summary.valid == len(events) and summary.invalid == len(rejects)
    return {e.call.call_id: e for e in events}, rejects, summary.superseded


@pytest.fixture
def jsonl(tmp_path: Path) -> tuple[dict[str, CallEvent], list[dict], list[int]]:
    return run(tmp_path, "contact-records.jsonl")


def test_answered_contact_maps_every_field(jsonl) -> None:
    events, _, _ = jsonl
    e = events[ANSWERED]
    assert e.source == "connect" and e.event_id == derive_event_id("connect", ANSWERED)
    c = e.call
    assert c.disposition is Disposition.answered
    assert c.queued_at.isoformat() == "2021-05-03T09:00:12+00:00"  # Queue.EnqueueTimestamp
    assert c.answered_at.isoformat() == "2021-05-03T09:00:41+00:00"  # Agent.ConnectedToAgentTimestamp
    assert c.ended_at.isoformat() == "2021-05-03T09:03:10+00:00"  # DisconnectTimestamp
    assert c.wait_seconds == 29  # = Queue.Duration
    assert c.agent_id == "fz.amrani" and c.site == "rabat-1" and c.language == "ary" and c.region == "Rabat-Salé-Kénitra"
    assert [t.question for t in c.transcript][0].startswith("Wach lqa7")
    assert c.transcript[0].topic_tag == "vaccination" and c.transcript[1].topic_tag is None
    assert e.emitted_at.isoformat() == "2021-05-03T09:03:40+00:00"  # LastUpdateTimestamp


def test_no_agent_connection_means_abandoned(jsonl) -> None:
    c = jsonl[0][ABANDONED].call
    assert c.disposition is Disposition.abandoned
    assert c.answered_at is None and c.agent_id is None and not c.transcript
    assert c.wait_seconds == 126


def test_transfer_and_out_of_hours(jsonl) -> None:
    events = jsonl[0]
    assert events[TRANSFERRED].call.disposition is Disposition.transferred
    assert events[CLOSED].call.disposition is Disposition.out_of_hours
    assert events[CLOSED].call.queued_at.isoformat() == "2021-05-03T21:40:00+00:00"  # never queued: InitiationTimestamp


def test_latest_last_update_timestamp_wins(jsonl) -> None:
    events, _, superseded = jsonl
    assert superseded == [5]  # the older copy, on line 5, is not imported
    kept = events[DUPLICATED]
    assert kept.emitted_at.isoformat() == "2021-05-04T08:45:00+00:00"
    assert kept.call.transcript[0].question == "ما هي الوثائق المطلوبة للتلقيح؟"
    assert kept.call.agent_id == "fz.amrani"


def test_phone_number_is_hashed_and_absent_from_the_output(jsonl) -> None:
    events = jsonl[0]
    assert events[ANSWERED].call.caller_hash == hash_caller("+212612345678", KEY)
    assert events[ABANDONED].call.caller_hash == hash_caller("+212661234567", KEY)
    assert events[TRANSFERRED].call.caller_hash == hash_caller("+33612345678", KEY)
    assert events[WITHHELD].call.caller_hash is None
    out = "".join(e.model_dump_json() for e in events.values())
    for digits in ("612345678", "661234567", "698765432", "522123456", "33612345678"):
        assert digits not in out


def test_bad_records_are_rejected_with_reasons(jsonl) -> None:
    _, rejects, _ = jsonl
    assert [(r["line"], r["kind"]) for r in rejects] == [(7, "not_json"), (8, "invalid"), (9, "invalid")]
    assert "Queue.Duration: expected a non-negative number of seconds (got -40)" in rejects[1]["reason"]
    assert "Channel: CHAT contact is not a phone call" in rejects[2]["reason"]


def test_json_array_and_firehose_concatenation_read_the_same(tmp_path: Path, jsonl) -> None:
    events, _, _ = jsonl
    array, rejects, superseded = run(tmp_path, "contact-records-array.json")
    assert not rejects and len(superseded) == 1
    assert set(array) == {ANSWERED, ABANDONED, DUPLICATED}
    for contact_id, event in array.items():
        assert event == events[contact_id]
    firehose, rejects, _ = run(tmp_path, "firehose-concatenated.json")
    assert not rejects and set(firehose) == {ANSWERED, ABANDONED, TRANSFERRED}
    assert firehose[TRANSFERRED] == events[TRANSFERRED]


def test_end_time_rebuilt_from_durations_when_disconnect_is_missing() -> None:
    ctr = json.loads((DATA / "contact-records.jsonl").read_text().splitlines()[0])
    del ctr["DisconnectTimestamp"]
    sub = ctr_to_submission(ctr)
    assert sub["call"]["ended_at"] == "2021-05-03T09:03:10Z"  # ConnectedToAgent 09:00:41 + 149 s of interaction


def test_broken_transcript_attribute_is_a_clear_error() -> None:
    ctr = json.loads((DATA / "contact-records.jsonl").read_text().splitlines()[0])
    ctr["Attributes"]["transcript"] = "[{'question': 'single quotes'}]"
    with pytest.raises(InvalidRecord, match="Attributes.transcript: not a JSON array"):
        ctr_to_submission(ctr)


def test_truncated_array_reports_the_rest(tmp_path: Path) -> None:
    text = (DATA / "contact-records-array.json").read_text()
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    records = list(read_ctr(path))
    assert [r.result.call.call_id for r in records[:-1]] == [ANSWERED, ABANDONED]  # the elements before the cut
    assert isinstance(records[-1].result, InvalidRecord) and "rest of the file cannot be read" in records[-1].result.reason
