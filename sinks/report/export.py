"""Machine-readable copies of the report: the figures dict as JSON, and one CSV per table.

CSV files use UTF-8 with a byte-order mark so that spreadsheet programs show Arabic text
correctly; empty cells stand for "not defined" (e.g. ASA of an hour without answered calls).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

# table name -> (key of the figures dict, columns); the summary is a one-row table.
CSV_TABLES: dict[str, tuple[str, list[str]]] = {
    "summary": ("summary", [
        "calls", "offered", "answered", "transferred", "abandoned", "out_of_hours", "answered_in_target",
        "asa_seconds", "aht_seconds", "service_level", "abandon_rate", "max_wait_seconds",
        "service_level_target_seconds", "agents_on_duty", "agent_hours_on_duty", "agent_hours_needed",
        "agent_hours_scheduled", "hours_understaffed", "peak_hour", "peak_offered", "questions", "unmatched_questions"]),
    "hourly": ("hourly", [
        "hour_local", "hour_utc", "offered", "answered", "transferred", "abandoned", "out_of_hours",
        "answered_in_target", "asa_seconds", "aht_seconds", "service_level", "abandon_rate", "max_wait_seconds",
        "agents_on_duty"]),
    "staffing": ("hourly", [
        "hour_local", "offered", "aht_used_seconds", "aht_source", "traffic_erlangs", "raw_agents",
        "scheduled_agents", "agents_on_duty", "staffing_gap", "staffed_service_level", "staffed_asa_seconds",
        "staffed_occupancy"]),
    "families": ("families", ["family", "questions", "share", "calls"]),
    "questions": ("questions", ["question_id", "family", "questions", "share", "calls"]),
    "languages": ("languages", ["language", "questions", "share"]),
    "unmatched": ("unmatched", ["text", "example", "count", "calls"]),
    "adverse_effects": ("adverse_effects", ["vaccine", "symptom", "mentions", "calls"]),
    "alerts": ("alerts", ["local_date", "vaccine", "symptom", "observed", "baseline_mean", "baseline_sd",
                          "statistic", "threshold", "method", "alert_id", "revision"]),
}


def write_json(figures: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return round(v, 6)
    return v


def write_csvs(figures: dict[str, Any], out_dir: Path, stem: str) -> list[Path]:
    """One `<stem>-<table>.csv` per table, always with the header row (even when empty)."""
    paths = []
    for name, (key, columns) in CSV_TABLES.items():
        rows = figures[key]
        if isinstance(rows, dict):
            rows = [rows]
        path = out_dir / f"{stem}-{name}.csv"
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(columns)
            for r in rows:
                w.writerow([_cell(r.get(c)) for c in columns])
        paths.append(path)
    return paths
