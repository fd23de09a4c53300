"""A simulated hotline, day by day: arrivals, the agent queue, then one event per call.

Determinism: every day draws from its own `random.Random` streams seeded by (seed, date,
purpose), so the same seed gives byte-identical output, and re-running one day alone
(`--start DAY --days 1`) gives the same calls with the same ids as inside a longer run
(downstream deduplicates re-sent events by `event_id`). Times come from the model, never
from the clock; `emitted_at` is the end of the call.

Events are built from trusted values without re-validation (`_trusted`, what pydantic's
`model_construct` does minus its per-field bookkeeping) because the simulator must outrun
the pipeline it feeds; the tests validate every generated event with
`schemas.validation.parse_call_event` and check that it round-trips to an equal object.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from hotline.config import get_settings
from hotline.errors import HotlineError
from hotline.log import get_logger
from producers.simulator import mix
from producers.simulator.arrivals import arrivals, day_window
from producers.simulator.mix import Weighted
from producers.simulator.queue import ABANDONED, ANSWERED, OUT_OF_HOURS, TRANSFERRED, serve
from producers.simulator.templates import QUESTIONS as TEMPLATES
from producers.simulator.transcripts import QuestionLabel, TranscriptWriter
from schemas.call import SCHEMA_VERSION, Call, CallEvent, Disposition, Turn, derive_event_id

log = get_logger(__name__)
M = TypeVar("M", Turn, Call, CallEvent)

SOURCE = "simulator"
DEFAULT_START = date(2021, 6, 1)  # a Tuesday in the middle of the 2021 campaign
_DISPOSITIONS = {d.value: d for d in Disposition}
_MASK64 = (1 << 64) - 1
GREETING_MIN, GREETING_EXTRA = 4.0, 10.0  # seconds before the caller's first question


class SimulatedCall(NamedTuple):
    """One event and the truth behind each of its questions (labels are never in the event)."""

    event: CallEvent
    labels: tuple[QuestionLabel, ...]


def parse_event_days(values: Iterable[date | str]) -> dict[date, str]:
    """`YYYY-MM-DD` or `YYYY-MM-DD:kind` (kinds: eligibility, pass, adverse) -> {day: kind}."""
    out: dict[date, str] = {}
    for value in values:
        if isinstance(value, date):
            out[value] = mix.DEFAULT_EVENT_KIND
            continue
        day_text, _, kind = str(value).partition(":")
        kind = kind or mix.DEFAULT_EVENT_KIND
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise HotlineError(f"event day {value!r} is not a date; write YYYY-MM-DD or YYYY-MM-DD:kind") from None
        if kind not in mix.EVENT_KINDS:
            raise HotlineError(f"event day {value!r}: unknown kind {kind!r}; use one of {', '.join(mix.EVENT_KINDS)}")
        out[day] = kind
    return out


def simulated_question_ids() -> list[str]:
    """Active catalog questions that have simulator templates (others are skipped, with a warning)."""
    from schemas.catalog import load_catalog

    active = [q.id for q in load_catalog().active()]
    missing = [qid for qid in active if qid not in TEMPLATES]
    if missing:
        log.warning("simulate.questions_without_templates", skipped=",".join(missing),
                    note="add templates in producers/simulator/templates to simulate them")
    return [qid for qid in active if qid in TEMPLATES]


def _mix64(x: int) -> int:
    """splitmix64 finaliser: a stable pseudo-random 64-bit value for (seed, caller index)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


_set = object.__setattr__


def _trusted(cls: type[M], values: dict[str, Any]) -> M:
    """A model instance from values already known to be valid, with every field given."""
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(round(t * 1000) / 1000, timezone.utc)  # whole milliseconds


def _agent_ids(agents: int) -> list[tuple[str, str]]:
    """(agent id, site) of each agent: sites get their share of the pool by largest remainder."""
    shares = {site: agents * w for site, w in mix.SITES.items()}
    counts = {site: int(s) for site, s in shares.items()}
    for site in sorted(shares, key=lambda s: (counts[s] - shares[s], s))[: agents - sum(counts.values())]:
        counts[site] += 1
    return [(f"{site}-ag{i + 1:03d}", site) for site, n in counts.items() for i in range(n)]


