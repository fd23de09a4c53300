"""Reading call records from files, one record at a time (large files are never loaded whole).

Every reader yields `Record(line, original, result)`: the line where the record starts, its
original bytes (for the rejects file), and either a `CallEventSubmission` or the
`InvalidRecord` that says why it cannot be accepted. A bad record never stops the others.
The layouts are documented in docs/import-formats.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hotline.errors import HotlineError
from schemas.call import MAX_EVENT_BYTES, CallEvent, CallEventSubmission
from schemas.validation import InvalidRecord, parse_call_event, parse_submission

MAX_LINE_BYTES = 4 * MAX_EVENT_BYTES  # longer lines are rejected without being held in memory
KEPT_ORIGINAL_BYTES = 64 * 1024  # how much of an oversized record the rejects file keeps


@dataclass(frozen=True)
class Record:
    line: int
    original: bytes
    result: CallEventSubmission | CallEvent | InvalidRecord


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None, bytes]]:
    """Non-blank lines as (number, bytes or None when too long, kept original)."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            kept = line[:KEPT_ORIGINAL_BYTES]
            while line and not line.endswith(b"\n"):  # skip the rest of the line in chunks
                line = stream.readline(MAX_LINE_BYTES + 1)
            yield number, None, kept
            continue
        line = line.rstrip(b"\r\n")
        if line.strip():
            yield number, line, line


def too_long(size_hint: str = f"more than {MAX_LINE_BYTES} bytes") -> InvalidRecord:
    return InvalidRecord("too_large", f"record is {size_hint}; the limit is {MAX_EVENT_BYTES} bytes")


def read_jsonl(path: Path) -> Iterator[Record]:
    """Our JSON Lines: one CallEventSubmission object per line.

    Lines already in the calls-topic shape (with `caller_hash`, e.g. `hotline simulate --out`)
    are taken as they are: they were hashed at another edge.
    """
    with path.open("rb") as stream:
        for number, line, original in read_lines(stream):
            if line is None:
                yield Record(number, original, too_long())
                continue
            parse = parse_call_event if b'"caller_hash"' in line else parse_submission
            try:
                yield Record(number, original, parse(line))
            except InvalidRecord as exc:
                yield Record(number, original, exc)


# --- CSV ---------------------------------------------------------------------------------

CSV_CALL_COLUMNS = (
    "call_id", "line", "site", "agent_id", "caller_number", "region", "language",
    "queued_at", "answered_at", "ended_at", "disposition", "transcript",
)
CSV_ENVELOPE_COLUMNS = ("event_id", "source", "emitted_at", "schema_version")
CSV_REQUIRED = ("call_id", "site", "queued_at", "ended_at", "disposition")
CSV_DEFAULT_SOURCE = "csv"


def csv_row_to_submission(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as a submission object; empty cells are absent fields."""
    cells = {k: v for k, v in row.items() if k is not None and v is not None and v.strip() != ""}
    call: dict[str, Any] = {k: cells[k] for k in CSV_CALL_COLUMNS if k in cells and k != "transcript"}
    if "transcript" in cells:
        try:
            call["transcript"] = json.loads(cells["transcript"])
        except json.JSONDecodeError as exc:
            raise InvalidRecord(
                "invalid", f"column transcript: not a JSON array of turns ({exc.msg} at character {exc.pos})",
                [f"call.transcript: expected [{{\"question\": ..., \"answer\": ...}}, ...]"],
            ) from None
    out: dict[str, Any] = {
        "source": cells.get("source", CSV_DEFAULT_SOURCE),
        "emitted_at": cells.get("emitted_at", cells.get("ended_at")),
        "call": call,
    }
    if "event_id" in cells:
        out["event_id"] = cells["event_id"]
    if "schema_version" in cells:
        version = cells["schema_version"]
        out["schema_version"] = int(version) if version.isdigit() else version
    return out


def _row_text(row: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    return buf.getvalue().encode("utf-8", "surrogateescape")


def read_csv(path: Path) -> Iterator[Record]:
    """The documented CSV layout: a header row, then one call per row."""
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_LINE_BYTES))  # oversized cells get a clear reject
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as stream:
        reader = csv.reader(stream)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        known = set(CSV_CALL_COLUMNS) | set(CSV_ENVELOPE_COLUMNS)
        unknown = [h for h in header if h not in known]
        missing = [h for h in CSV_REQUIRED if h not in header]
        if unknown or missing:
            raise HotlineError(
                f"{path}: CSV header does not follow docs/import-formats.md"
                + (f"; unknown column(s): {', '.join(unknown)}" if unknown else "")
                + (f"; missing column(s): {', '.join(missing)}" if missing else "")
                + f"; known columns: {', '.join(CSV_ENVELOPE_COLUMNS + CSV_CALL_COLUMNS)}"
            )
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a cell beyond the field limit: reject the row, go on
                number, start = start, reader.line_num + 1
                yield Record(number, b"", InvalidRecord("invalid", f"row is not valid CSV: {exc}"))
                continue
            number, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            original = _row_text(cells)
            yield Record(number, original, _csv_record(header, cells, original))


def _csv_record(header: list[str], cells: list[str], original: bytes) -> CallEventSubmission | InvalidRecord:
    if len(original) > MAX_LINE_BYTES:
        return too_long(f"{len(original)} bytes")
    try:
        original.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InvalidRecord("not_utf8", f"row is not valid UTF-8 (at byte offset {exc.start} of the row)")
    if len(cells) != len(header):
        return InvalidRecord("invalid", f"row has {len(cells)} cells; the header has {len(header)} columns")
    try:
        record = csv_row_to_submission(dict(zip(header, cells)))
        return parse_submission(json.dumps(record, ensure_ascii=False).encode("utf-8"))
    except InvalidRecord as exc:
        return exc


def read_records(path: Path, fmt: str, superseded: list[int] | None = None) -> Iterator[Record]:
    """Records of `path` in format jsonl, csv or connect-ctr (`superseded`: CTR duplicates' lines)."""
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "csv":
        return read_csv(path)
    if fmt == "connect-ctr":
        from producers.connect_ctr import read_ctr

        return read_ctr(path, superseded)
    raise HotlineError(f"unknown format {fmt!r}; use jsonl, csv or connect-ctr")


def guess_format(path: Path) -> str:
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"
