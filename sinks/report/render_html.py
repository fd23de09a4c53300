"""The report as one self-contained HTML page: inline CSS, inline SVG, no script, no external file.

It reads only the figures dict, so what the page shows is what the JSON and CSV carry.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from schemas.enriched import SYMPTOMS, VACCINES
from sinks.report.svg import bar_list, column_chart, heat_color

C_ANSWERED = "#2f6f9f"
C_LATE = "#8db6d6"
C_ABANDONED = "#d9822b"
C_CLOSED = "#b8bec6"
C_ON_DUTY = "#2e8b57"
C_NEEDED = "#c0392b"
C_SCHEDULED = "#7d3c98"

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d2329;margin:0;background:#f4f6f8}
main{max-width:980px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:34px 0 10px;border-bottom:2px solid #e3e6ea;padding-bottom:4px}
.sub{color:#59636e;font-size:13px;margin:0 0 18px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(145px,1fr));gap:10px}
.tile{border:1px solid #e3e6ea;border-radius:6px;padding:10px 12px}
.tile .v{font-size:22px;font-weight:650}.tile .k{font-size:12px;color:#59636e}
.tile .n{font-size:11px;color:#59636e}
.good{color:#1e7a46}.bad{color:#b3261e}
table{border-collapse:collapse;font-size:12.5px;width:100%;margin:6px 0}
th,td{padding:4px 6px;border-bottom:1px solid #e9ecef;text-align:right;white-space:nowrap}
th{background:#f0f3f6;font-weight:600;white-space:normal;vertical-align:bottom}td.l,th.l{text-align:left;white-space:normal}
tr.total td{font-weight:650;border-top:2px solid #c9ced4}
.note{font-size:12px;color:#59636e}.empty{color:#59636e;font-style:italic}
.heat{width:auto}.heat td{text-align:center;min-width:52px}.heat td.l,.heat th.l{text-align:left}
.scroll{overflow-x:auto}
@media print{body{background:#fff}main{padding:0}h2{break-after:avoid}svg,table{break-inside:avoid}}
"""


def _int(v: Any) -> str:
    return "–" if v is None else f"{int(v):,}".replace(",", "\u202f")


