"""Per-call enrichment as pure functions: bytes -> CallEvent -> scrubbed, classified EnrichedCall.

No Kafka here: the Faust agent (streams/app.py) hands a batch of raw records to
`Enricher.process` and sends what comes back. Keeping it pure makes it testable without a
broker and lets the benchmark time it alone. A batch is classified with one `classify_many`
call (the classifier's batch path); if that fails, the batch is classified call by call so
that one bad call is dead-lettered as `processing_error` and the others go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, NamedTuple, Protocol

from pydantic_core import to_json

from hotline.log import get_logger
from schemas.call import CallEvent
from schemas.enriched import EnrichedCall
from schemas.validation import InvalidRecord, parse_call_event
from streams.contribution import Contribution, contribution_of
from streams.deadletter import PoisonGuard, dead_letter

log = get_logger(__name__)


class Classification(Protocol):
    family: str
    question_id: str | None
    language: str
    confidence: float
    vaccine: str | None
    symptoms: Sequence[str]


class Classifier(Protocol):
    def classify_many(self, texts: Sequence[str]) -> Sequence[Classification]: ...


class RawRecord(NamedTuple):
    """One record of the calls topic as Kafka delivered it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass
class BatchOutput:
    """What one batch produces, ready to send: (key, value) pairs per destination."""

    enriched: list[tuple[bytes, bytes]] = field(default_factory=list)
    unmatched: list[tuple[bytes, bytes]] = field(default_factory=list)
    dead: list[tuple[bytes | None, bytes]] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)


Scrubber = Callable[[str], tuple[str, dict[str, int]]]


