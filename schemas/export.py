"""JSON Schema files of every boundary record, for systems that do not run our Python.

The committed copies under schemas/jsonschema/ are checked against the models by a unit test,
so a call-centre integrator always validates against the contract the pipeline enforces.
JSON Schema cannot say everything the models check (times in order, answered_at only for
answered calls, size of a whole event): each file's description points at docs/schemas.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from schemas.call import MAX_EVENT_BYTES, SCHEMA_VERSION, CallEvent, CallEventSubmission
from schemas.deadletter import DeadLetter
from schemas.enriched import EnrichedCall
from schemas.feed import FeedCell, ServiceFigures, SpikeAlert

# model, who writes it, where it travels (topics by their HOTLINE_TOPIC_* setting)
MODELS: list[tuple[type[BaseModel], str, str]] = [
    (CallEventSubmission, "call-centre systems", "POST /v1/calls, hotline produce (JSON Lines)"),
    (CallEvent, "producers", "calls topic (HOTLINE_TOPIC_CALLS), key = call.call_id"),
    (EnrichedCall, "stream worker", "enriched topic (HOTLINE_TOPIC_ENRICHED), key = call_id"),
    (FeedCell, "stream worker", "ministry feed topic (HOTLINE_TOPIC_FEED), kind = cell"),
    (ServiceFigures, "stream worker", "ministry feed topic (HOTLINE_TOPIC_FEED), kind = service"),
    (SpikeAlert, "stream worker", "alerts topic (HOTLINE_TOPIC_ALERTS)"),
    (DeadLetter, "every stage", "dead-letter topic (HOTLINE_TOPIC_DEADLETTER)"),
]

RULES_NOTE = (
    "Rules JSON Schema cannot express (times in order, answered_at only for answered or "
    "transferred calls, at most {max_bytes} bytes per event) are in docs/schemas.md."
)


def file_name(model: type[BaseModel]) -> str:
    return f"{model.__name__}.v{SCHEMA_VERSION}.schema.json"


def schema_of(model: type[BaseModel]) -> dict:
    """The validation-mode schema: what our parser accepts, with an id and the dialect."""
    schema = model.model_json_schema(mode="validation")
    doc = (schema.get("description") or "").strip()
    schema["description"] = (doc + "\n\n" if doc else "") + RULES_NOTE.format(max_bytes=MAX_EVENT_BYTES)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://hotline-pipeline.invalid/schemas/{file_name(model)}",
        **schema,
    }


def render() -> dict[str, str]:
    """Every file's text by name: one schema per model plus index.json."""
    files: dict[str, str] = {}
    index = {"schema_version": SCHEMA_VERSION, "max_event_bytes": MAX_EVENT_BYTES, "models": []}
    for model, writer, travels in MODELS:
        name = file_name(model)
        files[name] = json.dumps(schema_of(model), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        index["models"].append({"model": model.__name__, "file": name, "written_by": writer, "travels_on": travels})
    files["index.json"] = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    return files


def export(directory: Path) -> list[Path]:
    """Write the files (replacing older ones of the same name); return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
