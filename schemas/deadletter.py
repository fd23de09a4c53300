"""The dead-letter record: what could not be processed, why, and the original bytes.

Nothing is dropped: a record that fails validation (worker) or insertion (sink) is written to
the dead-letter topic with enough context to find it in the source log and replay it.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from schemas.call import Strict, UtcDatetime


class DeadLetter(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    stage: str = Field(description="Which stage rejected it: producer, ingest, worker, sink.")
    kind: str = Field(description="too_large, not_utf8, not_json, invalid, late, poison_row, ...")
    reason: str = Field(description="One line a call-centre integrator can act on.")
    details: list[str] = Field(default_factory=list, description="One line per field error.")
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    key: bytes | None = Field(None, description="The original Kafka key (URL-safe base64, RFC 4648 section 5, in JSON).")
    original: bytes = Field(description="The original bytes, unchanged (URL-safe base64, RFC 4648 section 5, in JSON).")
    failed_at: UtcDatetime
