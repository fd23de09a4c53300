"""Amazon Connect contact records (CTR) as call events.

Field names follow the public contact record data model (ContactId, InitiationTimestamp,
Queue, Agent, CustomerEndpoint, Attributes, LastUpdateTimestamp, ...). Connect delivers a
contact record at least once and re-delivers it when it changes, so duplicates of a ContactId
keep the copy with the latest LastUpdateTimestamp (Amazon's own advice). That needs the whole
file, so the file is read twice: a first pass indexes ContactId -> latest copy, the second
maps and yields only the winners. The mapping is documented in docs/import-formats.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

from schemas.validation import InvalidRecord, parse_submission

from producers.formats import KEPT_ORIGINAL_BYTES, Record, read_lines, too_long

SOURCE = "connect"
DEFAULT_SITE = "connect"
CHUNK_CHARS = 1 << 20
_IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
_TRUE = {"true", "1", "yes", "y"}


# --- reading: JSON Lines (one record per line, or several concatenated) or a JSON array ----

def _values_of_line(line: bytes) -> Iterator[Any]:
    """Firehose writes records back to back without separators: decode them one by one."""
    text = line.decode("utf-8")
    decoder = json.JSONDecoder()
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            return
        value, pos = decoder.raw_decode(text, pos)
        yield value


def _raw_values(stream: IO[bytes]) -> Iterator[tuple[int, bytes, Any]]:
    """(line, original, parsed value or InvalidRecord) for every record of the file."""
    first = stream.read(64).lstrip()
    stream.seek(0)
    if first.startswith(b"["):
        yield from _array_values(stream)
        return
    for number, line, original in read_lines(stream):
        if line is None:
            yield number, original, too_long()
            continue
        try:
            values = list(_values_of_line(line))
        except UnicodeDecodeError as exc:
            yield number, original, InvalidRecord("not_utf8", f"record is not valid UTF-8 (at byte offset {exc.start}, counting from 0)")
            continue
        except json.JSONDecodeError as exc:
            yield number, original, InvalidRecord("not_json", f"record is not valid JSON: {exc.msg} at character {exc.pos}")
            continue
        for value in values:
            yield number, original if len(values) == 1 else json.dumps(value).encode(), value


def _array_values(stream: IO[bytes]) -> Iterator[tuple[int, bytes, Any]]:
    """Elements of one top-level JSON array, decoded incrementally."""
    import codecs

    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    buf, pos, line, eof = "", 0, 1, False

    def fill() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        chunk = stream.read(CHUNK_CHARS)
        eof = not chunk
        buf = buf[pos:] + utf8.decode(chunk, final=eof)
        pos = 0
        return True

    def skip(chars: str) -> None:
        nonlocal pos, line
        while True:
            while pos < len(buf) and buf[pos] in chars:
                line += buf[pos] == "\n"
                pos += 1
            if pos < len(buf) or not fill():
                return

    try:
        skip(" \t\r\n")
        if buf[pos:pos + 1] != "[":
            yield line, b"", InvalidRecord("not_json", "file does not start with a JSON array")
            return
        pos += 1
        while True:
            skip(" \t\r\n,")
            if pos >= len(buf):
                yield line, b"", InvalidRecord("not_json", "file ends before the closing ] of the array")
                return
            if buf[pos] == "]":
                return
            while True:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                    break
                except json.JSONDecodeError as exc:
                    if not fill():
                        yield line, buf[pos:pos + KEPT_ORIGINAL_BYTES].encode(), InvalidRecord(
                            "not_json", f"array element is not valid JSON ({exc.msg}); the rest of the file cannot be read")
                        return
            original = buf[pos:end]
            yield line, original.encode(), value
            line += original.count("\n")
            pos = end
    except UnicodeDecodeError as exc:
        yield line, b"", InvalidRecord("not_utf8", f"file is not valid UTF-8 near line {line} ({exc.reason}); the rest cannot be read")


# --- mapping -------------------------------------------------------------------------------

def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _seconds(obj: dict, name: str, where: str) -> float | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InvalidRecord("invalid", f"{where}.{name}: expected a non-negative number of seconds (got {value!r})")
    return float(value)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _agent_id(agent: dict) -> str | None:
    username = agent.get("Username")
    if isinstance(username, str) and _IDENT.match(username):
        return username
    arn = agent.get("ARN")
    if isinstance(arn, str) and arn:
        tail = arn.rsplit("/", 1)[-1]
        if _IDENT.match(tail):
            return tail
    return username or None  # the schema explains what is wrong with it


def _transcript(attrs: dict) -> list[Any]:
    raw = attrs.get("transcript")
    if raw in (None, ""):
        return []
    if isinstance(raw, list):
        return raw
    try:
        turns = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as exc:
        raise InvalidRecord("invalid", f"Attributes.transcript: not a JSON array of turns ({exc.msg} at character {exc.pos})") from None
    if not isinstance(turns, list):
        raise InvalidRecord("invalid", "Attributes.transcript: expected a JSON array of {question, answer, topic_tag} objects")
    return turns


def ctr_to_submission(ctr: dict) -> dict[str, Any]:
    """One contact record as a submission object (validated afterwards by the schema)."""
    contact_id = ctr.get("ContactId")
    if not contact_id:
        raise InvalidRecord("invalid", "ContactId: is required")
    channel = ctr.get("Channel", "VOICE")
    if channel != "VOICE":
        raise InvalidRecord("invalid", f"Channel: {channel} contact is not a phone call; only VOICE records are imported")
    agent = ctr.get("Agent") or {}
    queue = ctr.get("Queue") or {}
    attrs = ctr.get("Attributes") or {}
    endpoint = ctr.get("CustomerEndpoint") or {}
    if not all(isinstance(x, dict) for x in (agent, queue, attrs, endpoint)):
        raise InvalidRecord("invalid", "Agent, Queue, Attributes and CustomerEndpoint must be JSON objects")
    queue_seconds = _seconds(queue, "Duration", "Queue")
    talk_seconds = _seconds(agent, "AgentInteractionDuration", "Agent")
    _seconds(agent, "AfterContactWorkDuration", "Agent")  # checked; after-call work is not part of the event
    hold_seconds = _seconds(agent, "CustomerHoldDuration", "Agent") or 0.0

    initiated = ctr.get("InitiationTimestamp")
    enqueued = queue.get("EnqueueTimestamp")
    connected = agent.get("ConnectedToAgentTimestamp")
    ended = ctr.get("DisconnectTimestamp")
    if not ended:  # older exports: rebuild the end from the durations
        start, seconds = (_time(connected), talk_seconds + hold_seconds if talk_seconds is not None else None) if connected else (_time(enqueued), queue_seconds)
        if start is not None and seconds is not None:
            ended = _iso(start + timedelta(seconds=seconds))

    if connected:
        transferred = bool(ctr.get("TransferCompletedTimestamp") or ctr.get("TransferredToEndpoint"))
        disposition = "transferred" if transferred else "answered"
    elif str(attrs.get("out_of_hours", "")).strip().lower() in _TRUE:
        disposition = "out_of_hours"
    else:
        disposition = "abandoned"  # no agent connection: the caller gave up (or the flow dropped the call)

    number = endpoint.get("Address")
    if endpoint.get("Type", "TELEPHONE_NUMBER") != "TELEPHONE_NUMBER" or not isinstance(number, str) or not number.strip():
        number = None
    call: dict[str, Any] = {
        "call_id": contact_id,
        "site": attrs.get("site") or DEFAULT_SITE,
        "agent_id": _agent_id(agent) if connected else None,
        "caller_number": number,
        "region": attrs.get("region") or None,
        "language": attrs.get("language") or None,
        "queued_at": enqueued or initiated,
        "answered_at": connected or None,
        "ended_at": ended,
        "disposition": disposition,
        "transcript": _transcript(attrs) if connected else [],
    }
    if attrs.get("line"):
        call["line"] = attrs["line"]
    return {
        "source": SOURCE,
        "emitted_at": ctr.get("LastUpdateTimestamp") or ended,
        "call": {k: v for k, v in call.items() if v is not None or k in ("agent_id", "answered_at")},
    }


def _to_record(line: int, original: bytes, value: Any) -> Record:
    if isinstance(value, InvalidRecord):
        return Record(line, original, value)
    if not isinstance(value, dict):
        return Record(line, original, InvalidRecord("invalid", "(record): expected a JSON object (one contact record)"))
    try:
        sub = ctr_to_submission(value)
        return Record(line, original, parse_submission(json.dumps(sub, ensure_ascii=False).encode("utf-8")))
    except InvalidRecord as exc:
        return Record(line, original, exc)


def _latest_key(value: Any) -> tuple[datetime, ...]:
    updated = _time(value.get("LastUpdateTimestamp")) if isinstance(value, dict) else None
    return (updated or datetime.min.replace(tzinfo=timezone.utc),)


def read_ctr(path: Path, superseded: list[int] | None = None) -> Iterator[Record]:
    """Contact records of `path`, deduplicated by ContactId (latest LastUpdateTimestamp wins;
    on a tie, the later one in the file). `superseded` collects the lines that lost."""
    winners: dict[str, tuple[tuple[datetime, ...], int]] = {}
    with path.open("rb") as stream:
        for index, (_line, _original, value) in enumerate(_raw_values(stream)):
            if isinstance(value, dict) and isinstance(value.get("ContactId"), str):
                key = _latest_key(value)
                best = winners.get(value["ContactId"])
                if best is None or key >= best[0]:
                    winners[value["ContactId"]] = (key, index)
    with path.open("rb") as stream:
        for index, (line, original, value) in enumerate(_raw_values(stream)):
            if isinstance(value, dict) and isinstance(value.get("ContactId"), str) and winners[value["ContactId"]][1] != index:
                if superseded is not None:
                    superseded.append(line)
                continue
            yield _to_record(line, original, value)
