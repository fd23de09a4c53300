"""Erlang C staffing: the published reference case, textbook values, edge cases, the CLI."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from hotline.cli import main
from hotline.errors import HotlineError
from sinks.staffing import erlang_b, erlang_c, required_agents, scheduled_agents


def erlang_c_direct(n: int, a: int) -> float:
    """The textbook closed form, in exact rational arithmetic (independent of the recursion)."""
    a = Fraction(a)
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    bottom = sum(a**k / math.factorial(k) for k in range(n)) + top
    return float(top / bottom)


def test_published_reference_case():
    # 100 calls in 30 min, AHT 3 min, 80 % in 20 s, occupancy <= 85 %, shrinkage 30 % -> 14 raw, 20 scheduled
    r = required_agents(100, 30 * 60, 3 * 60, 20, 0.8, max_occupancy=0.85, shrinkage=0.3)
    assert (r.raw_agents, r.scheduled_agents) == (14, 20)
    assert r.traffic_erlangs == pytest.approx(10.0)
    assert r.service_level == pytest.approx(0.8884, abs=1e-4)
    assert r.asa_seconds == pytest.approx(7.84, abs=0.01)
    assert r.occupancy == pytest.approx(10 / 14)
    assert r.limited_by == "service_level"
    # 13 agents would miss the target, barely: the reference is not off by one
    assert required_agents(100, 1800, 180, 20, 0.795).raw_agents == 13


@pytest.mark.parametrize("n,published", [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741), (15, 0.1020)])
def test_probability_of_waiting_a10(n, published):
    # Erlang C table for A = 10 Erlangs
    assert erlang_c(n, 10) == pytest.approx(published, abs=5e-5)
    assert erlang_c(n, 10) == pytest.approx(erlang_c_direct(n, 10), rel=1e-12)


def test_no_overflow_for_large_teams():
    # 3000 Erlangs: factorials would overflow floats; the recursion does not
    assert 0 < erlang_b(3000, 2900.0) < 1
    r = required_agents(36000, 3600, 300, 20, 0.8)
    assert r.traffic_erlangs == pytest.approx(3000)
    assert 3000 < r.raw_agents < 3100
    assert r.service_level >= 0.8
    assert math.isfinite(r.asa_seconds)


def test_monotone_in_calls():
    previous = 0
    for calls in range(0, 2000, 37):
        n = required_agents(calls, 3600, 200, 20, 0.8, 0.85, 0.3).raw_agents
        assert n >= previous
        previous = n


def test_minimal_team_meets_target_and_one_less_does_not():
    for calls in (1, 7, 55, 240, 999):
        r = required_agents(calls, 3600, 180, 20, 0.9)
        assert r.service_level >= 0.9
        if r.raw_agents - 1 > r.traffic_erlangs:
            pw = erlang_c(r.raw_agents - 1, r.traffic_erlangs)
            sl = 1 - pw * math.exp(-(r.raw_agents - 1 - r.traffic_erlangs) * 20 / 180)
            assert sl < 0.9


def test_occupancy_cap_can_set_the_answer():
    r = required_agents(100, 1800, 180, 20, 0.5, max_occupancy=0.5)
    assert r.raw_agents == 20 and r.limited_by == "occupancy" and r.occupancy == pytest.approx(0.5)


def test_zero_calls_need_no_agent():
    r = required_agents(0, 3600, 180, 20, 0.8, 0.85, 0.3)
    assert (r.raw_agents, r.scheduled_agents, r.service_level, r.limited_by) == (0, 0, 1.0, "no_calls")


def test_shrinkage_rounding():
    assert scheduled_agents(14, 0.3) == 20  # 14 / 0.7 is 20.000000000000004 in floats
    assert scheduled_agents(15, 0.3) == 22
    assert scheduled_agents(7, 0.0) == 7


@pytest.mark.parametrize("kwargs,needle", [
    ({"calls": -1}, "calls"),
    ({"interval_seconds": 0}, "interval"),
    ({"aht_seconds": 0}, "handle time"),
    ({"target_seconds": -5}, "target"),
    ({"service_level": 1.0}, "service level"),
    ({"service_level": 80}, "service level"),
    ({"max_occupancy": 1.5}, "occupancy"),
    ({"shrinkage": 1.0}, "shrinkage"),
    ({"calls": float("nan")}, "calls"),
])
def test_invalid_inputs_are_clear_errors(kwargs, needle):
    args = {"calls": 100, "interval_seconds": 1800, "aht_seconds": 180, "target_seconds": 20, "service_level": 0.8}
    args.update(kwargs)
    with pytest.raises(HotlineError, match=needle):
        required_agents(**args)


def test_absurd_volume_is_refused():
    with pytest.raises(HotlineError, match="check the units"):
        required_agents(1e9, 60, 3600, 20, 0.8)


REFERENCE_ARGS = ["staffing", "--calls", "100", "--interval-minutes", "30", "--aht-minutes", "3",
                  "--target-seconds", "20", "--service-level", "80%", "--max-occupancy", "0.85", "--shrinkage", "30%"]


def test_cli_text(capsys):
    assert main(REFERENCE_ARGS) == 0
    out = capsys.readouterr().out
    assert "raw agents:         14" in out
    assert "scheduled agents:   20" in out
    assert "88.8%" in out


def test_cli_json(capsys):
    assert main(REFERENCE_ARGS + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["raw_agents"] == 14 and data["scheduled_agents"] == 20
    assert data["service_level_target"] == 0.8 and data["shrinkage"] == 0.3


def test_cli_refuses_ambiguous_share(capsys):
    with pytest.raises(SystemExit) as exc:
        main([*REFERENCE_ARGS[:10], "80"])
    assert exc.value.code == 2
    assert "0.8 or 80%" in capsys.readouterr().err


def test_cli_bad_input_is_one_line(capsys):
    assert main(["staffing", "--calls", "10", "--interval-minutes", "0", "--aht-minutes", "3",
                 "--target-seconds", "20", "--service-level", "0.8"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hotline: error: staffing:") and err.count("\n") == 1
