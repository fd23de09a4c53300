"""The report's SQL on a modern ClickHouse (chdb, in-process) over tables created by the
project's own migrations; the figures must equal those computed in Python from the calls."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from hotline.config import Settings
from hotline.errors import HotlineError
from schemas.feed import SpikeAlert
from sinks.migrate import migrate
from sinks.report.build import compute_figures

from sinks.sink import flush

from .daybuilder import ChdbStore, assert_figures_match, build_day, expected_figures, sink_batch

chdb_session = pytest.importorskip("chdb.session")

DAY = date(2021, 6, 1)  # UTC+1 in Casablanca
RAMADAN_DAY = date(2021, 4, 20)  # UTC+0 (Morocco suspends its summer time during Ramadan)
CLOCK_BACK, CLOCK_FORWARD = date(2021, 4, 11), date(2021, 5, 16)  # 25- and 23-hour local days


@pytest.fixture(scope="module")
def chdb():
    """A chdb session with the project's schema in a unique database, and both query adapters."""
    sess = chdb_session.Session()
    db = f"report_test_{uuid.uuid4().hex[:8]}"

    def run(sql: str) -> list[tuple]:
        res = sess.query(sql, "JSONCompact")
        text = res.bytes().decode() if res is not None else ""
        return [tuple(r) for r in json.loads(text)["data"]] if text.strip() else []

    def execute(sql: str) -> list[dict]:
        return json.loads(sess.query(sql, "JSON").bytes().decode())["data"]

    migrate(run, db)
    calls = build_day(DAY, n_calls=400, seed=11) + build_day(RAMADAN_DAY, n_calls=120, seed=12)
    calls += build_day(CLOCK_BACK, n_calls=150, seed=15) + build_day(CLOCK_FORWARD, n_calls=150, seed=16)
    # neighbours that must not leak into the day: the day before and after
    calls += build_day(date(2021, 5, 31), n_calls=50, seed=13) + build_day(date(2021, 6, 2), n_calls=50, seed=14)
    flush(ChdbStore(run, db), sink_batch(calls), dedup=False)  # the sink's own row building
    yield {"db": db, "run": run, "execute": execute, "calls": calls}
    run(f"DROP DATABASE IF EXISTS {db}")
    sess.close()


SETTINGS = Settings(mode="test")


def _figures(chdb, day):
    return compute_figures(day, chdb["execute"], chdb["db"], SETTINGS)


@pytest.mark.parametrize("day,hours", [(DAY, 24), (RAMADAN_DAY, 24), (CLOCK_BACK, 25), (CLOCK_FORWARD, 23)])
def test_report_sql_matches_python(chdb, day, hours):
    f = _figures(chdb, day)
    assert len(f["hourly"]) == hours
    assert len({h["label"] for h in f["hourly"]}) == hours  # a repeated local hour is told apart
    assert_figures_match(f, expected_figures(chdb["calls"], day))


def test_unmatched_grouped_by_case_and_spacing(chdb):
    f = _figures(chdb, DAY)
    texts = [r["text"] for r in f["unmatched"]]
    assert "wach kayn chi taxi l centre" in texts
    assert len(texts) == len(set(texts))
    # the two spellings of the taxi question are one group
    exp = sum(1 for c in chdb["calls"] if _local_day(c) == DAY
              for q in c.questions if q.family == "other" and "taxi" in q.question.lower())
    taxi = next(r for r in f["unmatched"] if r["text"] == "wach kayn chi taxi l centre")
    assert exp > 0 and taxi["count"] == exp


def _local_day(call):
    return call.queued_at.astimezone(ZoneInfo("Africa/Casablanca")).date()


def spike(revision: int, observed: int) -> SpikeAlert:
    return SpikeAlert(alert_id="2021-06-01:pfizer:fever", revision=revision, local_date=DAY, vaccine="pfizer",
                      symptom="fever", observed=observed, baseline_mean=2.0, baseline_sd=1.0,
                      statistic=observed - 2.0, threshold=3.0, method="ears_c2",
                      published_at=datetime(2021, 6, 1, 12, revision, tzinfo=timezone.utc))


def test_alerts_latest_revision(chdb):
    flush(ChdbStore(chdb["run"], chdb["db"]), sink_batch([], [spike(1, 9), spike(2, 12)]), dedup=False)
    alerts = _figures(chdb, DAY)["alerts"]
    assert [(a["vaccine"], a["symptom"], int(a["observed"]), int(a["revision"])) for a in alerts] == [("pfizer", "fever", 12, 2)]


def test_empty_day_is_a_clear_error(chdb):
    with pytest.raises(HotlineError, match=r"no calls on 2021-07-15 .*holds calls from 2021-04-11 to 2021-06-02"):
        _figures(chdb, date(2021, 7, 15))
