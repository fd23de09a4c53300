"""The edge: a submission from a call-centre system becomes a calls-topic event.

This is the one place where a raw phone number exists in the pipeline; it is hashed here and
dropped, so nothing after the producer can leak it.
"""

from __future__ import annotations

from schemas.call import Call, CallEvent, CallEventSubmission, derive_event_id
from schemas.validation import InvalidRecord

from producers.caller_hash import hash_caller


def to_event(sub: CallEventSubmission, key: bytes) -> CallEvent:
    """Hash the caller, fill a stable event id when the sender gave none, drop the number.

    Raises InvalidRecord when the number cannot be normalised (it is never echoed back).
    """
    try:
        caller_hash = hash_caller(sub.call.caller_number, key)
    except ValueError as exc:
        raise InvalidRecord("invalid", f"call.caller_number: {exc}", [f"call.caller_number: {exc}"]) from None
    fields = sub.call.model_dump(exclude={"caller_number"})
    call = Call(**fields, caller_hash=caller_hash)
    return CallEvent(
        schema_version=sub.schema_version,
        event_id=sub.event_id or derive_event_id(sub.source, sub.call.call_id),
        source=sub.source,
        emitted_at=sub.emitted_at,
        call=call,
    )
