"""`hotline report` on the real ClickHouse server: a simulated day written by the sink's own
flush into a fresh migrated database; every figure is checked against the source events."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

from hotline.cli import main
from sinks.clickhouse import private_database, runner
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


@pytest.fixture()
def database(clickhouse, clickhouse_database):
    """A fresh database (shared fixture) with the project's migrations; its private twin dropped too."""
    migrate(runner(clickhouse), clickhouse_database)
    yield clickhouse, clickhouse_database
    clickhouse.execute(f"DROP DATABASE IF EXISTS {private_database(clickhouse_database)}")


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


def test_missing_tables_say_run_migrate(clickhouse, unique_name, tmp_path, capsys):
    assert main(["report", "--date", "2021-06-01", "--out", str(tmp_path), "--database", unique_name("absent")]) == 1
    assert "hotline migrate" in capsys.readouterr().err
