"""`hotline produce FILE`: validate a file of calls, put the valid ones on Kafka.

Nothing is dropped silently: each invalid record is reported on stderr (line and reason) and
written to FILE.rejects.jsonl with its original bytes, so it can be fixed and sent again. The
command succeeds only for records the broker acknowledged.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from hotline.errors import HotlineError
from hotline.log import Progress, get_logger
from schemas.call import CallEvent
from schemas.validation import InvalidRecord

from producers.edge import to_event
from producers.formats import Record, read_records

log = get_logger(__name__)

SHOWN_REJECTS = 50  # stderr lines; the rejects file has them all
EXIT_OK, EXIT_FAILED, EXIT_REJECTS = 0, 1, 2


@dataclass
class ImportSummary:
    valid: int = 0
    invalid: int = 0
    superseded: list[int] = field(default_factory=list)
    rejects_path: Path | None = None


def rejects_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.jsonl")


def reject_line(record: Record, error: InvalidRecord) -> str:
    """One line of the rejects file: where, why, and the original bytes (text when UTF-8)."""
    out: dict[str, object] = {"line": record.line, "kind": error.kind, "reason": error.reason, "details": error.details}
    try:
        out["original"] = record.original.decode("utf-8")
    except UnicodeDecodeError:
        out["original"] = record.original.decode("utf-8", "replace")
        out["original_base64"] = base64.b64encode(record.original).decode("ascii")
    return json.dumps(out, ensure_ascii=False)


class Rejects:
    """FILE.rejects.jsonl, created at the first reject (a stale one from an earlier run is removed)."""

    def __init__(self, path: Path, err: IO[str]) -> None:
        self.path, self.err = path, err
        self.count = 0
        self._out: IO[str] | None = None
        if not os.access(path.parent, os.W_OK):  # checked before anything is sent
            raise HotlineError(f"cannot write the rejects file {path}: the folder is not writable; copy the input somewhere writable")
        if path.exists():
            path.unlink()

    def add(self, source: Path, record: Record, error: InvalidRecord) -> None:
        self.count += 1
        if self._out is None:
            self._out = self.path.open("w", encoding="utf-8")
        self._out.write(reject_line(record, error) + "\n")
        if self.count <= SHOWN_REJECTS:
            print(f"{source}:{record.line}: rejected: {error.reason}", file=self.err)
        elif self.count == SHOWN_REJECTS + 1:
            print(f"{source}: more rejects; all of them are in {self.path}", file=self.err)

    def close(self) -> None:
        if self._out is not None:
            self._out.close()


def import_file(
    path: Path,
    fmt: str,
    key: bytes,
    emit: Callable[[CallEvent], None] | None,
    err: IO[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ImportSummary:
    """Validate every record of `path`; hand valid events to `emit` (None = dry run)."""
    summary = ImportSummary()
    rejects = Rejects(rejects_path_for(path), err or sys.stderr)
    progress = Progress(log, "produce", every=2.0)
    try:
        for record in read_records(path, fmt, summary.superseded):
            result = record.result
            if isinstance(result, CallEvent):
                event = result
            elif not isinstance(result, InvalidRecord):
                try:
                    event = to_event(result, key)
                except InvalidRecord as exc:
                    result = exc
            if isinstance(result, InvalidRecord):
                summary.invalid += 1
                rejects.add(path, record, result)
            else:
                summary.valid += 1
                if emit is not None:
                    emit(event)
            progress.add(valid=summary.valid, invalid=summary.invalid)
            if should_stop():
                break
    finally:
        rejects.close()
    progress.done(valid=summary.valid, invalid=summary.invalid, superseded=len(summary.superseded))
    summary.rejects_path = rejects.path if rejects.count else None
    return summary


def run(path: Path, fmt: str, dry_run: bool, topic: str | None) -> int:
    """The command: 0 all delivered, 2 some rejected, 1 Kafka did not acknowledge everything."""
    from hotline.config import get_settings

    if not path.is_file():
        raise HotlineError(f"{path}: no such file")
    settings = get_settings()
    if dry_run:
        # Nothing leaves the machine: a throwaway key checks that every number can be hashed.
        summary = import_file(path, fmt, os.urandom(32), None)
        print(json.dumps({"valid": summary.valid, "invalid": summary.invalid}))
        return EXIT_REJECTS if summary.invalid else EXIT_OK

    from producers.caller_hash import caller_key
    from producers.kafka_producer import EventProducer

    key = caller_key(settings)
    with EventProducer(settings, topic=topic) as producer:
        summary = import_file(path, fmt, key, producer.send, should_stop=lambda: producer.last_failure_at is not None)
        report = producer.flush()
    print(json.dumps({"valid": summary.valid, "invalid": summary.invalid, "delivered": report.delivered, "failed": report.failed}))
    if summary.superseded:
        log.info("produce.superseded", records=len(summary.superseded), note="older copies of a ContactId; the latest was imported")
    report.raise_for_failures()
    if report.delivered != summary.valid:
        raise HotlineError(f"{summary.valid} valid records but {report.delivered} acknowledged by Kafka; send the file again")
    return EXIT_REJECTS if summary.invalid else EXIT_OK
