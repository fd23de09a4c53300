"""Turn the report's query rows into one figures dict: the single source of the HTML, JSON and CSV.

The queries return sums and counts per UTC hour; averages and the service level are derived
here from those sums, so the day's figures are exact (a mean of hourly means would not be).
Africa/Casablanca is a whole number of hours from UTC, so each UTC hour is one local hour;
a day of clock change simply has 23 or 25 rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sinks.staffing import required_agents

FIGURES_VERSION = 1


@dataclass(frozen=True)
class Targets:
    """What the hotline promises and how it plans: from settings, echoed in the report."""

    service_level_seconds: int = 20
    service_level: float = 0.8
    max_occupancy: float | None = 0.85
    shrinkage: float = 0.3


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local calendar day."""
    zone = ZoneInfo(tz)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def local_hours(day: date, tz: str) -> list[datetime]:
    """UTC starts of the day's hours (23, 24 or 25 of them)."""
    start, end = day_bounds(day, tz)
    hours, t = [], start
    while t < end:
        hours.append(t)
        t += timedelta(hours=1)
    return hours


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _utc(value: Any) -> datetime:
    """Query drivers return naive UTC datetimes; make them aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


_SERVICE_SUMS = ("offered", "answered", "transferred", "abandoned", "out_of_hours",
                 "answered_in_target", "wait_answered_sum", "handle_sum")


def _service(sums: dict[str, float], max_wait: float | None, target: int) -> dict[str, Any]:
    answered = sums["answered"]
    return {
        "offered": int(sums["offered"]),
        "answered": int(answered),
        "transferred": int(sums["transferred"]),
        "abandoned": int(sums["abandoned"]),
        "out_of_hours": int(sums["out_of_hours"]),
        "answered_in_target": int(sums["answered_in_target"]),
        "asa_seconds": _ratio(sums["wait_answered_sum"], answered),
        "aht_seconds": _ratio(sums["handle_sum"], answered),
        "service_level": _ratio(sums["answered_in_target"], sums["offered"]),
        "abandon_rate": _ratio(sums["abandoned"], sums["offered"]),
        "max_wait_seconds": max_wait,
        "service_level_target_seconds": target,
    }


def _staffing(offered: int, aht: float | None, fallback_aht: float | None, targets: Targets) -> dict[str, Any]:
    """Erlang C for one hour's observed arrivals; an hour where nobody was answered borrows the day's AHT."""
    used_aht, source = (aht, "hour") if aht else (fallback_aht, "day")
    if offered and not used_aht:
        return {"raw_agents": None, "scheduled_agents": None, "aht_used_seconds": None, "aht_source": "none",
                "traffic_erlangs": None, "staffed_service_level": None, "staffed_asa_seconds": None, "staffed_occupancy": None}
    r = required_agents(offered, 3600, used_aht or 1.0, targets.service_level_seconds, targets.service_level,
                        targets.max_occupancy, targets.shrinkage)
    return {
        "raw_agents": r.raw_agents,
        "scheduled_agents": r.scheduled_agents,
        "aht_used_seconds": used_aht if offered else None,
        "aht_source": source if offered else "none",
        "traffic_erlangs": r.traffic_erlangs,
        "staffed_service_level": r.service_level,
        "staffed_asa_seconds": r.asa_seconds,
        "staffed_occupancy": r.occupancy,
    }


def _share(rows: list[dict], key: str) -> list[dict]:
    total = sum(r[key] for r in rows)
    return [{**r, "share": _ratio(r[key], total)} for r in rows]


def build_figures(day: date, rows: dict[str, list[dict]], targets: Targets, tz: str = "Africa/Casablanca",
                  source: str = "", generated_at: datetime | None = None) -> dict[str, Any]:
    """Assemble the report from `queries.fetch_rows` output (see there for the row shapes)."""
    zone = ZoneInfo(tz)
    by_hour = {_utc(r["hour_utc"]): r for r in rows.get("hourly", [])}
    agents_by_hour = {_utc(r["hour_utc"]): int(r["agents"] or 0) for r in rows.get("hourly_agents", [])}

    day_sums = dict.fromkeys(_SERVICE_SUMS, 0.0)
    day_max_wait: float | None = None
    hourly: list[dict[str, Any]] = []
    for h in local_hours(day, tz):
        r = by_hour.get(h, {})
        sums = {k: float(r.get(k) or 0) for k in _SERVICE_SUMS}
        for k in _SERVICE_SUMS:
            day_sums[k] += sums[k]
        max_wait = float(r["max_wait"]) if r.get("max_wait") is not None and sums["offered"] else None
        if max_wait is not None:
            day_max_wait = max(day_max_wait or 0.0, max_wait)
        local = h.astimezone(zone)
        hourly.append({
            "hour_utc": h.isoformat().replace("+00:00", "Z"),
            "hour_local": local.isoformat(),
            "label": local.strftime("%H:%M"),
            **_service(sums, max_wait, targets.service_level_seconds),
            "agents_on_duty": agents_by_hour.get(h, 0),
        })

    # The hour repeated when clocks go back is told apart by its UTC offset ("02:00+01", "02:00+00").
    seen = Counter(h["label"] for h in hourly)
    for h in hourly:
        if seen[h["label"]] > 1:
            h["label"] += h["hour_local"][-6:-3]

    summary = _service(day_sums, day_max_wait, targets.service_level_seconds)
    day_agents = rows.get("day_agents") or [{"agents": 0}]
    summary["agents_on_duty"] = int(day_agents[0]["agents"] or 0)  # 18.16: uniqExact of no Nullable row is NULL
    summary["calls"] = summary["offered"] + summary["out_of_hours"]
    busiest = max(hourly, key=lambda x: x["offered"], default=None)
    summary["peak_hour"] = busiest["label"] if busiest and busiest["offered"] else None
    summary["peak_offered"] = busiest["offered"] if busiest else 0

    for hr in hourly:
        hr.update(_staffing(hr["offered"], hr["aht_seconds"], summary["aht_seconds"], targets))
        hr["staffing_gap"] = None if hr["raw_agents"] is None else hr["agents_on_duty"] - hr["raw_agents"]
    staffed = [h for h in hourly if h["raw_agents"] is not None]
    summary["agent_hours_on_duty"] = sum(h["agents_on_duty"] for h in hourly)
    summary["agent_hours_needed"] = sum(h["raw_agents"] for h in staffed)
    summary["agent_hours_scheduled"] = sum(h["scheduled_agents"] for h in staffed)
    summary["hours_understaffed"] = sum(1 for h in staffed if h["staffing_gap"] < 0)

    families = _share([{"family": r["family"], "questions": int(r["questions"]), "calls": int(r["calls"])}
                       for r in rows.get("families", [])], "questions")
    families.sort(key=lambda r: (-r["questions"], r["family"]))
    questions = _share([{"family": r["family"], "question_id": r["question_id"] or None,
                         "questions": int(r["questions"]), "calls": int(r["calls"])}
                        for r in rows.get("questions", [])], "questions")
    questions.sort(key=lambda r: (-r["questions"], r["question_id"] or ""))
    languages = _share([{"language": r["language"], "questions": int(r["questions"])}
                        for r in rows.get("languages", [])], "questions")
    languages.sort(key=lambda r: (-r["questions"], r["language"]))
    summary["questions"] = sum(r["questions"] for r in families)
    summary["unmatched_questions"] = sum(r["questions"] for r in families if r["family"] == "other")

    unmatched = [{"text": r["text"], "count": int(r["count"]), "calls": int(r["calls"]), "example": r.get("example") or r["text"]}
                 for r in rows.get("unmatched", [])]
    unmatched.sort(key=lambda r: (-r["count"], r["text"]))
    adverse = [{"vaccine": r["vaccine"], "symptom": r["symptom"], "mentions": int(r["mentions"]), "calls": int(r["calls"])}
               for r in rows.get("adverse_effects", [])]
    adverse.sort(key=lambda r: (-r["mentions"], r["vaccine"], r["symptom"]))
    alerts = [{k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in r.items()}
              for r in rows.get("alerts", [])]
    alerts.sort(key=lambda r: (-float(r.get("statistic") or 0), r.get("vaccine", ""), r.get("symptom", "")))

    return {
        "figures_version": FIGURES_VERSION,
        "report": {
            "date": day.isoformat(),
            "timezone": tz,
            "utc_start": day_bounds(day, tz)[0].isoformat().replace("+00:00", "Z"),
            "utc_end": day_bounds(day, tz)[1].isoformat().replace("+00:00", "Z"),
            "generated_at": (generated_at or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
            "source": source,
            "targets": asdict(targets),
        },
        "summary": summary,
        "hourly": hourly,
        "families": families,
        "questions": questions,
        "languages": languages,
        "unmatched": unmatched,
        "adverse_effects": adverse,
        "alerts": alerts,
    }


def is_empty(figures: dict[str, Any]) -> bool:
    """No call at all that day (in or out of hours)."""
    return figures["summary"]["calls"] == 0 and figures["summary"]["questions"] == 0
