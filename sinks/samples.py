"""Valid sample records of the sink's four topics, for tests and for measuring the sink.

Deterministic from a seed, so a test can rebuild exactly what it produced. They follow the
schemas (parsed back through them in the unit tests) but make no claim to realism: the
simulator (producers/simulator) is the realistic source.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone

from schemas.enriched import LANGUAGES, SYMPTOMS, VACCINES, EnrichedCall, EnrichedQuestion
from schemas.feed import FeedCell, ServiceFigures, SpikeAlert

_QUESTIONS = [
    ("vaccination", "vaccination.where", "Où puis-je me faire vacciner ?"),
    ("vaccination", "vaccination.second_dose", "Quand dois-je recevoir la deuxième dose ?"),
    ("general", "general.pass", "كيفاش نجيب الجواز الصحي؟"),
    ("adverse_effects", "adverse_effects.fever", "3ndi skhana mn b3d l vaccin"),
    ("other", None, "Est-ce que la pharmacie est ouverte dimanche ?"),
]


def enriched_call(rng: random.Random, day: date = date(2021, 6, 1), event_id: uuid.UUID | None = None) -> EnrichedCall:
    """One answered or abandoned call on `day` (UTC morning/afternoon) with 0-4 questions."""
    queued = datetime(day.year, day.month, day.day, 8, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(12 * 3600))
    answered_call = rng.random() < 0.85
    wait = rng.uniform(0, 120)
    questions: list[EnrichedQuestion] = []
    if answered_call:
        for seq in range(rng.randrange(0, 5)):
            family, qid, text = rng.choice(_QUESTIONS)
            adverse = family == "adverse_effects"
            questions.append(EnrichedQuestion(
                seq=seq, question=text, answer="Réponse.", family=family, question_id=qid,
                language=rng.choice(LANGUAGES), confidence=round(rng.uniform(0.4, 1.0), 3),
                vaccine=rng.choice(VACCINES) if adverse else None,
                symptoms=tuple(rng.sample(SYMPTOMS, rng.randrange(1, 3))) if adverse else (),
            ))
    answered_at = queued + timedelta(seconds=wait) if answered_call else None
    ended = (answered_at + timedelta(seconds=rng.uniform(30, 600))) if answered_at else queued + timedelta(seconds=wait)
    return EnrichedCall(
        event_id=event_id or uuid.UUID(int=rng.getrandbits(128), version=4),
        source="simulator",
        call_id=f"c{rng.getrandbits(48):012x}",
        line="allo-liqah",
        site=rng.choice(["rabat-1", "casa-2"]),
        agent_id=f"a{rng.randrange(40):03d}" if answered_call else None,
        caller_hash=f"{rng.getrandbits(256):064x}",
        region=rng.choice(["Rabat-Salé-Kénitra", "Casablanca-Settat", None]),
        language=rng.choice(LANGUAGES),
        queued_at=queued,
        answered_at=answered_at,
        ended_at=ended,
        disposition="answered" if answered_call else "abandoned",
        wait_seconds=round(wait, 3),
        handle_seconds=round((ended - answered_at).total_seconds(), 3) if answered_at else None,
        questions=tuple(questions),
        redactions=rng.randrange(3),
        catalog_version="2021.06",
        processed_at=queued + timedelta(minutes=30),
    )


def feed_cell(record_id: str = "hour:2021-06-01T09:00:00Z:family:vaccination", revision: int = 1, calls: int = 12) -> FeedCell:
    start = datetime(2021, 6, 1, 9, tzinfo=timezone.utc)
    return FeedCell(
        record_id=record_id, revision=revision, window="hour", window_start=start, window_end=start + timedelta(hours=1),
        local_date=date(2021, 6, 1), dimension="family", key="vaccination", calls=calls, questions=calls + 3,
        catalog_version="2021.06", published_at=start + timedelta(hours=1, minutes=revision),
    )


def service_figures(record_id: str = "hour:2021-06-01T09:00:00Z:service", revision: int = 1, offered: int = 40) -> ServiceFigures:
    start = datetime(2021, 6, 1, 9, tzinfo=timezone.utc)
    return ServiceFigures(
        record_id=record_id, revision=revision, window="hour", window_start=start, window_end=start + timedelta(hours=1),
        local_date=date(2021, 6, 1), offered=offered, answered=offered - 4, abandoned=4, transferred=1, out_of_hours=0,
        asa_seconds=18.5, aht_seconds=170.0, service_level=0.82, service_level_target_seconds=20, max_wait_seconds=95.0,
        published_at=start + timedelta(hours=1, minutes=revision),
    )


def spike_alert(revision: int = 1) -> SpikeAlert:
    return SpikeAlert(
        alert_id="2021-06-01:astrazeneca:fever", revision=revision, local_date=date(2021, 6, 1), vaccine="astrazeneca",
        symptom="fever", observed=30 + revision, baseline_mean=8.0, baseline_sd=2.5, statistic=8.8, threshold=3.0,
        method="ears_c2", published_at=datetime(2021, 6, 1, 22, tzinfo=timezone.utc),
    )