def _validate(days: int, calls_per_day: float, agents: int, pii_share: float) -> None:
    if days < 1:
        raise HotlineError(f"--days must be at least 1 (got {days})")
    if calls_per_day < 0:
        raise HotlineError(f"--calls-per-day cannot be negative (got {calls_per_day})")
    if agents < 0:
        raise HotlineError(f"--agents cannot be negative (got {agents})")
    if not 0 <= pii_share <= 1:
        raise HotlineError(f"--pii-share must be between 0 and 1 (got {pii_share})")


def simulate_labelled(days: int, calls_per_day: float, agents: int, seed: int, start: date | None = None,
                      event_days: Iterable[date | str] = (), pii_share: float = 0.05,
                      caller_key: bytes | None = None) -> Iterator[SimulatedCall]:
    """The simulated calls in order of `queued_at`, each with the truth behind its questions."""
    from producers.caller_hash import caller_key as configured_key
    from producers.caller_hash import hash_caller

    _validate(days, calls_per_day, agents, pii_share)
    settings = get_settings()
    key = caller_key if caller_key is not None else configured_key(settings)
    tz = ZoneInfo(settings.timezone)
    start = start or DEFAULT_START
    events = parse_event_days(event_days)
    question_ids = simulated_question_ids()
    writer = TranscriptWriter(question_ids)
    staff = _agent_ids(agents)
    languages = Weighted(mix.LANGUAGE_WEIGHTS)
    regions = Weighted(mix.REGION_WEIGHTS)
    sites = Weighted(mix.SITES)
    n_questions = Weighted(mix.QUESTIONS_PER_CALL)
    pool = max(1000, int(calls_per_day * mix.REPEAT_CALLER_POOL))
    seed_mix = _mix64(seed & _MASK64)
    profiles: dict[int, tuple[str | None, str | None]] = {}  # caller index -> (caller hash, region)

    for d in range(days):
        day = start + timedelta(days=d)
        kind, strength = events.get(day), 1.0
        if kind is None and (day - timedelta(days=1)) in events:
            kind = events[day - timedelta(days=1)]
            strength = mix.EVENT_KINDS[kind].decay
        window = day_window(day, tz)
        stem = f"hotline-sim:{seed}:{day.isoformat()}"
        times = arrivals(window, calls_per_day * mix.day_volume(kind, strength), random.Random(stem + ":arrivals"))

        # Who calls: drawn for every arrival, before and independently of the queue.
        rc = random.Random(stem + ":callers")
        callers = [int(rc.random() * pool) for _ in times]
        wanted = [n_questions.pick(rc) for _ in times]
        outcomes = serve(window, times, wanted, agents, random.Random(stem + ":queue"))

        qmix = Weighted(mix.day_mix(question_ids, kind, strength))
        vaccines = Weighted(mix.vaccine_weights(kind, strength))
        rt = random.Random(stem + ":text")
        pii_draw = random.Random(stem + ":pii").random
        # The ids name everything the day's calls depend on, so a re-run of the same scenario
        # re-sends the same event ids (counted once downstream) while another scenario of the
        # same seed and day (other volume, staffing, announcement) is other calls, not a re-send.
        scenario = hashlib.sha256(f"{calls_per_day}:{agents}:{kind}:{strength}:{pii_share}".encode()).hexdigest()[:6]
        day_tag = f"{scenario}-{day.strftime('%Y%m%d')}"

        for i, (t, outcome) in enumerate(zip(times, outcomes)):
            caller = callers[i]
            profile = profiles.get(caller)
            if profile is None:  # a caller's number and region are fixed by (seed, caller index)
                h = _mix64(seed_mix ^ caller)
                number = None if (h & 0xFFFF) < mix.WITHHELD_NUMBER_SHARE * 0x10000 else f"+212{6 + (h >> 16) % 2}{(h >> 17) % 100_000_000:08d}"
                region = None if ((h >> 48) & 0xFFFF) < mix.UNKNOWN_REGION_SHARE * 0x10000 else regions.at((h >> 32 & 0xFFFF) / 0x10000)
                profile = profiles[caller] = (hash_caller(number, key), region)
            caller_hash, region = profile
            call_id = f"sim{seed}-{day_tag}-{i:05d}"
            disposition = outcome.disposition
            turns: list[Turn] = []
            labels: tuple[QuestionLabel, ...] = ()
            language = None
            agent_id = None
            if disposition in (ANSWERED, TRANSFERRED):
                agent_id, site = staff[outcome.agent]
                language = languages.pick(rt)
                n = 1 if disposition == TRANSFERRED else wanted[i]
                qids = _draw_questions(qmix, n, rt)
                produced = writer.turns(rt, qids, language, region or "Casablanca-Settat", pii_draw() < pii_share, vaccines)
                greet = GREETING_MIN + rt.random() * GREETING_EXTRA
                talk = outcome.ended_at - outcome.answered_at
                step = max(talk - greet, 1.0) / n
                for k, (question, answer, tag, _) in enumerate(produced):
                    turns.append(_trusted(Turn, {"question": question, "answer": answer, "topic_tag": tag,
                                                 "asked_at": _utc(min(outcome.answered_at + greet + k * step, outcome.ended_at))}))
                labels = tuple(p[3] for p in produced)
                if rt.random() < mix.UNTAGGED_SHARE:
                    language = None
            else:
                site = sites.pick(rt)
            ended = _utc(outcome.ended_at)
            call = _trusted(Call, {
                "call_id": call_id, "line": mix.LINE, "site": site, "agent_id": agent_id, "region": region,
                "language": language, "queued_at": _utc(t),
                "answered_at": _utc(outcome.answered_at) if outcome.answered_at is not None else None,
                "ended_at": ended, "disposition": _DISPOSITIONS[disposition], "transcript": turns,
                "caller_hash": caller_hash,
            })
            event = _trusted(CallEvent, {"schema_version": SCHEMA_VERSION, "source": SOURCE, "emitted_at": ended,
                                         "event_id": derive_event_id(SOURCE, call_id), "call": call})
            yield SimulatedCall(event, labels)


