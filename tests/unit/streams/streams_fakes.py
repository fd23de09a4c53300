"""Helpers of the streams unit tests: simulated calls and a deterministic fake classifier."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

from producers.simulator.simulate import simulate_labelled
from schemas.catalog import load_catalog

TEST_KEY = b"streams-unit-test-caller-key-0001"


@dataclass(frozen=True)
class FakeLabel:
    family: str
    question_id: str | None
    language: str
    confidence: float
    vaccine: str | None = None
    symptoms: tuple[str, ...] = ()


class OracleClassifier:
    """Returns the simulator's truth for known texts, a crc-chosen catalog question otherwise."""

    def __init__(self, truth: dict[str, FakeLabel] | None = None) -> None:
        self.truth = truth or {}
        self.qids = [q.id for q in load_catalog().active()]
        self.calls = 0

    def classify_many(self, texts):
        self.calls += 1
        return [self.classify(t) for t in texts]

    def classify(self, text: str) -> FakeLabel:
        if text in self.truth:
            return self.truth[text]
        h = zlib.crc32(text.encode())
        if h % 7 == 0 or not self.qids:
            return FakeLabel("other", None, "fr", 0.1)
        qid = self.qids[h % len(self.qids)]
        return FakeLabel(qid.split(".")[0], qid, "fr", 0.9)


def simulated(days: int = 1, calls: float = 600, seed: int = 5, start: date = date(2021, 6, 1)):
    """(events, oracle classifier) for a small simulated run."""
    items = list(simulate_labelled(days, calls, 12, seed=seed, start=start, caller_key=TEST_KEY, pii_share=0.0))
    truth: dict[str, FakeLabel] = {}
    for it in items:
        for turn, lab in zip(it.event.call.transcript, it.labels):
            truth[turn.question] = FakeLabel(lab.family, lab.question_id, lab.language, 0.9, lab.vaccine, tuple(lab.symptoms))
    return [it.event for it in items], OracleClassifier(truth)
