"""The SQL of the daily report, and running it.

Written for ClickHouse 18.16 as well as modern servers: no window functions, no
toStartOfInterval, no parameters on the server side, only -If combinators, uniqExact and
toStartOfHour. Values are inlined from validated Python objects (a date, a database name
that is a plain identifier), so the same text runs through clickhouse-driver and chdb.

The local day is cut in Python (zoneinfo) into a UTC range; rows are filtered on the sort
key prefix `local_date` (the day and its neighbours, for the index) and on that UTC range (for
exactness), and grouped by UTC hour, which is one local hour in Africa/Casablanca.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from hotline.errors import HotlineError

Execute = Callable[[str], list[dict]]
"""Runs one SELECT and returns its rows as dicts (column name -> value)."""

ANSWERED = "disposition IN ('answered', 'transferred')"
IN_HOURS = "disposition != 'out_of_hours'"
_DB = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _ts(t: datetime) -> str:
    return f"toDateTime('{t.strftime('%Y-%m-%d %H:%M:%S')}', 'UTC')"


def _day_filter(day: date, start: datetime, end: datetime, column: str = "queued_at") -> str:
    """Rows of the local day: index-friendly on local_date, exact on the UTC time column."""
    lo, hi = day - timedelta(days=1), day + timedelta(days=1)
    return (f"local_date >= toDate('{lo.isoformat()}') AND local_date <= toDate('{hi.isoformat()}') "
            f"AND {column} >= {_ts(start)} AND {column} < {_ts(end)}")


def report_queries(database: str, day: date, start: datetime, end: datetime,
                   target_seconds: int, unmatched_limit: int = 20) -> dict[str, str]:
    """Name -> SELECT; the names are the keys `figures.build_figures` reads."""
    if not _DB.match(database):
        raise HotlineError(f"database name {database!r} is not a plain identifier; use letters, digits and _")
    target = int(target_seconds)
    limit = int(unmatched_limit)
    db = database
    by_day = _day_filter(day, start, end)
    by_answer = _day_filter(day, start, end, "answered_at")
    return {
        "hourly": f"""
SELECT
    toStartOfHour(queued_at) AS hour_utc,
    countIf({IN_HOURS}) AS offered,
    countIf({ANSWERED}) AS answered,
    countIf(disposition = 'transferred') AS transferred,
    countIf(disposition = 'abandoned') AS abandoned,
    countIf(disposition = 'out_of_hours') AS out_of_hours,
    countIf({ANSWERED} AND wait_seconds <= {target}) AS answered_in_target,
    sumIf(toFloat64(wait_seconds), {ANSWERED}) AS wait_answered_sum,
    sumIf(toFloat64(ifNull(handle_seconds, 0)), {ANSWERED}) AS handle_sum,
    maxIf(toFloat64(wait_seconds), {IN_HOURS}) AS max_wait
FROM {db}.calls
WHERE {by_day}
GROUP BY hour_utc
ORDER BY hour_utc""",
        # Agents on duty: who picked up a call in that hour (by answer time, not arrival time).
        "hourly_agents": f"""
SELECT toStartOfHour(assumeNotNull(answered_at)) AS hour_utc, uniqExact(agent_id) AS agents
FROM {db}.calls
WHERE {by_answer} AND answered_at IS NOT NULL AND agent_id IS NOT NULL
GROUP BY hour_utc
ORDER BY hour_utc""",
        "day_agents": f"""
SELECT uniqExact(agent_id) AS agents
FROM {db}.calls
WHERE {by_answer} AND answered_at IS NOT NULL AND agent_id IS NOT NULL""",
        "families": f"""
SELECT family, count() AS questions, uniqExact(event_id) AS calls
FROM {db}.questions
WHERE {by_day}
GROUP BY family
ORDER BY questions DESC, family""",
        "questions": f"""
SELECT family, ifNull(question_id, '') AS catalog_question, count() AS questions, uniqExact(event_id) AS calls
FROM {db}.questions
WHERE {by_day}
GROUP BY family, catalog_question
ORDER BY questions DESC, catalog_question""",
        "languages": f"""
SELECT language, count() AS questions
FROM {db}.questions
WHERE {by_day}
GROUP BY language
ORDER BY questions DESC, language""",
        # Same text up to case and spacing = same question; the most common spelling is not
        # needed, any real one is shown.
        "unmatched": f"""
SELECT
    replaceRegexpAll(replaceRegexpAll(lowerUTF8(question), '\\\\s+', ' '), '^ | $', '') AS grouped_text,
    count() AS asked,
    uniqExact(event_id) AS calls,
    any(question) AS example
FROM {db}.questions
WHERE {by_day} AND family = 'other'
GROUP BY grouped_text
ORDER BY asked DESC, grouped_text
LIMIT {limit}""",
        "adverse_effects": f"""
SELECT vaccine, symptom, count() AS mentions, uniqExact(event_id) AS calls
FROM {db}.adverse_effect_mentions
WHERE {by_day}
GROUP BY vaccine, symptom
ORDER BY mentions DESC, vaccine, symptom""",
        # Alerts are per local day already; the view keeps each alert's latest revision.
        "alerts": f"""
SELECT alert_id, revision, local_date, vaccine, symptom, observed, baseline_mean, baseline_sd,
       statistic, threshold, method
FROM {db}.alerts_current
WHERE local_date = toDate('{day.isoformat()}')
ORDER BY statistic DESC, vaccine, symptom""",
    }


def data_range_query(database: str) -> str:
    """First and last local day with calls, for the message of an empty report."""
    return f"SELECT count() AS calls, min(local_date) AS first_day, max(local_date) AS last_day FROM {database}.calls"


def fetch_rows(execute: Execute, queries: dict[str, str]) -> dict[str, list[dict]]:
    """Run every query; rename columns whose natural name would shadow a table column
    (`f(x) AS x` is a cyclic alias on ClickHouse 18.16)."""
    rows = {name: execute(sql) for name, sql in queries.items()}
    rows["questions"] = [{"family": r["family"], "question_id": r["catalog_question"], "questions": r["questions"],
                          "calls": r["calls"]} for r in rows["questions"]]
    rows["unmatched"] = [{"text": r["grouped_text"], "count": r["asked"], "calls": r["calls"], "example": r["example"]}
                         for r in rows["unmatched"]]
    return rows


def driver_execute(client) -> Execute:  # noqa: ANN001 - a clickhouse_driver.Client
    """Adapt clickhouse-driver to `Execute`."""

    def run(sql: str) -> list[dict]:
        data, columns = client.execute(sql, with_column_types=True)
        names = [c[0] for c in columns]
        return [dict(zip(names, row)) for row in data]

    return run
