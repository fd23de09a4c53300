"""A hand-made day of query rows (the shapes `sinks.report.queries.fetch_rows` returns)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

DAY = date(2021, 6, 1)  # Casablanca was UTC+1 that day: local 00:00 = 23:00 UTC the day before


def sample_rows() -> dict[str, list[dict]]:
    hourly, agents = [], []
    start = datetime(2021, 5, 31, 23, 0)  # naive UTC, as the driver returns it
    for i in range(24):
        local_hour = i
        h = start + timedelta(hours=i)
        if 8 <= local_hour < 20:
            offered = 40 + 12 * (local_hour - 8) if local_hour < 12 else 90 - 5 * (local_hour - 12)
            answered = offered - offered // 10
            hourly.append({"hour_utc": h, "offered": offered, "answered": answered, "transferred": 2,
                           "abandoned": offered - answered, "out_of_hours": 0,
                           "answered_in_target": int(answered * 0.8), "wait_answered_sum": answered * 14.0,
                           "handle_sum": answered * 200.0, "max_wait": 95.0 + i})
            agents.append({"hour_utc": h, "agents": 3 + local_hour % 4})
        elif local_hour in (6, 21):
            hourly.append({"hour_utc": h, "offered": 0, "answered": 0, "transferred": 0, "abandoned": 0,
                           "out_of_hours": 3, "answered_in_target": 0, "wait_answered_sum": 0.0,
                           "handle_sum": 0.0, "max_wait": 0.0})
    return {
        "hourly": hourly,
        "hourly_agents": agents,
        "day_agents": [{"agents": 9}],
        "families": [{"family": "vaccination", "questions": 500, "calls": 400},
                     {"family": "general", "questions": 200, "calls": 180},
                     {"family": "adverse_effects", "questions": 120, "calls": 100},
                     {"family": "other", "questions": 30, "calls": 28}],
        "questions": [{"family": "vaccination", "question_id": "vaccination.registration", "questions": 250, "calls": 230},
                      {"family": "vaccination", "question_id": "vaccination.second_dose", "questions": 250, "calls": 240},
                      {"family": "general", "question_id": "general.certificate", "questions": 200, "calls": 180},
                      {"family": "adverse_effects", "question_id": "adverse_effects.common", "questions": 120, "calls": 100},
                      {"family": "other", "question_id": "", "questions": 30, "calls": 28}],
        "languages": [{"language": "ary", "questions": 400}, {"language": "fr", "questions": 300},
                      {"language": "ary-Latn", "questions": 150}],
        "unmatched": [{"text": "wach kayn chi taxi l centre", "example": "Wach kayn chi taxi l centre", "count": 4, "calls": 4},
                      {"text": "<script>alert(1)</script>", "example": "<script>alert(1)</script>", "count": 2, "calls": 2},
                      {"text": "واش نقدر نسافر", "example": "واش نقدر نسافر", "count": 3, "calls": 3}],
        "adverse_effects": [{"vaccine": "sinopharm", "symptom": "fever", "mentions": 40, "calls": 38},
                            {"vaccine": "sinopharm", "symptom": "headache", "mentions": 22, "calls": 22},
                            {"vaccine": "astrazeneca", "symptom": "fever", "mentions": 30, "calls": 29},
                            {"vaccine": "astrazeneca", "symptom": "injection_site", "mentions": 12, "calls": 12},
                            {"vaccine": "unknown", "symptom": "fatigue", "mentions": 5, "calls": 5}],
        "alerts": [{"alert_id": "2021-06-01:astrazeneca:fever", "revision": 2, "local_date": date(2021, 6, 1),
                    "vaccine": "astrazeneca", "symptom": "fever", "observed": 30, "baseline_mean": 11.2,
                    "baseline_sd": 3.1, "statistic": 6.06, "threshold": 3.0, "method": "ears_c2"}],
    }