def _draw_questions(qmix: Weighted, n: int, rng: random.Random) -> list[str | None]:
    """n distinct questions (an off-catalog question may come once) by the day's weights."""
    out: list[str | None] = []
    for _ in range(n * 4):
        q = qmix.pick(rng)
        if q not in out:
            out.append(q)
            if len(out) == n:
                break
    return out


def simulate(days: int, calls_per_day: float, agents: int, seed: int, start: date | None = None,
             event_days: Iterable[date | str] = (), pii_share: float = 0.05,
             caller_key: bytes | None = None) -> Iterator[CallEvent]:
    """The simulated call events, in order of `queued_at` (a generator: memory of one day at most).

    `caller_key` is the HMAC key of the caller hashes; by default the configured one.
    """
    for item in simulate_labelled(days, calls_per_day, agents, seed, start, event_days, pii_share, caller_key):
        yield item.event


def summarize(items: Iterable[CallEvent | SimulatedCall]) -> dict:
    """Service figures of a run; question families are included when the items carry labels."""
    settings = get_settings()
    tz = ZoneInfo(settings.timezone)
    dispositions: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    families: Counter[str] = Counter()
    per_day: Counter[str] = Counter()
    waits = handles = 0.0
    answered_within = questions = labelled = 0
    for item in items:
        labels = item.labels if isinstance(item, SimulatedCall) else None
        call = (item.event if isinstance(item, SimulatedCall) else item).call
        disposition = call.disposition.value
        dispositions[disposition] += 1
        per_day[call.queued_at.astimezone(tz).date().isoformat()] += 1
        if call.answered_at is not None:
            wait = (call.answered_at - call.queued_at).total_seconds()
            waits += wait
            handles += (call.ended_at - call.answered_at).total_seconds()
            answered_within += wait <= settings.service_level_seconds
            languages[call.language or "untagged"] += 1
            questions += len(call.transcript)
        if labels is not None:
            labelled += 1
            for label in labels:
                families[label.family] += 1
    calls = sum(dispositions.values())
    taken = dispositions[ANSWERED] + dispositions[TRANSFERRED]
    offered = calls - dispositions[OUT_OF_HOURS]
    summary = {
        "calls": calls,
        "answered": dispositions[ANSWERED],
        "transferred": dispositions[TRANSFERRED],
        "abandoned": dispositions[ABANDONED],
        "out_of_hours": dispositions[OUT_OF_HOURS],
        "abandonment_rate": round(dispositions[ABANDONED] / offered, 4) if offered else 0.0,
        "asa_seconds": round(waits / taken, 1) if taken else None,
        "aht_seconds": round(handles / taken, 1) if taken else None,
        "service_level": round(answered_within / offered, 4) if offered else None,
        "service_level_seconds": settings.service_level_seconds,
        "questions": questions,
        "questions_per_answered_call": round(questions / taken, 2) if taken else None,
        "calls_per_language": dict(sorted(languages.items())),
        "calls_per_day": dict(sorted(per_day.items())),
    }
    if labelled:
        summary["questions_per_family"] = dict(sorted(families.items()))
    return summary