class Enricher:
    """Validates, scrubs and classifies calls; dead-letters what it cannot process."""

    def __init__(self, classifier: Classifier, catalog_version: str, scrubber: Scrubber | None = None,
                 guard: PoisonGuard | None = None) -> None:
        if scrubber is None:
            from streams.text.scrub import scrub_counts as scrubber
        self.classifier = classifier
        self.catalog_version = catalog_version
        self.scrub = scrubber
        self.guard = guard
        self.errors_logged = 0

    # --- one call ------------------------------------------------------------------------
    def scrub_call(self, event: CallEvent) -> tuple[list[tuple[str, str]], int]:
        """Scrubbed (question, answer) of each turn, and how many spans were redacted."""
        out = []
        redactions = 0
        scrub = self.scrub
        for turn in event.call.transcript:
            q, nq = scrub(turn.question)
            a, na = scrub(turn.answer) if turn.answer else ("", None)
            redactions += sum(nq.values()) + (sum(na.values()) if na else 0)
            out.append((q, a))
        return out, redactions

    def build(self, event: CallEvent, texts: list[tuple[str, str]], redactions: int,
              labels: Sequence[Classification], now: datetime) -> dict[str, Any]:
        """The EnrichedCall as a plain dict (its JSON is the model's; pydantic models cost ~20 us here)."""
        call = event.call
        questions = []
        for seq, ((q, a), turn, lab) in enumerate(zip(texts, call.transcript, labels, strict=True)):
            family = lab.family
            adverse = family == "adverse_effects"
            questions.append({
                "seq": seq, "question": q, "answer": a, "topic_tag": turn.topic_tag, "family": family,
                "question_id": lab.question_id if family != "other" else None, "language": lab.language,
                "confidence": min(1.0, max(0.0, float(lab.confidence))),
                "vaccine": lab.vaccine if adverse else None, "symptoms": list(lab.symptoms) if adverse else [],
            })
        return {
            "event_id": event.event_id, "schema_version": event.schema_version, "source": event.source,
            "call_id": call.call_id, "line": call.line, "site": call.site, "agent_id": call.agent_id,
            "caller_hash": call.caller_hash, "region": call.region,
            "language": call_language(call.language, labels), "queued_at": call.queued_at,
            "answered_at": call.answered_at, "ended_at": call.ended_at, "disposition": call.disposition.value,
            "wait_seconds": call.wait_seconds, "handle_seconds": call.handle_seconds, "questions": questions,
            "redactions": redactions, "catalog_version": self.catalog_version, "processed_at": now,
        }

    def enrich(self, event: CallEvent, now: datetime | None = None) -> EnrichedCall:
        """One call, end to end, as the validated model (tests and tools; the worker uses `process`)."""
        texts, redactions = self.scrub_call(event)
        labels = self.classifier.classify_many([q for q, _ in texts]) if texts else []
        return EnrichedCall.model_validate(self.build(event, texts, redactions, labels, now or datetime.now(timezone.utc)))

    # --- a batch of raw records ----------------------------------------------------------
    def process(self, records: Sequence[RawRecord], now: datetime | None = None) -> BatchOutput:
        """Enrich a batch. Raises PoisonBurst (before anything is sent) if the guard trips."""
        now = now or datetime.now(timezone.utc)
        out = BatchOutput()
        ok = [False] * len(records)
        parsed: list[tuple[int, CallEvent, list[tuple[str, str]], int]] = []
        for n, rec in enumerate(records):
            try:
                event = parse_call_event(rec.value or b"")
                texts, redactions = self.scrub_call(event)
            except InvalidRecord as exc:
                self._dead(out, rec, exc.kind, exc.reason, exc.details, now)
            except Exception as exc:  # a bug must cost one call, not the stream
                self._error(out, rec, exc, now)
            else:
                parsed.append((n, event, texts, redactions))
        labels = self._classify_batch([q for _, _, texts, _ in parsed for q, _ in texts])
        i = 0
        for n, event, texts, redactions in parsed:
            rec = records[n]
            k = len(texts)
            try:
                mine = labels[i:i + k] if labels is not None else self._classify(texts)
                enriched = self.build(event, texts, redactions, mine, now)
                value = to_json(enriched)
                contribution = contribution_of(enriched, rec.partition)
            except Exception as exc:
                self._error(out, rec, exc, now)
            else:
                ok[n] = True
                key = rec.key if rec.key is not None else event.call.call_id.encode()
                out.enriched.append((key, value))
                out.contributions.append(contribution)
                for q in enriched["questions"]:
                    if q["family"] == "other":
                        out.unmatched.append((event.event_id.hex.encode(), unmatched_record(enriched, q)))
            i += k
        if self.guard is not None:  # in record order; nothing of the batch is sent if it trips
            guard = self.guard
            for n, good in enumerate(ok):
                guard.observe(good)
                if guard.tripped:
                    raise guard.error(f"topic {records[n].topic}")
        return out

    def _classify_batch(self, texts: list[str]) -> Sequence[Classification] | None:
        if not texts:
            return []
        try:
            labels = self.classifier.classify_many(texts)
            if len(labels) != len(texts):
                raise ValueError(f"classifier returned {len(labels)} labels for {len(texts)} texts")
            return labels
        except Exception as exc:
            log.warning("worker.classify_batch_failed", error=repr(exc)[:200], texts=len(texts))
            return None  # classify call by call, so only the guilty call is dead-lettered

    def _classify(self, texts: list[tuple[str, str]]) -> Sequence[Classification]:
        return self.classifier.classify_many([q for q, _ in texts]) if texts else []

    def _dead(self, out: BatchOutput, rec: RawRecord, kind: str, reason: str, details: list[str], now: datetime) -> None:
        out.dead.append((rec.key, dead_letter(kind, reason, details, rec.topic, rec.partition, rec.offset, rec.key, rec.value, now)))

    def _error(self, out: BatchOutput, rec: RawRecord, exc: Exception, now: datetime) -> None:
        if self.errors_logged < 20:
            self.errors_logged += 1
            log.error("worker.processing_error", exc_info=True, partition=rec.partition, offset=rec.offset)
        self._dead(out, rec, "processing_error", f"{type(exc).__name__}: {exc}"[:500], [], now)


def call_language(tagged: str | None, labels: Sequence[Classification]) -> str:
    """The agent's tag, else the most frequent detected language of the questions, else und."""
    if tagged:
        return tagged
    counts = Counter(lab.language for lab in labels if lab.language != "und")
    return counts.most_common(1)[0][0] if counts else "und"


def unmatched_record(call: dict[str, Any], q: dict[str, Any]) -> bytes:
    """A question the catalog does not cover, for the ministry to grow the catalog (text scrubbed)."""
    return to_json({
        "event_id": call["event_id"], "seq": q["seq"], "text": q["question"], "language": q["language"],
        "confidence": q["confidence"], "catalog_version": call["catalog_version"],
        "queued_at": call["queued_at"], "topic_tag": q["topic_tag"],
    })
