"""The call event: one completed call with its ordered Q&A transcript (contract 1).

Two shapes of the same record:
- `CallSubmission` is what call-centre systems send to the edge (file import, HTTP ingest).
  It may carry the caller's raw phone number and may omit `event_id`.
- `CallEvent` is what the calls topic carries: the raw number is gone, replaced by a keyed
  hash, and `event_id` is always set. Nothing downstream ever accepts a raw caller number:
  `extra="forbid"` makes a `caller_number` field an error here.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1
KNOWN_SCHEMA_VERSIONS = (1,)
"""Every version this code can read; consumers accept all of them (docs/schemas.md)."""

# Sizes a real call never reaches; larger input is an integration bug or an attack.
MAX_TURNS = 50
MAX_QUESTION_CHARS = 2_000
MAX_ANSWER_CHARS = 4_000
MAX_EVENT_BYTES = 256 * 1024
MAX_CALL_SECONDS = 24 * 3600  # from reaching the line to hanging up
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # outside: a broken clock or seconds/milliseconds mix-up
Language = Literal["fr", "ar", "ary", "ary-Latn", "en", "ber", "und"]
LANGUAGES: tuple[str, ...] = get_args(Language)
"""Language codes of contract 4: French, Modern Standard Arabic, Darija (Arabic script),
Darija in Latin script (Arabizi), English, Amazigh, unknown."""

# Namespace of event ids derived from (source, call_id) when the sender gives none, so that
# a re-sent call gets the same id and is never counted twice.
EVENT_ID_NAMESPACE = uuid.UUID("6f0b6a8e-3c1e-5d2a-9a43-1f6c0d7e2b91")


def _to_utc(value: datetime) -> datetime:
    value = value.astimezone(timezone.utc)
    if not EARLIEST_YEAR <= value.year < LATEST_YEAR:
        raise ValueError(f"time {value.isoformat()} is outside {EARLIEST_YEAR}-{LATEST_YEAR} (a broken clock, or milliseconds sent as seconds?)")
    return value


def _not_a_number(value: object) -> object:
    if isinstance(value, (int, float)):  # epoch numbers hide seconds/milliseconds and time-zone mistakes
        raise ValueError("expected an ISO 8601 time such as 2021-05-03T09:00:00Z, not a number")
    return value


UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_not_a_number), AfterValidator(_to_utc)]
"""A timezone-aware ISO 8601 time, stored in UTC (contract 7). Naive times and numbers are rejected."""

ShortText = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")]
"""Identifiers (call, agent, site, line, source): ASCII, no spaces, at most 64 characters."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: str | None) -> str | None:
    if value is not None and (m := _CONTROL.search(value)):
        raise ValueError(f"contains a control character (U+{ord(m.group()):04X}); only text, tabs and line breaks are allowed")
    return value


Text = Annotated[str, AfterValidator(_printable)]
"""Free text: any script, tabs and line breaks, but no NUL or other control characters."""


class Disposition(str, Enum):
    """How the call ended."""

    answered = "answered"
    abandoned = "abandoned"  # the caller hung up while queued
    transferred = "transferred"  # answered, then passed to another service
    out_of_hours = "out_of_hours"  # arrived while the line was closed


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Turn(Strict):
    """One question of the caller and the agent's answer, in the order they were spoken."""

    question: Text = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="What the caller asked, as the agent wrote it down.")
    answer: Text = Field("", max_length=MAX_ANSWER_CHARS, description="What the agent answered.")
    topic_tag: Text | None = Field(None, max_length=64, description="The agent's own topic tag, when the call-centre system has one.")
    asked_at: UtcDatetime | None = Field(None, description="When the question was asked, when the system records it.")


