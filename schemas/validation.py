"""Turning bytes into records, with errors a call-centre integrator can act on.

Every stage parses through here (file import, HTTP ingest, the worker, the sink), so a record
is judged the same way everywhere and the dead-letter reasons read the same.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from schemas.call import KNOWN_SCHEMA_VERSIONS, MAX_EVENT_BYTES, CallEvent, CallEventSubmission

M = TypeVar("M", bound=BaseModel)


class InvalidRecord(ValueError):
    """A record that cannot be accepted. `reason` is one line; `details` lists each field error."""

    def __init__(self, kind: str, reason: str, details: list[str] | None = None) -> None:
        super().__init__(reason)
        self.kind = kind  # too_large | not_utf8 | not_json | invalid
        self.reason = reason
        self.details = details or []


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(record)"


def describe(exc: ValidationError) -> list[str]:
    """One line per error: where it is, what was expected, what was given."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        where = _where(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is required"
        elif err["type"] == "extra_forbidden":
            msg = "is not a field of this record (check the field name and the schema version)"
            if loc and loc[-1] == "caller_number":
                msg = "a raw phone number is not allowed here; send caller_hash (the producer edge hashes numbers)"
        elif err["type"] == "timezone_aware":
            msg = "needs a time zone: end it with Z (UTC) or an offset such as +01:00"
        elif err["type"] in ("model_type", "dict_type"):
            msg = "expected a JSON object"
        elif err["type"] == "literal_error" and loc and loc[-1] == "schema_version":
            known = ", ".join(map(str, KNOWN_SCHEMA_VERSIONS))
            msg = f"this version is not known here (known: {known}); upgrade the consumer or send a known version"
        given = err.get("input")
        secret = bool(loc) and loc[-1] == "caller_number"  # never echo a phone number into logs or dead letters
        hidden = secret or err["type"] in ("missing", "json_invalid") or isinstance(given, (dict, list))
        shown = "" if hidden else f" (got {str(given)[:60]!r})"
        lines.append(f"{where}: {msg}{shown}")
    return lines


def parse(model: type[M], raw: bytes | str, max_bytes: int = MAX_EVENT_BYTES) -> M:
    """Validate JSON bytes as `model`, or raise InvalidRecord saying exactly what is wrong."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InvalidRecord("too_large", f"record is {size} bytes; the limit is {max_bytes} bytes")
    if isinstance(raw, bytes):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidRecord("not_utf8", f"record is not valid UTF-8 (at byte offset {exc.start}, counting from 0)") from None
    if not raw.strip():
        raise InvalidRecord("not_json", "record is empty")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        details = describe(exc)
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            err = exc.errors()[0]
            raise InvalidRecord("not_json", f"record is not valid JSON: {err.get('ctx', {}).get('error', err['msg'])}") from None
        reason = f"{len(details)} invalid field(s): " + "; ".join(details[:3]) + (" ..." if len(details) > 3 else "")
        raise InvalidRecord("invalid", reason, details) from None


def parse_call_event(raw: bytes | str) -> CallEvent:
    """A record of the calls topic (caller already hashed)."""
    return parse(CallEvent, raw)


def parse_submission(raw: bytes | str) -> CallEventSubmission:
    """A record as call-centre systems send it to the edge."""
    return parse(CallEventSubmission, raw)
