"""`hotline report` on the real ClickHouse server: a simulated day written by the sink's own
flush into a fresh migrated database; every figure is checked against the source events."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from hotline.cli import main
from sinks.clickhouse import client, private_database, runner
from sinks.migrate import migrate
from sinks.sink import ClickHouseStore, flush

from tests.unit.report.daybuilder import build_day, enriched_from_simulated, expected_figures, sink_batch

pytestmark = pytest.mark.integration

DAY = date(2021, 6, 1)


def simulated_day(day: date) -> list:
    from producers.simulator.simulate import simulate_labelled

    items = simulate_labelled(1, 2500, 22, seed=31, start=day, caller_key=b"report-integration-test-key-0001")
    return [enriched_from_simulated(i) for i in items]


@pytest.fixture()
def database():
    """A fresh, migrated database on the configured server, dropped afterwards."""
    cli = client()
    try:
        cli.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any connection failure
        pytest.fail(f"ClickHouse is not reachable ({exc}); start it with `hotline infra up`")
    name = f"report_it_{uuid.uuid4().hex[:10]}"
    migrate(runner(cli), name)
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

    s = f["summary"]
    for k in ("offered", "answered", "abandoned", "out_of_hours"):
        assert s[k] == exp[k], k
    assert s["offered"] > 300
    assert s["asa_seconds"] == pytest.approx(exp["asa_seconds"], rel=1e-5, abs=1e-4)
    assert s["aht_seconds"] == pytest.approx(exp["aht_seconds"], rel=1e-5)
    assert s["agents_on_duty"] == exp["day_agents"]

    by_label = {h["label"]: h for h in f["hourly"]}
    assert len(by_label) == 24
    for label, e in exp["hourly"].items():
        got = by_label[label]
        for k in ("offered", "answered", "abandoned", "transferred", "out_of_hours", "answered_in_target"):
            assert got[k] == e.get(k, 0), (label, k)
        for k in ("asa_seconds", "aht_seconds"):
            if e[k] is None:
                assert got[k] is None, (label, k)
            else:
                assert got[k] == pytest.approx(e[k], rel=1e-5, abs=1e-4), (label, k)
    for h in f["hourly"]:
        assert h["agents_on_duty"] == exp["agents"].get(h["label"], 0), h["label"]
        if h["label"] not in exp["hourly"]:
            assert h["offered"] == h["out_of_hours"] == 0

    assert {r["family"]: r["questions"] for r in f["families"]} == exp["families"]
    assert {r["family"]: r["calls"] for r in f["families"]} == exp["family_calls"]
    assert {(r["vaccine"], r["symptom"]): r["mentions"] for r in f["adverse_effects"]} == exp["adverse"]
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
