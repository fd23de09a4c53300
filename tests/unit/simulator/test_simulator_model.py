"""The hotline model: volume, opening hours, the queue, handle times, announcement days."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from producers.simulator.arrivals import CLOSE_HOUR, OPEN_HOUR, arrivals, day_window, hourly_rates
from producers.simulator.queue import ABANDONED, ANSWERED, TRANSFERRED, serve
from producers.simulator.simulate import summarize
from simulator_helpers import EVENT_DAY, MONDAY, run

TZ = ZoneInfo("Africa/Casablanca")


def local(dt):
    return dt.astimezone(TZ)


def in_opening_hours(dt) -> bool:
    t = local(dt)
    return t.weekday() < 6 and OPEN_HOUR <= t.hour < CLOSE_HOUR


def test_daily_open_hours_volume_is_poisson_around_the_requested_mean() -> None:
    n, days = 1000, 23  # 20 open days (Mon-Sat) and 3 Sundays
    items = run(days, n, agents=0, seed=5)  # no agents: no transcripts, just arrivals
    per_day = Counter(local(i.event.call.queued_at).date() for i in items if in_opening_hours(i.event.call.queued_at))
    open_days = [MONDAY + timedelta(days=d) for d in range(days) if (MONDAY + timedelta(days=d)).weekday() < 6]
    counts = [per_day[d] for d in open_days]
    assert len(counts) == 20
    mean = sum(counts) / len(counts)
    assert abs(mean - n) <= 3 * math.sqrt(n / len(counts)), (mean, counts)
    assert all(abs(c - n) <= 5 * math.sqrt(n) for c in counts), counts
    # the day-to-day spread is Poisson-like (variance ~ mean), not constant and not wild
    var = sum((c - mean) ** 2 for c in counts) / (len(counts) - 1)
    assert 0.3 * n < var < 2.5 * n, var


def test_sundays_and_nights_only_get_out_of_hours_calls(week) -> None:
    for item in week:
        call = item.event.call
        if in_opening_hours(call.queued_at):
            assert call.disposition.value != "out_of_hours"
        else:
            assert call.disposition.value == "out_of_hours", call
            assert call.agent_id is None and not call.transcript and call.answered_at is None
    sunday = [i for i in week if local(i.event.call.queued_at).weekday() == 6]
    assert sunday and all(i.event.call.disposition.value == "out_of_hours" for i in sunday)
    share = sum(1 for i in week if i.event.call.disposition.value == "out_of_hours") / len(week)
    assert 0.01 < share < 0.10


def test_no_call_is_answered_outside_opening_hours(week) -> None:
    answered = [i.event.call for i in week if i.event.call.answered_at is not None]
    assert len(answered) > 5000
    for call in answered:
        assert in_opening_hours(call.answered_at), call
        assert in_opening_hours(call.queued_at), call


def test_hourly_profile_has_a_morning_peak_and_an_after_lunch_bump(week) -> None:
    by_hour = Counter(local(i.event.call.queued_at).hour for i in week)
    assert max(range(OPEN_HOUR, CLOSE_HOUR), key=by_hour.__getitem__) in (10, 11)
    assert by_hour[14] > by_hour[13] and by_hour[10] > 1.5 * by_hour[8]


def test_opening_hours_follow_the_local_clock_through_ramadan_time() -> None:
    june, ramadan = day_window(date(2021, 6, 1), TZ), day_window(date(2021, 4, 20), TZ)
    assert june.opens - june.hour_starts[0] == OPEN_HOUR * 3600
    # Morocco ran on UTC+0 during Ramadan 2021, UTC+1 otherwise: 08:00 local moves in UTC
    assert (june.opens % 86400) / 3600 == 7 and (ramadan.opens % 86400) / 3600 == 8
    assert sum(hourly_rates(june, 1000)[OPEN_HOUR:CLOSE_HOUR]) == pytest.approx(1000)


def test_abandonment_and_waits_rise_when_agents_are_cut() -> None:
    full = summarize(run(2, 3000, 15, seed=21))
    cut = summarize(run(2, 3000, 8, seed=21))
    assert cut["abandonment_rate"] > full["abandonment_rate"] + 0.15, (full, cut)
    assert cut["asa_seconds"] > 3 * full["asa_seconds"]
    assert cut["service_level"] < full["service_level"]
    # the same callers arrive in both runs: only the outcome differs
    assert full["calls"] == cut["calls"] and full["out_of_hours"] == cut["out_of_hours"]
    assert 0.01 < full["abandonment_rate"] < 0.2


def test_average_handle_time_is_two_to_two_and_a_half_minutes() -> None:
    summary = summarize(run(2, 3000, 15, seed=22))
    assert 120 <= summary["aht_seconds"] <= 150, summary
    assert 1.7 < summary["questions_per_answered_call"] < 2.3


def test_queue_is_fifo_and_respects_patience() -> None:
    window = day_window(date(2021, 6, 1), TZ)
    rng = random.Random(3)
    times = arrivals(window, 3000, rng)
    outcomes = serve(window, times, [2] * len(times), 10, random.Random(4))
    answered = [(t, o) for t, o in zip(times, outcomes) if o.answered_at is not None]
    starts = [o.answered_at for _, o in answered]
    assert starts == sorted(starts), "callers must be taken in arrival order"
    busy: dict[int, float] = {}
    for t, o in sorted(answered, key=lambda p: p[1].answered_at):
        assert o.answered_at >= busy.get(o.agent, 0.0), "an agent took a call before finishing the previous one"
        busy[o.agent] = o.ended_at
    dispositions = Counter(o.disposition for o in outcomes)
    assert dispositions[ABANDONED] > 0 and dispositions[ANSWERED] > 0 and dispositions[TRANSFERRED] > 0


def test_without_agents_every_open_hours_caller_gives_up() -> None:
    window = day_window(date(2021, 6, 1), TZ)
    times = arrivals(window, 500, random.Random(1))
    outcomes = serve(window, times, [1] * len(times), 0, random.Random(2))
    assert {o.disposition for o in outcomes} == {ABANDONED, "out_of_hours"}
    assert all(t < o.ended_at <= window.closes for t, o in zip(times, outcomes) if o.disposition == ABANDONED)


def test_transferred_calls_carry_one_question_and_unanswered_calls_none(week) -> None:
    seen = Counter()
    for item in week:
        call = item.event.call
        seen[call.disposition.value] += 1
        if call.disposition.value == "transferred":
            assert len(call.transcript) == 1 and call.agent_id
        elif call.disposition.value == "answered":
            assert 1 <= len(call.transcript) <= 4 and call.agent_id
            assert len(item.labels) == len(call.transcript)
        else:
            assert not call.transcript and call.agent_id is None and not item.labels
    assert all(seen[d] > 0 for d in ("answered", "transferred", "abandoned", "out_of_hours")), seen
    assert seen["transferred"] < 0.06 * seen["answered"]


def test_turns_are_timed_inside_the_call(week) -> None:
    for item in week[:3000]:
        call = item.event.call
        times = [t.asked_at for t in call.transcript]
        assert times == sorted(times)
        assert all(call.answered_at <= t <= call.ended_at for t in times)


def test_event_day_multiplies_volume_and_shifts_the_mix(week) -> None:
    open_calls = Counter(local(i.event.call.queued_at).date() for i in week if in_opening_hours(i.event.call.queued_at))
    ordinary = [open_calls[MONDAY + timedelta(days=d)] for d in (0, 1, 2, 5)]  # Mon, Tue, Wed, Sat
    assert all(1300 < c < 1700 for c in ordinary), ordinary
    assert 2.2 * 1500 < open_calls[EVENT_DAY] < 2.8 * 1500
    assert 1300 < open_calls[EVENT_DAY + timedelta(days=1)] < 2.0 * 1500  # the effect decays next day

    def share(day: date, qid: str) -> float:
        labels = [lab for i in week if local(i.event.call.queued_at).date() == day for lab in i.labels]
        return sum(1 for lab in labels if lab.question_id == qid) / len(labels)

    assert share(EVENT_DAY, "vaccination.eligibility") > 2 * share(MONDAY, "vaccination.eligibility")


def test_adverse_event_day_raises_adverse_effect_questions_and_the_vaccine_in_the_news() -> None:
    day = date(2021, 6, 8)
    items = run(2, 1500, 10, seed=9, start=date(2021, 6, 7), event_days=[f"{day.isoformat()}:adverse"])
    by_day: dict[date, list] = {}
    for i in items:
        by_day.setdefault(local(i.event.call.queued_at).date(), []).extend(i.labels)

    def ae_share(d: date) -> float:
        return sum(1 for lab in by_day[d] if lab.family == "adverse_effects") / len(by_day[d])

    assert ae_share(day) > 2 * ae_share(date(2021, 6, 7))
    named = Counter(lab.vaccine for lab in by_day[day] if lab.family == "adverse_effects")
    assert named.most_common(1)[0][0] == "astrazeneca"
