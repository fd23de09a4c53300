"""Dead letters of the worker, and the poison-burst guard that stops it.

One bad record is dead-lettered (reason + original bytes) and the worker goes on. A burst
of them usually means a broken producer or a wrong topic; dead-lettering everything would
hide the problem and flood the dead-letter topic, so the guard stops the worker instead,
before acknowledging the batch that tripped it: nothing past the burst is committed and
nothing is lost. Restarting re-reads the burst and stops again until someone acts (fix the
producer, or set HOTLINE_POISON_RATIO=1 to dead-letter the burst and move on).
"""

from __future__ import annotations

from datetime import datetime

from hotline.errors import HotlineError
from schemas.deadletter import DeadLetter


class PoisonBurst(HotlineError):
    """Too many invalid records in a row: the worker stops without committing them."""

    exit_code = 3


class PoisonGuard:
    """Share of invalid records among the last `window` records (a ring of 0/1 flags)."""

    def __init__(self, ratio: float, window: int, min_seen: int = 100) -> None:
        if window < 1:
            raise ValueError("poison window must be at least 1")
        self.ratio = ratio
        self.window = window
        self.min_seen = min(min_seen, window)
        self._ring = bytearray(window)
        self._i = 0
        self.seen = 0
        self.bad = 0

    def observe(self, ok: bool) -> None:
        i = self._i
        self.bad += (not ok) - self._ring[i]
        self._ring[i] = not ok
        self._i = i + 1 if i + 1 < self.window else 0
        self.seen += 1

    @property
    def tripped(self) -> bool:
        n = min(self.seen, self.window)
        return self.seen >= self.min_seen and self.bad > self.ratio * n

    def error(self, where: str) -> PoisonBurst:
        n = min(self.seen, self.window)
        return PoisonBurst(
            f"poison burst: {self.bad} of the last {n} records of {where} were invalid "
            f"(limit {self.ratio:.0%}); the worker stopped without committing them. Look at the "
            "dead-letter topic and the producer; to dead-letter the burst and go on, restart with "
            "HOTLINE_POISON_RATIO=1"
        )


def dead_letter(
    kind: str, reason: str, details: list[str], topic: str, partition: int, offset: int,
    key: bytes | None, value: bytes | None, now: datetime,
) -> bytes:
    """The JSON bytes of a worker DeadLetter."""
    return DeadLetter(
        stage="worker", kind=kind, reason=reason, details=details, source_topic=topic,
        source_partition=partition, source_offset=offset, key=key, original=value or b"", failed_at=now,
    ).model_dump_json().encode()
