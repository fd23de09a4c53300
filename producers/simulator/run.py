"""Running a simulation to its destination (a file or Kafka), streaming, with progress and a summary."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack
from datetime import date
from typing import IO

from hotline.errors import HotlineError
from hotline.log import Progress, get_logger
from producers.simulator.simulate import SimulatedCall, simulate_labelled, summarize

log = get_logger(__name__)


def _label_lines(item: SimulatedCall) -> Iterator[str]:
    call = item.event.call
    for turn, label in enumerate(item.labels):
        yield json.dumps({
            "event_id": str(item.event.event_id), "call_id": call.call_id, "turn": turn,
            "question_id": label.question_id, "family": label.family, "language": label.language,
            "vaccine": label.vaccine, "symptoms": list(label.symptoms),
        }, ensure_ascii=False) + "\n"


def run(days: int, calls_per_day: float, agents: int, seed: int, start: date | None = None,
        event_days: Iterable[str] = (), pii_share: float = 0.05, out: str | None = None,
        kafka: bool = False, topic: str | None = None, labels: str | None = None) -> dict:
    """Simulate and deliver; returns the summary. With Kafka, raises unless every record was acknowledged."""
    if (out is None) == (not kafka):
        raise HotlineError("give exactly one destination: --out FILE or --kafka")
    items = simulate_labelled(days, calls_per_day, agents, seed, start, event_days, pii_share)
    progress = Progress(log, "simulate.calls", every=5.0)
    with ExitStack() as stack:
        label_file: IO[str] | None = None
        if labels:
            label_file = stack.enter_context(_open(labels))
        if kafka:
            from producers.kafka_producer import EventProducer

            producer = stack.enter_context(EventProducer(topic=topic))
            sent = 0

            def delivered(items: Iterable[SimulatedCall]) -> Iterator[SimulatedCall]:
                nonlocal sent
                for item in items:
                    producer.send(item.event)
                    sent += 1
                    if label_file:
                        label_file.writelines(_label_lines(item))
                    progress.add()
                    yield item

            summary = summarize(delivered(items))
            report = producer.flush()
            progress.done(acknowledged=report.delivered, failed=report.failed)
            report.raise_for_failures()
            if report.delivered != sent:
                raise HotlineError(f"Kafka acknowledged {report.delivered} of {sent} records; send the run again (event ids are the same)")
            summary["kafka"] = {"topic": producer.topic, "sent": sent, "acknowledged": report.delivered}
            return summary

        sink = stack.enter_context(_open(out))

        def written(items: Iterable[SimulatedCall]) -> Iterator[SimulatedCall]:
            for item in items:
                sink.write(item.event.model_dump_json() + "\n")
                if label_file:
                    label_file.writelines(_label_lines(item))
                progress.add()
                yield item

        summary = summarize(written(items))
        progress.done(out=out)
        return summary


def _open(path: str) -> AbstractContextManager[IO[str]]:
    if path == "-":
        return _Unclosed(sys.stdout)
    try:
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise HotlineError(f"cannot write {path}: {exc.strerror}; check the folder exists and is writable") from None


class _Unclosed:
    """Standard output inside a `with`: flushed, never closed."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __enter__(self) -> IO[str]:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()
