"""Per-call enrichment: parse, scrub, classify; dead letters; the poison guard; isolation of errors."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from streams_fakes import FakeLabel, OracleClassifier

from schemas.deadletter import DeadLetter
from schemas.enriched import EnrichedCall
from streams.deadletter import PoisonBurst, PoisonGuard
from streams.process import Enricher, RawRecord

NOW = datetime(2021, 6, 2, tzinfo=timezone.utc)


def raw(events_or_bytes, topic="calls"):
    out = []
    for i, x in enumerate(events_or_bytes):
        value = x if isinstance(x, bytes) else x.model_dump_json().encode()
        out.append(RawRecord(topic, i % 3, 100 + i, f"k{i}".encode(), value))
    return out


def test_valid_calls_are_enriched_and_validate_against_the_schema(sim_day):
    events, clf = sim_day
    before = clf.calls
    out = Enricher(clf, "v-test").process(raw(events[:200]), NOW)
    assert len(out.enriched) == 200 and not out.dead and len(out.contributions) == 200
    for (key, value), ev in zip(out.enriched, events[:200]):
        call = EnrichedCall.model_validate_json(value)  # built as a dict for speed, but valid
        assert call.model_dump_json().encode() == value  # and byte for byte the model's JSON
        assert call.event_id == ev.event_id and call.catalog_version == "v-test"
        assert len(call.questions) == len(ev.call.transcript)
        assert call.language in ("fr", "ar", "ary", "ary-Latn", "en", "ber", "und")
        for q in call.questions:
            assert (q.question_id is None) == (q.family == "other")
            if q.family != "adverse_effects":
                assert q.vaccine is None and q.symptoms == ()
    assert clf.calls == before + 1  # the whole batch in one classify_many


def test_invalid_records_are_dead_lettered_with_the_original_bytes(sim_day):
    events, clf = sim_day
    bad = [b"\xff\xfe not utf8", b"{not json", b'{"schema_version": 1}', b""]
    records = raw([events[0], *bad, events[1]])
    out = Enricher(clf, "v").process(records, NOW)
    assert len(out.enriched) == 2
    letters = [DeadLetter.model_validate_json(v) for _, v in out.dead]
    assert [d.kind for d in letters] == ["not_utf8", "not_json", "invalid", "not_json"]
    for d, rec in zip(letters, records[1:5]):
        assert d.original == rec.value and d.key == rec.key and d.stage == "worker"
        assert (d.source_topic, d.source_partition, d.source_offset) == (rec.topic, rec.partition, rec.offset)
        assert d.reason
    assert letters[2].details  # one line per field error


def test_one_failing_call_is_a_processing_error_not_a_crash(sim_day):
    events, _ = sim_day
    answered = [e for e in events if e.call.transcript][:5]
    poison = answered[2].call.transcript[0].question

    class Flaky(OracleClassifier):
        def classify(self, text):
            if text == poison:
                raise RuntimeError("classifier bug")
            return FakeLabel("general", "general.covid_info", "fr", 0.8)

    out = Enricher(Flaky(), "v").process(raw(answered), NOW)
    assert len(out.enriched) == 4
    (key, value), = out.dead
    d = DeadLetter.model_validate_json(value)
    assert d.kind == "processing_error" and "classifier bug" in d.reason
    assert d.original == answered[2].model_dump_json().encode()


def test_scrubbed_text_and_unmatched_questions(sim_day):
    events, _ = sim_day
    ev = next(e for e in events if e.call.transcript)
    turn = ev.call.transcript[0].model_copy(update={"question": "mon numero 06 12 34 56 78 et ma cin AB123456, c'est quoi ce truc"})
    ev = ev.model_copy(update={"call": ev.call.model_copy(update={"transcript": [turn]})})
    clf = OracleClassifier({"mon numero [PHONE] et ma cin [CIN], c'est quoi ce truc": FakeLabel("other", None, "fr", 0.1)})
    out = Enricher(clf, "v").process(raw([ev]), NOW)
    call = EnrichedCall.model_validate_json(out.enriched[0][1])
    assert "06 12" not in call.questions[0].question and "AB123456" not in call.questions[0].question
    assert call.redactions >= 2
    (key, value), = out.unmatched
    rec = json.loads(value)
    assert rec["text"] == call.questions[0].question and rec["seq"] == 0 and rec["event_id"] == str(ev.event_id)
    assert key == ev.event_id.hex.encode()


def test_poison_burst_raises_before_anything_is_returned(sim_day):
    events, clf = sim_day
    guard = PoisonGuard(0.5, 1000)
    enricher = Enricher(clf, "v", guard=guard)
    enricher.process(raw(events[:60]), NOW)
    with pytest.raises(PoisonBurst):
        enricher.process(raw([b"garbage"] * 80), NOW)  # 80 bad of 140 seen
    ok = Enricher(clf, "v", guard=PoisonGuard(0.5, 1000))
    out = ok.process(raw(events[:100] + [b"garbage"] * 60), NOW)  # 60 of 160: fine
    assert len(out.dead) == 60
