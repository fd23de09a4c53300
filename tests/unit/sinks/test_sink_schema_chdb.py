"""Every migration, the row builders' columns and the documented example queries on a modern
ClickHouse (chdb, in-process). The same SQL runs on Debian's 18.16 in
tests/integration/test_migrations_server.py."""

from __future__ import annotations

import json
import random
import re
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hotline.errors import HotlineError
from sinks import rows, samples
from sinks.migrate import Migration, applied, load, migrate, split_statements
from sinks.rows import LocalClock

chdb_session = pytest.importorskip("chdb.session")

DOC = Path(__file__).resolve().parents[3] / "docs" / "clickhouse.md"


def _literal(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (uuid.UUID, date)):
        return f"'{v}'"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_literal(x) for x in v) + "]"
    if isinstance(v, bytes):
        return "'" + "".join(f"\\x{b:02x}" for b in v) + "'"
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


@pytest.fixture()
def ch() -> Any:
    sess = chdb_session.Session()
    db = f"hotline_u{uuid.uuid4().hex[:8]}"

    def run(sql: str) -> list[tuple[Any, ...]]:
        out = sess.query(sql, "JSONCompact").bytes()
        return [tuple(r) for r in json.loads(out)["data"]] if out.strip() else []

    def insert(table: str, columns: rows.Columns) -> None:
        names, data = columns
        values = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in zip(*data))
        if values:
            run(f"INSERT INTO {table} ({', '.join(names)}) VALUES {values}")

    yield {"run": run, "db": db, "insert": insert}
    run(f"DROP DATABASE IF EXISTS {db}")
    run(f"DROP DATABASE IF EXISTS {db}_private")
    sess.close()


def test_split_statements_on_line_ending_semicolons() -> None:
    text = "-- head; comment\nCREATE TABLE a (x String DEFAULT 'a;b')\nENGINE = Log;\n\nSELECT 1;\nSELECT 2"
    assert split_statements(text) == ["CREATE TABLE a (x String DEFAULT 'a;b')\nENGINE = Log", "SELECT 1", "SELECT 2"]


def test_migrations_from_empty_then_rerun_is_a_noop(ch: Any) -> None:
    run, db = ch["run"], ch["db"]
    files = load()
    assert [m.version for m in files] == sorted(m.version for m in files) and files[0].version == 1
    assert [m.name for m in migrate(run, db)] == [m.name for m in files]
    assert migrate(run, db) == []
    recorded = applied(run, db)
    assert recorded == {m.version: (m.name, m.checksum) for m in files}
    tables = {r[0] for r in run(f"SELECT name FROM system.tables WHERE database = '{db}'")}
    assert {"calls", "questions", "adverse_effect_mentions", "service_figures", "ministry_feed", "alerts",
            "daily_family_volume", "service_hourly", "ministry_feed_current", "schema_migrations"} <= tables
    assert "dead_letters" not in tables
    assert run(f"SELECT name FROM system.tables WHERE database = '{db}_private'") == [("dead_letters",)]


def test_changed_applied_migration_is_refused(ch: Any) -> None:
    run, db = ch["run"], ch["db"]
    files = load()
    migrate(run, db, files)
    edited = [Migration(m.version, m.name, "0" * 64, m.text) if m.version == 1 else m for m in files]
    with pytest.raises(HotlineError, match="changed after it was applied"):
        migrate(run, db, edited)


def test_new_migration_is_applied_alone(ch: Any) -> None:
    run, db = ch["run"], ch["db"]
    files = load()
    migrate(run, db, files)
    extra = Migration(999, "0999_extra", "f" * 64, "CREATE VIEW IF NOT EXISTS {db}.extra AS SELECT count() AS n FROM {db}.calls;")
    assert migrate(run, db, files + [extra]) == [extra]
    assert run(f"SELECT n FROM {db}.extra") == [(0,)]


