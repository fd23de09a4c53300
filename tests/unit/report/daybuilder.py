"""A small, seeded day of enriched calls; the sink's batch of them; and the report's figures computed in
plain Python from the calls (independently of the SQL), to check the report against.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from schemas.call import Disposition
from schemas.enriched import EnrichedCall, EnrichedQuestion
from schemas.feed import SpikeAlert
from sinks.rows import LocalClock, parse_alert, parse_call
from sinks.sink import Batch

TZ = "Africa/Casablanca"
QUESTIONS = {
    "vaccination": ["vaccination.registration", "vaccination.appointment", "vaccination.second_dose"],
    "general": ["general.certificate", "general.vaccine_cost"],
    "adverse_effects": ["adverse_effects.common", "adverse_effects.severe"],
}
UNMATCHED = ["Wach kayn chi taxi l centre", "wach  KAYN chi taxi l centre ", "واش نقدر نسافر", "est-ce que je peux voyager"]
VACCINES = ["sinopharm", "astrazeneca", "pfizer"]
SYMPTOMS = ["fever", "headache", "injection_site", "fatigue"]


def build_day(day: date, n_calls: int = 300, seed: int = 7, agents: int = 8) -> list[EnrichedCall]:
    """Calls queued across the local day; the line is open 08:00-18:00 local."""
    rng = random.Random(seed)
    zone = ZoneInfo(TZ)
    start = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone).astimezone(timezone.utc)
    span = int((end - start).total_seconds())
    calls = []
    for i in range(n_calls):
        # Most calls in opening hours, a few outside; the last second of the day is included.
        queued = start + timedelta(seconds=rng.randrange(span))
        local_hour = queued.astimezone(zone).hour
        if not 8 <= local_hour < 18 and rng.random() < 0.7:
            queued = datetime.combine(day, datetime.min.time(), zone).replace(hour=rng.randrange(8, 18), minute=rng.randrange(60),
                                                                           second=rng.randrange(60)).astimezone(timezone.utc)
            local_hour = queued.astimezone(zone).hour
        if i == 0:
            queued = end - timedelta(seconds=1)  # edge: 23:59:59 local
            local_hour = 23
        wait = round(rng.uniform(0, 90), 1)
        if not 8 <= local_hour < 18:
            disp, answered_at, agent, handle = Disposition.out_of_hours, None, None, None
            ended = queued + timedelta(seconds=round(rng.uniform(10, 30), 1))
            wait = (ended - queued).total_seconds()
        elif rng.random() < 0.12:
            disp, answered_at, agent, handle = Disposition.abandoned, None, None, None
            ended = queued + timedelta(seconds=wait)
        else:
            disp = Disposition.transferred if rng.random() < 0.05 else Disposition.answered
            answered_at = queued + timedelta(seconds=wait)
            handle = round(rng.uniform(40, 400), 1)
            ended = answered_at + timedelta(seconds=handle)
            agent = f"agent-{rng.randrange(agents):02d}"
        questions = []
        if answered_at is not None:
            for seq in range(rng.randrange(1, 4)):
                family = rng.choice(["vaccination", "vaccination", "general", "adverse_effects", "other"])
                if family == "other":
                    questions.append(EnrichedQuestion(seq=seq, question=rng.choice(UNMATCHED), family="other", question_id=None,
                                                      language=rng.choice(["ary", "fr"]), confidence=0.1))
                    continue
                qid = rng.choice(QUESTIONS[family])
                vaccine, symptoms = None, ()
                if family == "adverse_effects":
                    vaccine = rng.choice(VACCINES)
                    symptoms = tuple(sorted(rng.sample(SYMPTOMS, rng.randrange(1, 3))))
                questions.append(EnrichedQuestion(seq=seq, question=f"question {qid} {i}", family=family, question_id=qid,
                                                  language=rng.choice(["fr", "ary", "ar", "ary-Latn"]), confidence=0.9,
                                                  vaccine=vaccine, symptoms=symptoms))
        calls.append(EnrichedCall(
            event_id=uuid.UUID(int=rng.getrandbits(128)), source="test", call_id=f"c{i}", line="allo-liqah", site="rabat",
            agent_id=agent, caller_hash=None, region=None, language="fr", queued_at=queued, answered_at=answered_at,
            ended_at=ended, disposition=disp, wait_seconds=wait, handle_seconds=handle, questions=tuple(questions),
            catalog_version="test", processed_at=ended,
        ))
    return calls


def _local(t: datetime) -> datetime:
    return t.astimezone(ZoneInfo(TZ))


def sink_batch(calls: list[EnrichedCall], alerts: list[SpikeAlert] = ()) -> Batch:
    """The sink's own batch of these records, parsed from their JSON as if read from Kafka."""
    clock = LocalClock(TZ)
    batch = Batch()
    for n, c in enumerate(calls):
        rec = parse_call(c.model_dump_json().encode(), 0, n, clock)
        batch.calls[(rec.call.event_id,)] = rec
    for n, a in enumerate(alerts):
        rec = parse_alert(a.model_dump_json().encode(), 0, n)
        batch.alerts[(a.alert_id, a.revision)] = rec
    return batch


