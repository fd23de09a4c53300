"""The committed JSON Schema files are the current contract of the models."""

import json
from pathlib import Path

from schemas.export import MODELS, export, render

COMMITTED = Path(__file__).resolve().parents[3] / "schemas" / "jsonschema"


def test_committed_schemas_match_the_models() -> None:
    expected = render()
    stale = [name for name, text in expected.items() if not (COMMITTED / name).exists() or (COMMITTED / name).read_text(encoding="utf-8") != text]
    assert not stale, f"regenerate with `hotline schemas export schemas/jsonschema`: {stale}"
    extra = {p.name for p in COMMITTED.iterdir()} - set(expected)
    assert not extra, f"files no model produces any more: {extra}"


def test_export_writes_one_file_per_model_and_an_index(tmp_path: Path) -> None:
    paths = export(tmp_path / "out")
    names = {p.name for p in paths}
    assert len(names) == len(MODELS) + 1
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert [m["model"] for m in index["models"]] == [m.__name__ for m, _, _ in MODELS]
    for entry in index["models"]:
        schema = json.loads((tmp_path / "out" / entry["file"]).read_text())
        assert schema["$schema"].endswith("2020-12/schema")
        assert schema["title"] == entry["model"]


def test_topic_shape_schema_forbids_raw_numbers() -> None:
    event = json.loads(render()["CallEvent.v1.schema.json"])
    call = event["$defs"]["Call"]
    assert "caller_number" not in call["properties"]
    assert call["additionalProperties"] is False
