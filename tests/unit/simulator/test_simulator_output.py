"""What the simulator emits: valid events, determinism, transcripts, PII, catalog coverage, CLI."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from datetime import date

import pytest

from hotline.cli import main
from hotline.config import get_settings
from producers.simulator import templates as T
from producers.simulator.simulate import simulate, simulated_question_ids, summarize
from producers.simulator.templates.adverse_effects import SYMPTOM_MIX
from producers.simulator.templates.slots import SYMPTOMS, VACCINES
from producers.simulator.transcripts import TranscriptWriter
from schemas.catalog import CatalogQuestion, load_catalog
from schemas.validation import parse_call_event
from simulator_helpers import KEY, run

# How a scrubber would recognise a spoken Moroccan phone number or a national ID card number.
PHONE = re.compile(r"(?:\+212|00212|\b0)[\s.\-]?[5-7](?:[\s.\-]?\d){8}\b")
CIN = re.compile(r"\b[A-Z]{1,2} ?\d{5,6}\b")
MAIN_LANGUAGES = ("fr", "ar", "ary", "ary-Latn")


def has_pii(call) -> bool:
    return any(PHONE.search(t.question) or CIN.search(t.question) for t in call.transcript)


def jsonl(days: int, calls: float, agents: int, seed: int, **kw) -> bytes:
    from producers.simulator.simulate import simulate_labelled

    return b"".join(i.event.model_dump_json().encode() + b"\n"
                    for i in simulate_labelled(days, calls, agents, seed, caller_key=KEY, **kw))


def test_every_event_validates_and_round_trips(week) -> None:
    for item in week:
        line = item.event.model_dump_json()
        parsed = parse_call_event(line)
        assert parsed == item.event
        assert parsed.model_dump_json() == line


def test_events_are_sorted_by_queue_time_with_unique_deterministic_ids(week) -> None:
    queued = [i.event.call.queued_at for i in week]
    assert queued == sorted(queued)
    assert len({i.event.event_id for i in week}) == len(week)
    assert len({i.event.call.call_id for i in week}) == len(week)
    assert all(i.event.emitted_at == i.event.call.ended_at and i.event.source == "simulator" for i in week)


def test_same_seed_gives_byte_identical_output_and_another_seed_does_not() -> None:
    a, b = jsonl(2, 600, 5, seed=3), jsonl(2, 600, 5, seed=3)
    assert a == b and len(a) > 100_000
    assert jsonl(2, 600, 5, seed=4) != a


def test_one_day_rerun_alone_resends_the_same_events() -> None:
    whole = jsonl(3, 400, 4, seed=8, start=date(2021, 6, 7)).splitlines()
    alone = jsonl(1, 400, 4, seed=8, start=date(2021, 6, 8)).splitlines()
    day = [line for line in whole if b"-20210608-" in line]
    assert alone == day and len(day) > 300


def test_all_four_main_languages_in_plausible_shares(week) -> None:
    tagged = Counter(i.event.call.language for i in week if i.event.call.answered_at is not None)
    total = sum(tagged.values())
    for lang, expected in (("fr", 0.30), ("ary", 0.30), ("ary-Latn", 0.25), ("ar", 0.10)):
        assert abs(tagged[lang] / total - expected * 0.97) < 0.03, (lang, tagged)
    assert tagged["en"] and tagged["ber"] and tagged[None]
    spoken = Counter(lab.language for i in week for lab in i.labels)
    assert all(spoken[lang] > 500 for lang in MAIN_LANGUAGES), spoken
    arabizi = [t.question for i in week for t, lab in zip(i.event.call.transcript, i.labels) if lab.language == "ary-Latn"]
    assert sum(1 for q in arabizi if re.search(r"[a-z][379]|[379][a-z]", q)) > 0.5 * len(arabizi)


def test_every_active_catalog_question_is_asked(week) -> None:
    asked = Counter(lab.question_id for i in week for lab in i.labels)
    for q in load_catalog().active():
        assert asked[q.id] >= 5, q.id
    assert asked[None] > 0  # off-catalog questions too
    families = Counter(lab.family for i in week for lab in i.labels)
    assert families["vaccination"] > families["general"] > families["adverse_effects"] > families["other"]


def test_adverse_effect_questions_name_a_vaccine_and_symptoms(week) -> None:
    ae = [(t.question, lab) for i in week for t, lab in zip(i.event.call.transcript, i.labels) if lab.family == "adverse_effects"]
    assert len(ae) > 300
    assert all(lab.vaccine in VACCINES and lab.symptoms and set(lab.symptoms) <= set(SYMPTOMS) for _, lab in ae)
    for qid, by_lang in T.QUESTIONS.items():
        if qid.startswith("adverse_effects."):
            assert all("{vaccine}" in t and "{symptoms}" in t for ts in by_lang.values() for t in ts), qid
            assert set(SYMPTOM_MIX[qid]) <= set(SYMPTOMS)
    severe = Counter(s for _, lab in ae if lab.question_id == "adverse_effects.severe" for s in lab.symptoms)
    assert set(severe) <= {"breathing", "allergic", "chest_pain", "dizziness"}


def test_transcripts_vary_and_carry_typos_and_code_switching(week) -> None:
    questions = [t.question for i in week for t in i.event.call.transcript]
    assert len(set(questions)) > 0.8 * len(questions)
    per_qid: dict[str, set] = {}
    for i in week:
        for t, lab in zip(i.event.call.transcript, i.labels):
            per_qid.setdefault(lab.question_id, set()).add(t.question)
    assert all(len(texts) >= 20 for texts in per_qid.values()), {k: len(v) for k, v in per_qid.items()}
    french_in_arabic = sum(1 for q in questions if re.search(r"[\u0600-\u06ff]", q) and re.search(r"\b[a-zé]{4,}\b", q))
    assert french_in_arabic > 100
    assert sum(1 for q in questions if re.search(r"(.)\1\1", q)) > 50  # repeated letters
    tags = [t.topic_tag for i in week for t in i.event.call.transcript]
    assert 0.25 < sum(1 for t in tags if t) / len(tags) < 0.45
    assert all(t.answer for i in week for t in i.event.call.transcript)


def test_every_template_fills_in_every_language() -> None:
    import random

    writer = TranscriptWriter(simulated_question_ids())
    from producers.simulator.transcripts import _CallSlots
    from producers.simulator.mix import Weighted, vaccine_weights

    rng = random.Random(0)
    slots = _CallSlots(rng, "Oriental", Weighted(vaccine_weights(None, 1)))
    for qid in [*writer.questions, None]:
        table = writer.questions[qid] if qid else writer.other
        if qid:
            assert all(len(table[lang]) >= 3 for lang in MAIN_LANGUAGES), qid
        for lang in table:
            for _ in range(30):
                text, label = writer.question(rng, qid, lang, slots)
                assert text and "{" not in text and label.question_id == qid


def test_templates_are_not_the_catalog_phrasings() -> None:
    def norm(s: str) -> str:
        return " ".join(re.sub(r"\{[a-z]+\}|[^\w\s]", " ", s.lower()).split())

    catalog = {norm(text) for q in load_catalog().questions for _, text in q.all_phrasings()}
    ours = [norm(t) for by_lang in T.QUESTIONS.values() for ts in by_lang.values() for t in ts]
    assert not [t for t in ours if t in catalog]


def test_pii_share_is_roughly_as_configured() -> None:
    for share in (0.0, 0.2):
        items = run(2, 1200, 8, seed=31, pii_share=share)
        answered = [i.event.call for i in items if i.event.call.transcript]
        found = sum(1 for c in answered if has_pii(c)) / len(answered)
        assert abs(found - share) < 0.03, (share, found)


def test_default_pii_share_and_spellings(week) -> None:
    answered = [i.event.call for i in week if i.event.call.transcript]
    assert abs(sum(1 for c in answered if has_pii(c)) / len(answered) - 0.05) < 0.015
    said = [m.group() for c in answered for t in c.transcript for m in PHONE.finditer(t.question)]
    assert {s[:2] for s in said} >= {"06", "07", "+2", "00"}
    assert any("." in s for s in said) and any("-" in s for s in said) and any(" " in s for s in said)
    assert any(CIN.search(t.question) for c in answered for t in c.transcript)


def test_summary_adds_up(week) -> None:
    s = summarize(week)
    assert s["calls"] == len(week) == s["answered"] + s["transferred"] + s["abandoned"] + s["out_of_hours"]
    assert s["questions"] == sum(s["questions_per_family"].values())
    assert sum(s["calls_per_language"].values()) == s["answered"] + s["transferred"]
    assert sum(s["calls_per_day"].values()) == s["calls"] and len(s["calls_per_day"]) == 7
    assert "questions_per_family" not in summarize(i.event for i in week[:100])


def test_a_catalog_question_without_templates_is_skipped_with_a_warning(monkeypatch, caplog) -> None:
    import schemas.catalog

    catalog = load_catalog()
    new = CatalogQuestion(id="vaccination.travel_pass", family="vaccination", answer={"fr": "x", "ar": "y"},
                          phrasings={"fr": ["a b c", "d e f", "g h i"]})
    retired = catalog.get("vaccination.foreigners").model_copy(update={"retired": True})
    questions = [retired if q.id == retired.id else q for q in catalog.questions] + [new]
    monkeypatch.setattr(schemas.catalog, "load_catalog", lambda *a, **k: catalog.model_copy(update={"questions": questions}))
    with caplog.at_level(logging.WARNING):
        ids = simulated_question_ids()
        asked = {lab.question_id for i in run(1, 800, 6, seed=2) for lab in i.labels}
    assert "vaccination.travel_pass" not in ids and "vaccination.foreigners" not in ids
    assert "vaccination.foreigners" not in asked and "vaccination.travel_pass" not in asked
    assert any("vaccination.travel_pass" in str(getattr(r, "fields", "")) for r in caplog.records)


def test_generator_api_yields_call_events() -> None:
    events = simulate(1, 200, 2, seed=1, caller_key=KEY)
    first = next(events)
    assert first.call.call_id.startswith("sim1-")


@pytest.fixture()
def test_mode(monkeypatch):
    monkeypatch.setenv("HOTLINE_MODE", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_writes_events_labels_and_summary(tmp_path, capsys, test_mode) -> None:
    out, labels = tmp_path / "calls.jsonl", tmp_path / "labels.jsonl"
    status = main(["simulate", "--days", "2", "--calls-per-day", "300", "--agents", "3", "--seed", "5",
                   "--start", "2021-06-07", "--event-day", "2021-06-08:pass", "--out", str(out), "--labels", str(labels)])
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    lines = out.read_bytes().splitlines()
    assert len(lines) == summary["calls"] > 600
    assert all(parse_call_event(line) for line in lines)
    label_rows = [json.loads(line) for line in labels.read_text().splitlines()]
    assert len(label_rows) == summary["questions"] == sum(summary["questions_per_family"].values())
    assert {r["family"] for r in label_rows} == {"general", "vaccination", "adverse_effects", "other"}


@pytest.mark.parametrize("args, message", [
    (["--event-day", "2021-13-01"], "is not a date"),
    (["--event-day", "2021-06-01:party"], "unknown kind"),
    (["--pii-share", "1.5"], "between 0 and 1"),
    (["--days", "0"], "at least 1"),
])
def test_cli_rejects_bad_arguments_with_one_line(tmp_path, capsys, test_mode, args, message) -> None:
    status = main(["simulate", "--out", str(tmp_path / "x.jsonl"), *args])
    assert status == 1
    assert message in capsys.readouterr().err


def test_event_ids_name_the_scenario() -> None:
    """A re-run re-sends the same ids; another volume or staffing of the same day is other calls."""
    def ids(calls: int, agents: int) -> set:
        return {e.event_id for e in simulate(1, calls, agents, seed=3, caller_key=KEY)}

    base = ids(300, 4)
    assert ids(300, 4) == base
    assert not base & ids(600, 4)
    assert not base & ids(300, 2)