def sql_literal(v: object) -> str:
    """A ClickHouse VALUES literal (chdb takes SQL text, not Python columns)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, datetime):
        return "'" + v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S") + "'"
    if isinstance(v, (date, uuid.UUID)):
        return f"'{v}'"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(sql_literal(x) for x in v) + "]"
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    s = str(v).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{s}'"


class ChdbStore:
    """The sink's Store interface on chdb: same row building, inserts as SQL text."""

    def __init__(self, run, database: str) -> None:  # noqa: ANN001 - run(sql) -> rows
        self.run, self.database = run, database

    def existing(self, table, keys, dates) -> set:  # noqa: ANN001
        return set()

    def insert(self, table, columns) -> None:  # noqa: ANN001
        names, data = columns
        rows = zip(*data)
        values = ",\n".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in rows)
        self.run(f"INSERT INTO {self.database}.{table.name} ({', '.join(names)}) VALUES\n{values}")


def _hour_key(t: datetime) -> str:
    return t.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0).isoformat().replace("+00:00", "Z")


def assert_figures_match(f: dict, exp: dict) -> None:
    """The report's figures equal those computed from the events (times to float32 precision)."""
    import pytest

    s = f["summary"]
    for k in ("offered", "answered", "abandoned", "out_of_hours"):
        assert s[k] == exp[k], k
    assert s["asa_seconds"] == pytest.approx(exp["asa_seconds"], rel=1e-5, abs=1e-4)
    assert s["aht_seconds"] == pytest.approx(exp["aht_seconds"], rel=1e-5)
    assert s["agents_on_duty"] == exp["day_agents"]
    by_hour = {h["hour_utc"]: h for h in f["hourly"]}
    assert set(exp["hourly"]) <= set(by_hour)
    for hour, e in exp["hourly"].items():
        got = by_hour[hour]
        for k in ("offered", "answered", "abandoned", "transferred", "out_of_hours", "answered_in_target"):
            assert got[k] == e.get(k, 0), (hour, k)
        for k in ("asa_seconds", "aht_seconds"):
            if e[k] is None:
                assert got[k] is None, (hour, k)
            else:
                assert got[k] == pytest.approx(e[k], rel=1e-5, abs=1e-4), (hour, k)
    for h in f["hourly"]:
        assert h["agents_on_duty"] == exp["agents"].get(h["hour_utc"], 0), h["hour_utc"]
        if h["hour_utc"] not in exp["hourly"]:
            assert h["offered"] == h["out_of_hours"] == 0, h["hour_utc"]
    assert {r["family"]: r["questions"] for r in f["families"]} == exp["families"]
    assert {r["family"]: r["calls"] for r in f["families"]} == exp["family_calls"]
    assert {(r["vaccine"], r["symptom"]): r["mentions"] for r in f["adverse_effects"]} == exp["adverse"]


