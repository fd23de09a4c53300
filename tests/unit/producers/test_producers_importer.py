"""`hotline produce`: each bad record gets its own clear reason, the good ones around it go through."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.cli import main
from producers.caller_hash import hash_caller
from producers.importer import import_file, rejects_path_for
from schemas.call import CallEvent

KEY = b"importer-test-key-0123456"


def good(call_id: str, **call: object) -> dict:
    record = {
        "source": "crm",
        "emitted_at": "2021-05-03T09:03:01Z",
        "call": {
            "call_id": call_id, "site": "rabat-1", "agent_id": "a7", "caller_number": "0612345678",
            "queued_at": "2021-05-03T09:00:00Z", "answered_at": "2021-05-03T09:00:30Z", "ended_at": "2021-05-03T09:03:00Z",
            "disposition": "answered", "transcript": [{"question": "Fin kayn markaz tal9i7?", "answer": "F l-9ariya."}],
        },
    }
    record["call"].update(call)
    return record


def line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


BAD_LINES: list[tuple[str, bytes, str, str]] = [
    ("truncated JSON", line(good("x"))[:70], "not_json", "not valid JSON"),
    ("not JSON", b"call_id=c-9;site=rabat", "not_json", "not valid JSON"),
    ("invalid UTF-8", b'{"source": "crm\xc3\x28"}', "not_utf8", "not valid UTF-8"),
    ("empty object", b"{}", "invalid", "source: is required"),
    ("wrong types", line(good("c-w", agent_id=42, transcript="none")), "invalid", "call.agent_id: Input should be a valid string"),
    ("naive time", line(good("c-n", queued_at="2021-05-03 09:00:00")), "invalid", "call.queued_at: needs a time zone"),
    ("negative duration", line(good("c-d", ended_at="2021-05-03T08:59:00Z", answered_at=None, disposition="abandoned", agent_id=None, transcript=[])), "invalid", "negative duration"),
    ("10 MB transcript", line(good("c-big", transcript=[{"question": "x" * 10_000_000}])), "too_large", "the limit is 262144 bytes"),
    ("unknown disposition", line(good("c-u", disposition="hung_up")), "invalid", "call.disposition: Input should be 'answered'"),
    ("raw number on the topic shape", line({"event_id": "00000000-0000-4000-8000-000000000001", **good("c-h", caller_hash="a" * 64)}),
     "invalid", "call.caller_number: a raw phone number is not allowed here"),
]


@pytest.fixture
def mixed_file(tmp_path: Path) -> Path:
    """good, bad 1, good, bad 2, ..., good: every bad record surrounded by valid ones."""
    lines = [line(good("c-0"))]
    for i, (_, raw, _, _) in enumerate(BAD_LINES, start=1):
        lines += [raw, line(good(f"c-{i}"))]
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n\n")  # a trailing blank line is not a record
    return path


def test_each_bad_record_is_rejected_with_its_reason_and_the_good_ones_pass(mixed_file: Path) -> None:
    emitted: list[CallEvent] = []
    err = io.StringIO()
    summary = import_file(mixed_file, "jsonl", KEY, emitted.append, err=err)
    assert summary.valid == len(BAD_LINES) + 1
    assert summary.invalid == len(BAD_LINES)
    assert [e.call.call_id for e in emitted] == [f"c-{i}" for i in range(len(BAD_LINES) + 1)]
    assert all(e.call.caller_hash == hash_caller("0612345678", KEY) for e in emitted)

    rejects = [json.loads(x) for x in rejects_path_for(mixed_file).read_text().splitlines()]
    assert len(rejects) == len(BAD_LINES)
    for reject, (name, raw, kind, expected) in zip(rejects, BAD_LINES):
        i = BAD_LINES.index((name, raw, kind, expected))
        assert reject["line"] == 2 * i + 2, name
        assert reject["kind"] == kind, name
        assert expected in reject["reason"], (name, reject["reason"])
        assert f"calls.jsonl:{reject['line']}: rejected: {reject['reason']}" in err.getvalue()
        if kind == "not_utf8":
            assert reject["original_base64"]
        elif kind != "too_large":
            assert reject["original"].encode() == raw, name


def test_topic_shaped_lines_pass_unchanged(tmp_path: Path) -> None:
    """`hotline simulate --out` writes the calls-topic shape, hashed already; produce keeps it."""
    record = good("c-t")
    del record["call"]["caller_number"]
    record["call"]["caller_hash"] = "b" * 64
    record["event_id"] = "00000000-0000-4000-8000-00000000000a"
    path = tmp_path / "topic.jsonl"
    path.write_bytes(line(record) + b"\n")
    events: list[CallEvent] = []
    assert import_file(path, "jsonl", KEY, events.append).valid == 1
    assert events[0] == CallEvent.model_validate(record)


def test_rejects_never_contain_the_hashed_number_in_clear(mixed_file: Path) -> None:
    events: list[CallEvent] = []
    import_file(mixed_file, "jsonl", KEY, events.append, err=io.StringIO())
    assert "0612345678" not in "".join(e.model_dump_json() for e in events)


def test_dry_run_prints_the_counts_and_exits_2(mixed_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["produce", str(mixed_file), "--dry-run"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out) == {"valid": len(BAD_LINES) + 1, "invalid": len(BAD_LINES)}
    assert "calls.jsonl:2: rejected: record is not valid JSON" in err
    assert rejects_path_for(mixed_file).exists()


def test_dry_run_of_a_clean_file_exits_0_and_removes_stale_rejects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_bytes(line(good("a")) + b"\n" + line(good("b")) + b"\n")
    rejects_path_for(path).write_text("old\n")
    assert main(["produce", str(path), "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out) == {"valid": 2, "invalid": 0}
    assert not rejects_path_for(path).exists()


def test_missing_file_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["produce", str(tmp_path / "nope.jsonl"), "--dry-run"]) == 1
    assert "no such file" in capsys.readouterr().err


# --- CSV ---------------------------------------------------------------------------------

HEADER = ["call_id", "site", "agent_id", "caller_number", "language", "queued_at", "answered_at", "ended_at", "disposition", "transcript"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_csv_layout(tmp_path: Path) -> None:
    transcript = json.dumps([{"question": "Wach l'vaccin dyal Pfizer mojoud f Fès?", "answer": "Iyeh, f l-markaz l-jihawi."}], ensure_ascii=False)
    path = write_csv(tmp_path / "calls.csv", [
        ["c-1", "fes-1", "a3", "0661234567", "ary-Latn", "2021-05-03T09:00:00Z", "2021-05-03T09:00:12Z", "2021-05-03T09:02:00Z", "answered", transcript],
        ["c-2", "fes-1", "", "", "", "2021-05-03T09:01:00+01:00", "", "2021-05-03T09:03:00+01:00", "abandoned", ""],
        ["c-3", "fes-1", "a3", "", "", "2021-05-03T09:00:00Z", "2021-05-03T09:00:12Z", "2021-05-03T09:02:00Z", "answered", "[{question: broken"],
        ["c-4", "fes-1", "", "", "", "2021-05-03T09:00:00", "", "2021-05-03T09:02:00Z", "abandoned", ""],
    ])
    events: list[CallEvent] = []
    summary = import_file(path, "csv", KEY, events.append, err=io.StringIO())
    assert (summary.valid, summary.invalid) == (2, 2)
    first, second = events
    assert first.source == "csv" and first.emitted_at == first.call.ended_at
    assert first.call.transcript[0].question.startswith("Wach l'vaccin")
    assert first.call.caller_hash == hash_caller("+212661234567", KEY)
    assert second.call.caller_hash is None and second.call.queued_at.isoformat() == "2021-05-03T08:01:00+00:00"
    rejects = [json.loads(x) for x in rejects_path_for(path).read_text().splitlines()]
    assert [r["line"] for r in rejects] == [4, 5]
    assert "column transcript: not a JSON array" in rejects[0]["reason"]
    assert "needs a time zone" in rejects[1]["reason"]
    assert rejects[1]["original"].startswith("c-4,fes-1")


def test_csv_multiline_cells_keep_line_numbers(tmp_path: Path) -> None:
    transcript = json.dumps([{"question": "a question", "answer": "ok"}], indent=2)  # a cell over 6 lines
    path = write_csv(tmp_path / "m.csv", [
        ["c-1", "s", "a", "", "", "2021-05-03T09:00:00Z", "2021-05-03T09:00:12Z", "2021-05-03T09:02:00Z", "answered", transcript],
        ["c-2", "s", "", "", "", "2021-05-03T09:00:00Z", "", "2021-05-03T09:02:00Z", "unknown", ""],
    ])
    summary = import_file(path, "csv", KEY, lambda e: None, err=io.StringIO())
    assert (summary.valid, summary.invalid) == (1, 1)
    assert json.loads(rejects_path_for(path).read_text())["line"] == 8


def test_csv_with_an_unknown_column_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "bad.csv", [["c-1"]], header=["call_id", "colour"])
    assert main(["produce", str(path), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "unknown column(s): colour" in err and "missing column(s): site" in err


SMALL_BAD = [raw for name, raw, _, _ in BAD_LINES if name != "10 MB transcript"]


@given(plan=st.lists(st.one_of(st.none(), st.sampled_from(range(len(SMALL_BAD)))), min_size=1, max_size=25))
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_any_mix_of_good_and_bad_lines_is_split_exactly(plan: list[int | None], tmp_path_factory: pytest.TempPathFactory) -> None:
    """None = a good record; a number = that bad record. Every line ends up on exactly one side."""
    path = tmp_path_factory.mktemp("mix") / "mix.jsonl"
    path.write_bytes(b"\n".join(line(good(f"g-{i}")) if p is None else SMALL_BAD[p] for i, p in enumerate(plan)) + b"\n")
    events: list[CallEvent] = []
    summary = import_file(path, "jsonl", KEY, events.append, err=io.StringIO())
    assert [e.call.call_id for e in events] == [f"g-{i}" for i, p in enumerate(plan) if p is None]
    rejects_file = rejects_path_for(path)
    rejected = [json.loads(x)["line"] for x in rejects_file.read_text().splitlines()] if rejects_file.exists() else []
    assert rejected == [i + 1 for i, p in enumerate(plan) if p is not None]
    assert (summary.valid, summary.invalid) == (len(events), len(rejected))
