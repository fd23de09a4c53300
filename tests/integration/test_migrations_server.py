"""Migrations, the documented queries and the analyst user on the real ClickHouse 18.16 server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hotline.config import Settings, get_settings
from hotline.errors import HotlineError
from sinks.clickhouse import client, private_database, runner
from sinks.migrate import Migration, applied, load, migrate, split_statements

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def database(clickhouse: Any, clickhouse_database: str) -> Iterator[tuple[Any, str]]:
    """The shared server's client and a fresh empty database (plus its private twin, dropped)."""
    yield clickhouse, clickhouse_database
    clickhouse.execute(f"DROP DATABASE IF EXISTS {private_database(clickhouse_database)}")


def _cli(db: str, *args: str, port: int | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOTLINE_CLICKHOUSE_DATABASE=db)
    if port:
        env["HOTLINE_CLICKHOUSE_PORT"] = str(port)
    return subprocess.run([sys.executable, "-m", "hotline", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_migrate_command_from_empty_then_noop(database: tuple[Any, str]) -> None:
    cli, db = database
    version = cli.execute("SELECT version()")[0][0]
    first = _cli(db, "migrate")
    assert first.returncode == 0, first.stderr
    assert f"applied {len(load())} migration(s)" in first.stdout
    tables = {r[0] for r in cli.execute(f"SELECT name FROM system.tables WHERE database = '{db}'")}
    assert {"calls", "questions", "adverse_effect_mentions", "service_figures", "ministry_feed", "alerts",
            "calls_hourly", "daily_family_volume", "daily_question_volume", "top_questions", "unmatched_questions",
            "adverse_effects_daily", "service_hourly", "ministry_feed_current", "alerts_current"} <= tables, version
    assert cli.execute(f"SELECT name FROM system.tables WHERE database = '{private_database(db)}'") == [("dead_letters",)]
    before = cli.execute(f"SELECT version, checksum, applied_at FROM {db}.schema_migrations ORDER BY version")
    again = _cli(db, "migrate")
    assert again.returncode == 0 and "(up to date)" in again.stdout
    assert cli.execute(f"SELECT version, checksum, applied_at FROM {db}.schema_migrations ORDER BY version") == before
    status = _cli(db, "migrate", "--status")
    assert status.stdout.count("applied") == len(load()) and "pending" not in status.stdout


def test_changed_file_is_a_clear_error(database: tuple[Any, str]) -> None:
    cli, db = database
    run = runner(cli)
    files = load()
    migrate(run, db, files)
    edited = [Migration(m.version, m.name, m.checksum[::-1], m.text) if m.version == 2 else m for m in files]
    with pytest.raises(HotlineError, match=r"0002_views\.sql was changed after it was applied"):
        migrate(run, db, edited)
    assert applied(run, db) == {m.version: (m.name, m.checksum) for m in files}


def test_sink_refuses_to_start_before_migrations(database: tuple[Any, str]) -> None:
    _, db = database
    out = _cli(db, "sink", "--until-idle", "1")
    assert out.returncode == 1 and "run `hotline migrate` first" in out.stderr


def _sample_rows(cli: Any, db: str) -> None:
    import random

    from sinks import rows, samples
    from sinks.rows import LocalClock
    from sinks.sink import Batch, ClickHouseStore, flush

    rng = random.Random(4)
    clock = LocalClock("Africa/Casablanca")
    batch = Batch()
    for i in range(400):
        rec = rows.parse_call(samples.enriched_call(rng, day=date(2021, 6, 1 + i % 3)).model_dump_json().encode(), 0, i, clock)
        batch.calls[(rec.call.event_id,)] = rec
    for rev in (1, 2):
        for rec in (rows.FeedRecord(samples.feed_cell(revision=rev), 0, rev), rows.FeedRecord(samples.service_figures(revision=rev), 0, rev)):
            (batch.service if rec.record.kind == "service" else batch.feed)[(rec.record.record_id, rev)] = rec
        batch.alerts[("a", rev)] = rows.FeedRecord(samples.spike_alert(rev), 0, rev)
    dead = rows.rejected(rows.InvalidRecord("not_json", "bad"), b"{oops", None, "t", 0, 9, 1622534400000, 1622534400)
    batch.dead[("t", 0, 9)] = dead
    flush(ClickHouseStore(cli, db, private_database(db)), batch)


def test_documented_queries_run_on_the_server(database: tuple[Any, str]) -> None:
    cli, db = database
    migrate(runner(cli), db)
    _sample_rows(cli, db)
    doc = (ROOT / "docs" / "clickhouse.md").read_text(encoding="utf-8")
    queries = [q for b in re.findall(r"```sql\n(.*?)```", doc, flags=re.S) for q in split_statements(b)]
    assert len(queries) >= 10
    for q in queries:
        sql = re.sub(r"\bhotline\.", f"{db}.", re.sub(r"\bhotline_private\.", f"{private_database(db)}.", q))
        result = cli.execute(sql)
        assert result, f"no rows from: {q}"
    assert cli.execute(f"SELECT revision FROM {db}.ministry_feed_current") == [(2,)]
    assert cli.execute(f"SELECT count() - uniqExact(event_id) FROM {db}.calls") == [(0,)]


# --- the analyst user ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def private_server(tmp_path: Path) -> Iterator[Settings]:
    """Our own ClickHouse (infra's start/stop, own state folder and ports), so the analyst's
    `allow_databases` names this test's database and no other test shares it."""
    from infra.services import start_clickhouse, stop_clickhouse

    base = get_settings()
    s = base.model_copy(update={
        "state_dir": tmp_path / "state", "clickhouse_port": _free_port(), "clickhouse_http_port": _free_port(),
        "clickhouse_database": f"analyst_it_{uuid.uuid4().hex[:8]}",
    })
    start_clickhouse(s)
    try:
        yield s
    finally:
        stop_clickhouse(s)


def test_analyst_reads_hotline_only_and_cannot_write(private_server: Settings) -> None:
    from clickhouse_driver import Client
    from clickhouse_driver.errors import ServerException

    s = private_server
    db = s.clickhouse_database
    writer = client(s)
    migrate(runner(writer), db)
    _sample_rows(writer, db)

    analyst = Client(host=s.clickhouse_host, port=s.clickhouse_port, user=s.clickhouse_analyst_user,
                     password=s.clickhouse_analyst_password, database=db)
    assert analyst.execute("SELECT count() FROM calls") == [(400,)]
    assert analyst.execute("SELECT sum(questions) FROM daily_family_volume")[0][0] > 0
    refused = {
        "insert": "INSERT INTO calls (event_id) SELECT generateUUIDv4()",
        "create": "CREATE TABLE mine (x UInt8) ENGINE = Memory",
        "drop": "DROP TABLE calls",
        "truncate": "TRUNCATE TABLE questions",
        "alter": "ALTER TABLE calls DELETE WHERE 1",
        "dead letters": f"SELECT original FROM {private_database(db)}.dead_letters",
        "settings": "SELECT 1 SETTINGS max_memory_usage = 0",
    }
    for what, sql in refused.items():
        with pytest.raises(ServerException):
            analyst.execute(sql)
            pytest.fail(f"analyst could {what}")
    assert writer.execute(f"SELECT count() FROM {db}.calls") == [(400,)]
    assert writer.execute(f"SELECT original FROM {private_database(db)}.dead_letters") == [("{oops",)]
    analyst.disconnect()
    writer.disconnect()