def expected_figures(calls: list[EnrichedCall], day: date, target_seconds: int = 20) -> dict:
    """Hourly and daily figures straight from the calls; hours keyed by their UTC start
    ('2021-06-01T08:00:00Z', as `hour_utc` in the figures: unique even on a 25-hour day)."""
    zone = ZoneInfo(TZ)
    mine = [c for c in calls if _local(c.queued_at).date() == day]
    hourly: dict[str, dict] = defaultdict(lambda: Counter())
    waits: dict[str, list[float]] = defaultdict(list)
    handles: dict[str, list[float]] = defaultdict(list)
    agents: dict[str, set] = defaultdict(set)
    for c in mine:
        h = _hour_key(c.queued_at)
        d = c.disposition.value
        row = hourly[h]
        if d == "out_of_hours":
            row["out_of_hours"] += 1
            continue
        row["offered"] += 1
        if d in ("answered", "transferred"):
            row["answered"] += 1
            row["answered_in_target"] += c.wait_seconds <= target_seconds
            waits[h].append(c.wait_seconds)
            handles[h].append(c.handle_seconds)
        if d == "transferred":
            row["transferred"] += 1
        if d == "abandoned":
            row["abandoned"] += 1
    for c in calls:
        if c.answered_at is not None and c.agent_id and _local(c.answered_at).date() == day:
            agents[_hour_key(c.answered_at)].add(c.agent_id)
    all_waits = [w for ws in waits.values() for w in ws]
    all_handles = [x for xs in handles.values() for x in xs]
    family_questions = Counter(q.family for c in mine for q in c.questions)
    family_calls = Counter(f for c in mine for f in {q.family for q in c.questions})
    adverse = Counter((q.vaccine or "unknown", s) for c in mine for q in c.questions for s in q.symptoms)
    return {
        "hourly": {h: {**row, "asa_seconds": sum(waits[h]) / len(waits[h]) if waits[h] else None,
                       "aht_seconds": sum(handles[h]) / len(handles[h]) if handles[h] else None}
                   for h, row in hourly.items()},
        "agents": {h: len(a) for h, a in agents.items()},
        "day_agents": len(set().union(*agents.values())) if agents else 0,
        "offered": sum(r["offered"] for r in hourly.values()),
        "answered": sum(r["answered"] for r in hourly.values()),
        "abandoned": sum(r["abandoned"] for r in hourly.values()),
        "out_of_hours": sum(r["out_of_hours"] for r in hourly.values()),
        "asa_seconds": sum(all_waits) / len(all_waits) if all_waits else None,
        "aht_seconds": sum(all_handles) / len(all_handles) if all_handles else None,
        "families": dict(family_questions),
        "family_calls": dict(family_calls),
        "adverse": dict(adverse),
        "zone": str(zone),
    }


def enriched_from_simulated(item) -> EnrichedCall:  # noqa: ANN001 - producers.simulator.simulate.SimulatedCall
    """The simulator's event with its true labels standing in for the classifier (the report
    is under test here, not the classifier)."""
    from schemas.enriched import LANGUAGES

    call = item.event.call
    questions = tuple(
        EnrichedQuestion(seq=i, question=turn.question, answer=turn.answer, topic_tag=turn.topic_tag, family=label.family,
                         question_id=label.question_id, language=label.language, confidence=1.0,
                         vaccine=label.vaccine if label.family == "adverse_effects" else None,
                         symptoms=tuple(label.symptoms) if label.family == "adverse_effects" else ())
        for i, (turn, label) in enumerate(zip(call.transcript, item.labels))
    )
    return EnrichedCall(
        event_id=item.event.event_id, source=item.event.source, call_id=call.call_id, line=call.line, site=call.site,
        agent_id=call.agent_id, caller_hash=call.caller_hash, region=call.region,
        language=call.language if call.language in LANGUAGES else "und", queued_at=call.queued_at,
        answered_at=call.answered_at, ended_at=call.ended_at, disposition=call.disposition,
        wait_seconds=call.wait_seconds, handle_seconds=call.handle_seconds, questions=questions,
        catalog_version="simulated", processed_at=call.ended_at,
    )
