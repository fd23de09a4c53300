"""`hotline report` on the real ClickHouse server: a simulated day written by the sink's own
flush into a fresh migrated database; every figure is checked against the source events."""

from __future__ import annotations

import json
import sys
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import pytest

from hotline.cli import main
from hotline.config import get_settings
from sinks.clickhouse import client, private_database
from sinks.migrate import migrate
from sinks.sink import ClickHouseStore, flush

try:
    from tests.unit.report.daybuilder import (assert_figures_match, build_day, enriched_from_simulated,
                                             expected_figures, sink_batch)
except ModuleNotFoundError:  # `tests` is importable only when the project root is on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.unit.report.daybuilder import (assert_figures_match, build_day, enriched_from_simulated,
                                             expected_figures, sink_batch)

pytestmark = pytest.mark.integration

DAY = date(2021, 6, 1)


def simulated_day(day: date) -> list:
    from producers.simulator.simulate import simulate_labelled

    items = simulate_labelled(1, 2500, 22, seed=31, start=day, caller_key=b"report-integration-test-key-0001")
    return [enriched_from_simulated(i) for i in items]


def http_runner(sql: str) -> list[tuple]:
    """Migrations over HTTP: on ClickHouse 18.16, clickhouse-driver hangs on an INSERT whose
    VALUES are inline in the SQL text (migrate's bookkeeping row), HTTP does not."""
    s = get_settings()
    req = urllib.request.Request(f"http://{s.clickhouse_host}:{s.clickhouse_http_port}/?user={s.clickhouse_user}",
                                 data=sql.encode(), headers={"X-ClickHouse-Key": s.clickhouse_password})
    with urllib.request.urlopen(req, timeout=60) as resp:
        text = resp.read().decode()
    return [tuple(line.split("\t")) for line in text.splitlines() if line]


@pytest.fixture()
def database():
    """A fresh, migrated database on the configured server, dropped afterwards."""
    cli = client()
    try:
        cli.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any connection failure
        pytest.fail(f"ClickHouse is not reachable ({exc}); start it with `hotline infra up`")
    name = f"report_it_{uuid.uuid4().hex[:10]}"
    migrate(http_runner, name)
    yield cli, name
    cli.execute(f"DROP DATABASE IF EXISTS {name}")
    cli.execute(f"DROP DATABASE IF EXISTS {private_database(name)}")
    cli.disconnect()


@pytest.mark.parametrize("source", ["simulator", "builder"])
def test_report_matches_source_events(database, source, tmp_path, capsys):
    cli, db = database
    calls = simulated_day(DAY) if source == "simulator" else build_day(DAY, n_calls=600, seed=5)
    # the neighbouring days are in the table too and must not leak into the report
    calls += build_day(date(2021, 5, 31), n_calls=80, seed=6) + build_day(date(2021, 6, 2), n_calls=80, seed=7)
    store = ClickHouseStore(cli, db, private_database(db))
    flush(store, sink_batch(calls))
    replay = flush(store, sink_batch(calls))  # a replay of the same events is skipped by the sink
    assert replay.rows.get("calls", 0) == 0

    assert main(["report", "--date", DAY.isoformat(), "--out", str(tmp_path), "--database", db]) == 0
    out = capsys.readouterr().out
    html = tmp_path / "report-2021-06-01.html"
    assert str(html) in out and html.stat().st_size > 10_000
    assert "<script" not in html.read_text(encoding="utf-8")
    f = json.loads((tmp_path / "report-2021-06-01.json").read_text(encoding="utf-8"))
    exp = expected_figures(calls, DAY)

    assert f["summary"]["offered"] > 300
    assert len(f["hourly"]) == 24
    assert_figures_match(f, exp)
    staffed = [h for h in f["hourly"] if h["offered"]]
    assert staffed and all(h["raw_agents"] >= 1 and h["scheduled_agents"] >= h["raw_agents"] for h in staffed)


def test_empty_day_is_a_clear_message(database, tmp_path, capsys):
    cli, db = database
    flush(ClickHouseStore(cli, db, private_database(db)), sink_batch(build_day(DAY, n_calls=20, seed=1)))
    assert main(["report", "--date", "2021-07-15", "--out", str(tmp_path), "--database", db]) == 1
    err = capsys.readouterr().err
    assert "no calls on 2021-07-15" in err and "2021-06-01" in err
    assert not list(tmp_path.iterdir())


def test_missing_tables_say_run_migrate(tmp_path, capsys):
    assert main(["report", "--date", "2021-06-01", "--out", str(tmp_path), "--database", f"absent_{uuid.uuid4().hex[:8]}"]) == 1
    assert "hotline migrate" in capsys.readouterr().err
