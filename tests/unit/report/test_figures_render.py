"""Figures from query rows, the offline HTML page, and the JSON/CSV copies."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime, timezone

import pytest

from sinks.report.export import CSV_TABLES
from sinks.report.build import write_report
from sinks.report.figures import Targets, build_figures, day_bounds, is_empty, local_hours
from sinks.report.render_html import render_html
from sinks.report.svg import column_chart, nice_ticks

from .sample import DAY, sample_rows


@pytest.fixture()
def figures():
    return build_figures(DAY, sample_rows(), Targets(), source="test",
                         generated_at=datetime(2021, 6, 2, 6, 0, tzinfo=timezone.utc))


def test_day_bounds_follow_casablanca_clock():
    assert day_bounds(date(2021, 6, 1), "Africa/Casablanca")[0] == datetime(2021, 5, 31, 23, tzinfo=timezone.utc)
    assert day_bounds(date(2021, 4, 20), "Africa/Casablanca")[0] == datetime(2021, 4, 20, 0, tzinfo=timezone.utc)
    # clock changes of 2021: Ramadan starts (25 h day) and ends (23 h day)
    assert len(local_hours(date(2021, 4, 11), "Africa/Casablanca")) == 25
    assert len(local_hours(date(2021, 5, 16), "Africa/Casablanca")) == 23


def test_hourly_rows_in_local_time(figures):
    hourly = figures["hourly"]
    assert [h["label"] for h in hourly] == [f"{h:02d}:00" for h in range(24)]
    nine = hourly[9]
    assert nine["hour_utc"] == "2021-06-01T08:00:00Z"
    assert (nine["offered"], nine["answered"], nine["abandoned"], nine["agents_on_duty"]) == (52, 47, 5, 4)
    assert nine["asa_seconds"] == pytest.approx(14.0) and nine["aht_seconds"] == pytest.approx(200.0)
    assert nine["service_level"] == pytest.approx(37 / 52)


def test_day_totals_are_sums_not_means(figures):
    s = figures["summary"]
    hourly = figures["hourly"]
    assert s["offered"] == sum(h["offered"] for h in hourly) == 812
    assert s["out_of_hours"] == 6 and s["calls"] == 818
    assert s["service_level"] == pytest.approx(sum(h["answered_in_target"] for h in hourly) / 812)
    assert s["max_wait_seconds"] == 114.0
    assert s["peak_hour"] == "12:00" and s["agents_on_duty"] == 9


def test_staffing_per_hour_is_erlang_c(figures):
    from sinks.staffing import required_agents

    nine = figures["hourly"][9]
    r = required_agents(52, 3600, 200.0, 20, 0.8, 0.85, 0.3)
    assert (nine["raw_agents"], nine["scheduled_agents"]) == (r.raw_agents, r.scheduled_agents)
    assert nine["staffing_gap"] == 4 - r.raw_agents
    closed = figures["hourly"][3]
    assert closed["raw_agents"] == 0 and closed["aht_source"] == "none"


def test_hour_without_answer_borrows_day_aht():
    rows = sample_rows()
    h = next(r for r in rows["hourly"] if r["offered"])  # local 08:00
    h.update(answered=0, transferred=0, answered_in_target=0, wait_answered_sum=0.0, handle_sum=0.0, abandoned=h["offered"])
    f = build_figures(DAY, rows, Targets())
    eight = f["hourly"][8]
    assert eight["aht_seconds"] is None and eight["aht_source"] == "day"
    assert eight["aht_used_seconds"] == pytest.approx(f["summary"]["aht_seconds"])
    assert eight["raw_agents"] > 0


def test_empty_rows_make_an_empty_day():
    f = build_figures(DAY, {}, Targets())
    assert is_empty(f)
    assert len(f["hourly"]) == 24 and f["summary"]["service_level"] is None
    render_html(f)  # renders without error even so


def test_html_is_self_contained_and_escaped(figures):
    page = render_html(figures)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page  # no script at all, including the hostile unmatched text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "@import" not in page and "url(" not in page
    assert page.count("<svg") >= 4
    for heading in ("Calls and agents per hour", "Service figures", "Staffing (Erlang C)", "Family and question mix",
                    "Top unmatched questions", "Adverse effects by vaccine and symptom", "Spike alerts"):
        assert f"<h2>{heading}</h2>" in page
    assert "واش نقدر نسافر" in page
    assert "Tuesday 01 June 2021" in page


def test_html_empty_sections_say_so():
    rows = sample_rows()
    for k in ("unmatched", "adverse_effects", "alerts"):
        rows[k] = []
    page = render_html(build_figures(DAY, rows, Targets()))
    assert "Every question matched a catalog question." in page
    assert "No adverse effect was mentioned." in page
    assert "No spike alert for this day." in page


def test_json_and_csv_carry_the_same_figures(figures, tmp_path):
    paths = write_report(figures, tmp_path)
    assert paths.html.name == "report-2021-06-01.html"
    data = json.loads(paths.json.read_text(encoding="utf-8"))
    assert data["summary"] == json.loads(json.dumps(figures["summary"]))
    names = {p.name for p in paths.csv}
    assert names == {f"report-2021-06-01-{t}.csv" for t in CSV_TABLES}
    with (tmp_path / "report-2021-06-01-hourly.csv").open(encoding="utf-8-sig") as fh:
        hourly = list(csv.DictReader(fh))
    assert len(hourly) == 24
    assert sum(int(r["offered"]) for r in hourly) == figures["summary"]["offered"]
    assert hourly[9]["hour_local"] == "2021-06-01T09:00:00+01:00" and hourly[3]["asa_seconds"] == ""
    with (tmp_path / "report-2021-06-01-staffing.csv").open(encoding="utf-8-sig") as fh:
        staffing = list(csv.DictReader(fh))
    assert int(staffing[9]["raw_agents"]) == figures["hourly"][9]["raw_agents"]
    with (tmp_path / "report-2021-06-01-unmatched.csv").open(encoding="utf-8-sig") as fh:
        assert "واش نقدر نسافر" in fh.read()


def test_nice_ticks():
    assert nice_ticks(97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(12, integer=True)[-1] >= 12
    assert all(t == int(t) for t in nice_ticks(12, integer=True))
    assert nice_ticks(0) == [0.0, 1.0]


def test_column_chart_escapes_and_scales():
    svg = column_chart(["<a>", "b"], bars=[("x&y", [3, 5], "#000")], lines=[("n", [None, 4], "#f00", True)], title="t<")
    assert "&lt;a&gt;" in svg and "x&amp;y" in svg and "t&lt;" in svg
    assert svg.count("<rect") >= 2 and "<circle" in svg


def test_null_agent_count_of_an_empty_day():
    # ClickHouse 18.16 returns NULL for uniqExact over no Nullable value
    f = build_figures(DAY, {"day_agents": [{"agents": None}]}, Targets())
    assert f["summary"]["agents_on_duty"] == 0 and is_empty(f)