def _load_sample_day(ch: Any) -> list[Any]:
    """Columns built by sinks.rows inserted into the migrated tables; returns the call records."""
    run, db, insert = ch["run"], ch["db"], ch["insert"]
    migrate(run, db)
    rng = random.Random(11)
    clock = LocalClock("Africa/Casablanca")
    recs = [rows.parse_call(samples.enriched_call(rng, day=date(2021, 6, 1 + i % 2)).model_dump_json().encode(), 0, i, clock)
            for i in range(300)]
    insert(f"{db}.calls", rows.call_columns(recs))
    insert(f"{db}.questions", rows.question_columns(recs))
    insert(f"{db}.adverse_effect_mentions", rows.mention_columns([r for r in recs if rows.has_mentions(r)]))
    feed = [rows.FeedRecord(samples.feed_cell(revision=r, calls=10 * r), 0, r) for r in (1, 2, 3)]
    insert(f"{db}.ministry_feed", rows.feed_columns(feed))
    svc = [rows.FeedRecord(samples.service_figures(revision=r, offered=40 + r), 0, r) for r in (1, 2)]
    insert(f"{db}.service_figures", rows.service_columns(svc))
    insert(f"{db}.alerts", rows.alert_columns([rows.FeedRecord(samples.spike_alert(r), 0, r) for r in (1, 2)]))
    dead = rows.rejected(rows.InvalidRecord("not_json", "bad"), b"\xff\x00raw", b"k", "t", 0, 5, 1622534400000, 1622534400)
    insert(f"{db}_private.dead_letters", rows.dead_columns([dead]))
    return recs


def test_views_agree_with_the_records(ch: Any) -> None:
    run, db = ch["run"], ch["db"]
    recs = _load_sample_day(ch)
    day = date(2021, 6, 1)
    on_day = [r for r in recs if r.local_date == day]
    fam = Counter(q.family for r in on_day for q in r.call.questions)
    got = dict(run(f"SELECT family, questions FROM {db}.daily_family_volume WHERE local_date = '{day}'"))
    assert got == dict(fam)
    got = dict(run(f"SELECT local_hour, offered FROM {db}.calls_hourly WHERE local_date = '{day}'"))
    assert got == dict(Counter(r.local_hour for r in on_day))
    mentions = Counter((q.vaccine or "unknown", s) for r in on_day for q in r.call.questions for s in q.symptoms)
    got = {(v, s): n for v, s, n in run(f"SELECT vaccine, symptom, mentions FROM {db}.adverse_effects_daily WHERE local_date = '{day}'")}
    assert got == dict(mentions)
    unmatched = sum(1 for r in on_day for q in r.call.questions if q.family == "other")
    assert run(f"SELECT sum(asked) FROM {db}.unmatched_questions WHERE local_date = '{day}'")[0][0] == unmatched
    top = run(f"SELECT question_id, questions FROM {db}.top_questions")
    assert [n for _, n in top] == sorted((n for _, n in top), reverse=True)
    assert sum(n for _, n in top) == sum(1 for r in recs for q in r.call.questions if q.family != "other")
    assert run(f"SELECT revision, calls FROM {db}.ministry_feed_current") == [(3, 30)]
    assert run(f"SELECT revision, offered FROM {db}.service_hourly") == [(2, 42)]
    assert run(f"SELECT revision FROM {db}.alerts_current") == [(2,)]
    assert run(f"SELECT count() FROM {db}_private.dead_letters WHERE original = '\\xEF\\xBF\\xBD\\x00raw'") == [(1,)]  # stored redacted, undecodable bytes replaced


def _doc_queries() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [q for b in blocks for q in split_statements(b) if q.lstrip().upper().startswith("SELECT")]


def test_documented_example_queries_run(ch: Any) -> None:
    run, db = ch["run"], ch["db"]
    _load_sample_day(ch)
    queries = _doc_queries()
    assert len(queries) >= 6
    for q in queries:
        sql = re.sub(r"\bhotline_private\.", f"{db}_private.", q)
        sql = re.sub(r"\bhotline\.", f"{db}.", sql)
        result = run(sql)
        assert isinstance(result, list), q
