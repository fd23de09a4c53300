"""The enriched call the worker publishes: validated, scrubbed, classified.

This is what the ClickHouse sink stores. Free text in it has already been scrubbed of phone
numbers, national ID numbers and e-mail addresses (contract 2), and every question carries its
catalog labels (contract 3).
"""

from __future__ import annotations

import uuid

from pydantic import Field

from schemas.call import LANGUAGES, SCHEMA_VERSION, Disposition, ShortText, Strict, UtcDatetime

FAMILIES = ("general", "vaccination", "adverse_effects", "other")
VACCINES = ("sinopharm", "astrazeneca", "pfizer", "janssen", "unknown")
SYMPTOMS = (
    "injection_site", "fever", "headache", "fatigue", "muscle_pain", "nausea",
    "dizziness", "allergic", "breathing", "chest_pain", "other",
)


class EnrichedQuestion(Strict):
    seq: int = Field(ge=0, description="Position of the turn in the call, from 0.")
    question: str = Field(description="Question text, scrubbed.")
    answer: str = Field("", description="Answer text, scrubbed.")
    topic_tag: str | None = None
    family: str = Field(description="One of " + ", ".join(FAMILIES))
    question_id: str | None = Field(description="Catalog question id; null when family is other.")
    language: str = Field(description="One of " + ", ".join(LANGUAGES))
    confidence: float = Field(ge=0.0, le=1.0)
    vaccine: str | None = Field(None, description="adverse_effects only: " + ", ".join(VACCINES))
    symptoms: tuple[str, ...] = Field((), description="adverse_effects only: " + ", ".join(SYMPTOMS))


class EnrichedCall(Strict):
    """One call, ready for analytics; keyed by `call_id` on the enriched topic."""

    event_id: uuid.UUID
    schema_version: int = SCHEMA_VERSION
    source: str
    call_id: ShortText
    line: str
    site: str
    agent_id: str | None
    caller_hash: str | None
    region: str | None
    language: str = Field(description="Language of the call: the agent's tag, else the most frequent language of its questions, else und.")
    queued_at: UtcDatetime
    answered_at: UtcDatetime | None
    ended_at: UtcDatetime
    disposition: Disposition
    wait_seconds: float = Field(ge=0)
    handle_seconds: float | None = Field(None, ge=0)
    questions: tuple[EnrichedQuestion, ...] = ()
    redactions: int = Field(0, ge=0, description="How many phone/CIN/e-mail spans the scrubber replaced.")
    catalog_version: str = Field(description="Version of the question catalog used to classify.")
    processed_at: UtcDatetime