def _pct(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{100 * v:.{digits}f}\u202f%"


def _sec(v: float | None) -> str:
    if v is None:
        return "–"
    if v >= 90:
        m, s = divmod(round(v), 60)
        return f"{m}\u202fmin\u202f{s:02d}\u202fs"
    return f"{v:.1f}\u202fs" if v < 10 else f"{v:.0f}\u202fs"


def _num(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _table(head: list[str], rows: list[list[str]], left: int = 0, total: list[str] | None = None, cls: str = "") -> str:
    """Cells are escaped here; `left` first columns are left-aligned."""
    def cells(tag: str, values: list[str]) -> str:
        return "".join(f'<{tag}{" class=l dir=auto" if i < left else ""}>{escape(str(v))}</{tag}>' for i, v in enumerate(values))
    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    if total:
        body += f'<tr class="total">{cells("td", total)}</tr>'
    return f'<div class="scroll"><table class="{cls}"><thead><tr>{cells("th", head)}</tr></thead><tbody>{body}</tbody></table></div>'


def _tile(key: str, value: str, note: str = "", cls: str = "") -> str:
    n = f'<div class="n">{escape(note)}</div>' if note else ""
    return f'<div class="tile"><div class="k">{escape(key)}</div><div class="v {cls}">{escape(value)}</div>{n}</div>'


def _tiles(f: dict[str, Any]) -> str:
    s, t = f["summary"], f["report"]["targets"]
    sl = s["service_level"]
    sl_cls = "" if sl is None else ("good" if sl >= t["service_level"] else "bad")
    return '<div class="tiles">' + "".join([
        _tile("Calls offered", _int(s["offered"]), f"+ {_int(s['out_of_hours'])} out of hours"),
        _tile("Answered", _int(s["answered"]), _pct(s["answered"] / s["offered"]) + " of offered" if s["offered"] else ""),
        _tile("Abandoned", _int(s["abandoned"]), _pct(s["abandon_rate"]) + " of offered" if s["offered"] else ""),
        _tile("Service level", _pct(sl), f"target {_pct(t['service_level'], 0)} in {t['service_level_seconds']} s", sl_cls),
        _tile("Avg speed of answer", _sec(s["asa_seconds"])),
        _tile("Avg handle time", _sec(s["aht_seconds"])),
        _tile("Longest wait", _sec(s["max_wait_seconds"])),
        _tile("Agents on duty", _int(s["agents_on_duty"]), f"{_int(s['agent_hours_on_duty'])} agent-hours"),
        _tile("Agent-hours needed", _int(s["agent_hours_needed"]), f"{_int(s['hours_understaffed'])} hours short-staffed",
              "bad" if s["hours_understaffed"] else ""),
        _tile("Peak hour", s["peak_hour"] or "–", f"{_int(s['peak_offered'])} calls offered"),
        _tile("Questions", _int(s["questions"]), f"{_int(s['unmatched_questions'])} unmatched"),
    ]) + "</div>"


def _label_every(n: int) -> int:
    return 1 if n <= 25 else 2


def _hour_labels(hourly: list[dict]) -> list[str]:
    """Short x-axis labels ("08" for 08:00) so that 24 or 25 hours fit under the columns."""
    return [h["label"][:2] for h in hourly]


def _calls_chart(hourly: list[dict]) -> str:
    cats = _hour_labels(hourly)
    late = [h["answered"] - h["answered_in_target"] for h in hourly]
    return column_chart(
        cats,
        bars=[("answered in target", [h["answered_in_target"] for h in hourly], C_ANSWERED),
              ("answered late", late, C_LATE),
              ("abandoned", [h["abandoned"] for h in hourly], C_ABANDONED),
              ("out of hours", [h["out_of_hours"] for h in hourly], C_CLOSED)],
        title="Calls per hour (local hour of arrival)", y_label="calls", label_every=_label_every(len(cats)),
    )


def _agents_chart(hourly: list[dict]) -> str:
    cats = _hour_labels(hourly)
    return column_chart(
        cats,
        bars=[("agents on duty", [h["agents_on_duty"] for h in hourly], C_ON_DUTY)],
        lines=[("needed (Erlang C)", [h["raw_agents"] if h["offered"] else None for h in hourly], C_NEEDED, False),
               ("to schedule (after shrinkage)", [h["scheduled_agents"] if h["offered"] else None for h in hourly], C_SCHEDULED, True)],
        title="Agents on duty against agents needed, per hour", y_label="agents", label_every=_label_every(len(cats)),
    )


def _service_table(f: dict[str, Any]) -> str:
    head = ["hour", "offered", "answered", "of which transferred", "abandoned", "out of hours", "ASA", "AHT", "service level", "longest wait"]

    def row(label: str, h: dict) -> list[str]:
        return [label, _int(h["offered"]), _int(h["answered"]), _int(h["transferred"]), _int(h["abandoned"]),
                _int(h["out_of_hours"]), _sec(h["asa_seconds"]), _sec(h["aht_seconds"]), _pct(h["service_level"]),
                _sec(h["max_wait_seconds"])]
    rows = [row(h["label"], h) for h in f["hourly"] if h["offered"] or h["out_of_hours"]]
    return _table(head, rows, left=1, total=row("day", f["summary"])) + \
        '<p class="note">Hours without any call are left out. Offered = calls that reached the line in opening hours; ' \
        'service level = answered within the target / offered; ASA and AHT are averages over answered calls; ' \
        'the longest wait includes callers who gave up.</p>'


def _staffing_table(f: dict[str, Any]) -> str:
    t = f["report"]["targets"]
    head = ["hour", "offered", "AHT used", "traffic (Erlangs)", "agents needed", "to schedule", "on duty", "gap",
            "SL with needed", "ASA with needed", "occupancy"]
    rows = []
    for h in f["hourly"]:
        if not h["offered"]:
            continue
        aht = _sec(h["aht_used_seconds"]) + (" (day)" if h["aht_source"] == "day" else "")
        gap = h["staffing_gap"]
        rows.append([h["label"], _int(h["offered"]), aht, _num(h["traffic_erlangs"], 2), _int(h["raw_agents"]),
                     _int(h["scheduled_agents"]), _int(h["agents_on_duty"]),
                     "–" if gap is None else (f"{gap:+d}" if gap else "0"), _pct(h["staffed_service_level"]),
                     _sec(h["staffed_asa_seconds"]), _pct(h["staffed_occupancy"], 0)])
    occ = "no occupancy cap" if t["max_occupancy"] is None else f"occupancy at most {_pct(t['max_occupancy'], 0)}"
    note = (f'<p class="note">Erlang C on each hour\'s observed arrivals and average handle time: the smallest team answering '
            f'{escape(_pct(t["service_level"], 0))} of calls within {t["service_level_seconds"]} s, with {escape(occ)}; '
            f'"to schedule" adds {escape(_pct(t["shrinkage"], 0))} shrinkage (breaks, training, absence). '
            f'Gap = on duty − needed (negative: short-staffed). An hour where no call was answered uses the day\'s AHT.</p>')
    if not rows:
        return '<p class="empty">No call was offered in opening hours.</p>'
    return _table(head, rows, left=1) + note


def _mix(f: dict[str, Any]) -> str:
    fam, qs, langs = f["families"], f["questions"], f["languages"]
    if not fam:
        return '<p class="empty">No question was recorded.</p>'
    total = sum(r["questions"] for r in fam)
    parts = [bar_list([r["family"] for r in fam], [r["questions"] for r in fam], title="Questions per family",
                      fmt=lambda v: f"{_int(v)} ({100 * v / total:.0f}\u202f%)" if total else _int(v))]
    parts.append(_table(["family", "questions", "share", "calls with one or more"],
                        [[r["family"], _int(r["questions"]), _pct(r["share"]), _int(r["calls"])] for r in fam], left=1))
    if qs:
        parts.append(bar_list([r["question_id"] or "(unmatched)" for r in qs], [r["questions"] for r in qs],
                              title="Questions per catalog question", color="#4f8a8b", fmt=_int))
        parts.append(_table(["question", "family", "questions", "share", "calls"],
                            [[r["question_id"] or "(unmatched)", r["family"], _int(r["questions"]), _pct(r["share"]), _int(r["calls"])] for r in qs], left=2))
    if langs:
        parts.append(bar_list([r["language"] for r in langs], [r["questions"] for r in langs],
                              title="Questions per language", color="#6c757d", fmt=_int))
    return "\n".join(parts)


def _unmatched(f: dict[str, Any]) -> str:
    rows = f["unmatched"]
    if not rows:
        return '<p class="empty">Every question matched a catalog question.</p>'
    return _table(["question (scrubbed, grouped)", "times asked", "calls"],
                  [[r["example"], _int(r["count"]), _int(r["calls"])] for r in rows], left=1) + \
        '<p class="note">Texts grouped case-insensitively after whitespace clean-up; phone and ID numbers were redacted upstream. Candidates for new catalog questions.</p>'


def _adverse(f: dict[str, Any]) -> str:
    rows = f["adverse_effects"]
    if not rows:
        return '<p class="empty">No adverse effect was mentioned.</p>'
    counts = {(r["vaccine"], r["symptom"]): r["mentions"] for r in rows}
    vaccines = [v for v in VACCINES if any(k[0] == v for k in counts)] + sorted({k[0] for k in counts} - set(VACCINES))
    symptoms = [s for s in SYMPTOMS if any(k[1] == s for k in counts)] + sorted({k[1] for k in counts} - set(SYMPTOMS))
    vmax = max(counts.values())
    head = "".join(f"<th>{escape(s.replace('_', ' '))}</th>" for s in symptoms)
    body = []
    for v in vaccines:
        cells = []
        for s in symptoms:
            n = counts.get((v, s), 0)
            dark = n / vmax > 0.6 if vmax else False
            style = f'background:{heat_color(n, vmax)}' + (";color:#fff" if dark else "")
            cells.append(f'<td style="{style}">{escape(_int(n)) if n else ""}</td>')
        total = sum(counts.get((v, s), 0) for s in symptoms)
        body.append(f'<tr><td class="l">{escape(v)}</td>{"".join(cells)}<td><b>{escape(_int(total))}</b></td></tr>')
    totals = "".join(f"<td><b>{escape(_int(sum(counts.get((v, s), 0) for v in vaccines)))}</b></td>" for s in symptoms)
    body.append(f'<tr class="total"><td class="l">all vaccines</td>{totals}<td>{escape(_int(sum(counts.values())))}</td></tr>')
    return (f'<div class="scroll"><table class="heat"><thead><tr><th class="l">vaccine \\ symptom</th>{head}<th>all</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>'
            '<p class="note">Mentions of a symptom with a vaccine in adverse-effect questions (a caller may mention several symptoms).</p>')


def _alerts(f: dict[str, Any]) -> str:
    rows = f["alerts"]
    if not rows:
        return '<p class="empty">No spike alert for this day.</p>'
    return _table(["vaccine", "symptom", "observed", "baseline mean", "baseline sd", "statistic", "threshold", "method"],
                  [[r.get("vaccine", ""), r.get("symptom", ""), _int(r.get("observed")), _num(r.get("baseline_mean")),
                    _num(r.get("baseline_sd")), _num(r.get("statistic"), 2), _num(r.get("threshold"), 2), str(r.get("method", ""))]
                   for r in rows], left=2) + \
        '<p class="note">A vaccine × symptom count of the day well above what the previous days predict; statistic = ' \
        '(observed − baseline mean) / baseline sd for EARS C2, alert when above the threshold.</p>'


def render_html(f: dict[str, Any]) -> str:
    """The whole page as one string."""
    rep = f["report"]
    day = date.fromisoformat(rep["date"])
    title = f"Vaccination hotline — daily report {day.strftime('%A %d %B %Y')}"
    sub = (f"Local day {rep['date']} ({rep['timezone']}), i.e. {rep['utc_start']} to {rep['utc_end']} UTC. "
           f"Times below are local. Generated {rep['generated_at']}" + (f" from {rep['source']}." if rep["source"] else "."))
    sections = [
        ("Summary", _tiles(f)),
        ("Calls and agents per hour", _calls_chart(f["hourly"]) + _agents_chart(f["hourly"])),
        ("Service figures", _service_table(f)),
        ("Staffing (Erlang C)", _staffing_table(f)),
        ("Family and question mix", _mix(f)),
        ("Top unmatched questions", _unmatched(f)),
        ("Adverse effects by vaccine and symptom", _adverse(f)),
        ("Spike alerts", _alerts(f)),
    ]
    body = "\n".join(f"<section><h2>{escape(h)}</h2>\n{content}</section>" for h, content in sections)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n"
            f"<body><main><h1>{escape(title)}</h1><p class=\"sub\">{escape(sub)}</p>\n{body}\n</main></body></html>\n")