class CallBase(Strict):
    call_id: ShortText
    line: ShortText = Field("allo-liqah", description="Which hotline (several numbers can share one pipeline).")
    site: ShortText = Field(description="Contact-centre site that took the call.")
    agent_id: ShortText | None = Field(None, description="Agent who answered; none for abandoned and out-of-hours calls.")
    region: Text | None = Field(None, min_length=1, max_length=64, description="Caller's region (one of Morocco's 12), when known.")
    language: Language | None = Field(None, description="Language of the call as tagged by the agent, when known: " + ", ".join(LANGUAGES) + ".")
    queued_at: UtcDatetime = Field(description="When the call reached the line (entered the queue).")
    answered_at: UtcDatetime | None = Field(None, description="When an agent picked up; none if never answered.")
    ended_at: UtcDatetime = Field(description="When the call ended.")
    disposition: Disposition
    transcript: list[Turn] = Field(default_factory=list, max_length=MAX_TURNS)

    @model_validator(mode="after")
    def _times_in_order(self) -> CallBase:
        if self.ended_at < self.queued_at:
            raise ValueError("ended_at is before queued_at (a call cannot have a negative duration)")
        if (self.ended_at - self.queued_at).total_seconds() > MAX_CALL_SECONDS:
            raise ValueError(f"the call lasts more than {MAX_CALL_SECONDS // 3600} hours from queued_at to ended_at; check both times")
        answered = self.disposition in (Disposition.answered, Disposition.transferred)
        if answered and self.answered_at is None:
            raise ValueError(f"answered_at is required when disposition is {self.disposition.value}")
        if not answered and self.answered_at is not None:
            raise ValueError(f"answered_at must be empty when disposition is {self.disposition.value}")
        if self.answered_at is not None and not (self.queued_at <= self.answered_at <= self.ended_at):
            raise ValueError("answered_at must lie between queued_at and ended_at")
        if not answered and self.transcript:
            raise ValueError(f"a {self.disposition.value} call has no transcript")
        for i, turn in enumerate(self.transcript):
            if turn.asked_at is not None and not (self.queued_at <= turn.asked_at <= self.ended_at):
                raise ValueError(f"transcript[{i}].asked_at must lie between queued_at and ended_at")
        return self

    @property
    def wait_seconds(self) -> float:
        """Time in queue: until pick-up, or until the caller gave up."""
        end = self.answered_at or self.ended_at
        return (end - self.queued_at).total_seconds()

    @property
    def handle_seconds(self) -> float | None:
        """Talk time of an answered call (after-call work is not in the event)."""
        if self.answered_at is None:
            return None
        return (self.ended_at - self.answered_at).total_seconds()


class Call(CallBase):
    """A call as the pipeline sees it: the caller is only a keyed hash."""

    caller_hash: str | None = Field(None, pattern=r"^[0-9a-f]{64}$", description="HMAC-SHA256 of the caller's number (hex); none if withheld.")


class CallSubmission(CallBase):
    """A call as a call-centre system sends it to the edge."""

    caller_number: str | None = Field(
        None,
        max_length=32,
        pattern=r"^\+?[0-9][0-9 ().\-]{2,}$",
        description="Caller's phone number (e.g. 0612345678 or +212612345678); hashed at the edge, never stored. Omit it when withheld.",
    )


class EnvelopeBase(Strict):
    schema_version: Literal[1] = Field(SCHEMA_VERSION, description="Version of this record's layout; see docs/schemas.md.")
    source: ShortText = Field(description="Which system emitted the event (e.g. simulator, connect, http).")
    emitted_at: UtcDatetime = Field(description="When the source system emitted the event.")


class CallEvent(EnvelopeBase):
    """What the calls topic carries; keyed by `call.call_id`."""

    event_id: uuid.UUID = Field(description="Unique id of the event; a re-sent event keeps its id and is counted once.")
    call: Call


class CallEventSubmission(EnvelopeBase):
    """What the edge accepts; `event_id` is derived from (source, call_id) when missing."""

    event_id: uuid.UUID | None = Field(None, description="Omit it to have it derived from (source, call_id), so that a re-sent call keeps its id.")
    call: CallSubmission


def derive_event_id(source: str, call_id: str) -> uuid.UUID:
    """Stable id for a call that arrived without one: the same call always maps to the same id."""
    return uuid.uuid5(EVENT_ID_NAMESPACE, f"{source}\x1f{call_id}")
