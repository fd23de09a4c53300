"""The call event: one completed call with its ordered Q&A transcript (contract 1).

Two shapes of the same record:
- `CallSubmission` is what call-centre systems send to the edge (file import, HTTP ingest).
  It may carry the caller's raw phone number and may omit `event_id`.
- `CallEvent` is what the calls topic carries: the raw number is gone, replaced by a keyed
  hash, and `event_id` is always set. Nothing downstream ever accepts a raw caller number:
  `extra="forbid"` makes a `caller_number` field an error here.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1

# Sizes a real call never reaches; larger input is an integration bug or an attack.
MAX_TURNS = 50
MAX_QUESTION_CHARS = 2_000
MAX_ANSWER_CHARS = 4_000
MAX_EVENT_BYTES = 256 * 1024

# Namespace of event ids derived from (source, call_id) when the sender gives none, so that
# a re-sent call gets the same id and is never counted twice.
EVENT_ID_NAMESPACE = uuid.UUID("6f0b6a8e-3c1e-5d2a-9a43-1f6c0d7e2b91")


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware time, stored in UTC (contract 7). Naive times are rejected."""

ShortText = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")]
"""Identifiers (call, agent, site, line): ASCII, no spaces, at most 64 characters."""


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

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: str = Field("", max_length=MAX_ANSWER_CHARS)
    topic_tag: str | None = Field(None, max_length=64, description="The agent's own topic tag, when the call-centre system has one.")
    asked_at: UtcDatetime | None = None


class CallBase(Strict):
    call_id: ShortText
    line: ShortText = Field("allo-liqah", description="Which hotline (several numbers can share one pipeline).")
    site: ShortText = Field(description="Contact-centre site that took the call.")
    agent_id: ShortText | None = Field(None, description="Agent who answered; none for abandoned and out-of-hours calls.")
    region: str | None = Field(None, max_length=64, description="Caller's region (one of Morocco's 12), when known.")
    language: str | None = Field(None, max_length=16, description="Language of the call as tagged by the agent, when known.")
    queued_at: UtcDatetime = Field(description="When the call reached the line (entered the queue).")
    answered_at: UtcDatetime | None = Field(None, description="When an agent picked up; none if never answered.")
    ended_at: UtcDatetime = Field(description="When the call ended.")
    disposition: Disposition
    transcript: list[Turn] = Field(default_factory=list, max_length=MAX_TURNS)

    @model_validator(mode="after")
    def _times_in_order(self) -> CallBase:
        if self.ended_at < self.queued_at:
            raise ValueError("ended_at is before queued_at (a call cannot have a negative duration)")
        answered = self.disposition in (Disposition.answered, Disposition.transferred)
        if answered and self.answered_at is None:
            raise ValueError(f"answered_at is required when disposition is {self.disposition.value}")
        if not answered and self.answered_at is not None:
            raise ValueError(f"answered_at must be empty when disposition is {self.disposition.value}")
        if self.answered_at is not None and not (self.queued_at <= self.answered_at <= self.ended_at):
            raise ValueError("answered_at must lie between queued_at and ended_at")
        if not answered and self.transcript:
            raise ValueError(f"a {self.disposition.value} call has no transcript")
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

    caller_number: str | None = Field(None, max_length=32, description="Caller's phone number; hashed at the edge, never stored.")


class EnvelopeBase(Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    source: str = Field(min_length=1, max_length=64, description="Which system emitted the event (e.g. simulator, connect, http).")
    emitted_at: UtcDatetime


class CallEvent(EnvelopeBase):
    """What the calls topic carries; keyed by `call.call_id`."""

    event_id: uuid.UUID
    call: Call


class CallEventSubmission(EnvelopeBase):
    """What the edge accepts; `event_id` is derived from (source, call_id) when missing."""

    event_id: uuid.UUID | None = None
    call: CallSubmission


def derive_event_id(source: str, call_id: str) -> uuid.UUID:
    """Stable id for a call that arrived without one: the same call always maps to the same id."""
    return uuid.uuid5(EVENT_ID_NAMESPACE, f"{source}\x1f{call_id}")
