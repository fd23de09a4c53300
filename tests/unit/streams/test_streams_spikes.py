"""EARS C2 against hand-computed values and the method's reference behaviour."""

from datetime import date, datetime, timezone

import pytest

from streams.spikes import SpikeParams, alerts_for_day, baseline_dates, ears_c2

NOW = datetime(2021, 6, 20, tzinfo=timezone.utc)


def test_c2_hand_computed():
    # baseline 4,6,5,7,5,6,4: mean 37/7 = 5.285714, sample sd = sqrt(7.428571/6) = 1.112697
    base = [4, 6, 5, 7, 5, 6, 4]
    r = ears_c2(9, base)
    assert r.mean == pytest.approx(5.285714, abs=1e-6)
    assert r.sd == pytest.approx(1.112697, abs=1e-6)
    assert r.statistic == pytest.approx((9 - 37 / 7) / 1.112697, abs=1e-5)  # 3.338
    assert r.alert
    r8 = ears_c2(8, base)
    assert r8.statistic == pytest.approx(2.439, abs=1e-3) and not r8.alert


def test_threshold_is_strict_and_min_count_applies():
    base = [0, 2, 0, 2, 0, 2, 0]  # mean 6/7, sd 1.069
    r = ears_c2(4, base)
    assert r.statistic == pytest.approx((4 - 6 / 7) / 1.0690450, abs=1e-5)  # 2.94 < 3
    assert not r.alert
    r = ears_c2(5, base)  # 3.876 > 3 and 5 >= min_count
    assert r.alert
    assert not ears_c2(4, base, SpikeParams(threshold=2.0, min_count=5)).alert  # above 2 sd, but only 4 calls


def test_flat_baseline_uses_the_sd_floor():
    r = ears_c2(6, [2] * 7)  # sd 0: the floor (1 call) keeps the statistic finite
    assert r.sd == 0 and r.statistic == pytest.approx(4.0)
    assert r.alert
    assert ears_c2(4, [2] * 7).statistic == pytest.approx(2.0)


def test_baseline_is_seven_days_lagged_by_two():
    days = baseline_dates(date(2021, 6, 10))
    assert days[0] == date(2021, 6, 1) and days[-1] == date(2021, 6, 7) and len(days) == 7


def history_of(counts: dict[date, int], pair: str = "sinopharm:fever"):
    return lambda d: {pair: counts[d]} if d in counts else None


def test_the_two_days_before_do_not_mask_a_growing_outbreak():
    # the outbreak starts on 8 June; with a lag of 2 its first days stay out of 10 June's
    # baseline, so 10 June still alerts (C1, with no lag, would have absorbed them)
    counts = {date(2021, 6, d): n for d, n in zip(range(1, 11), [3, 4, 3, 5, 4, 3, 4, 15, 20, 25])}
    alerts = alerts_for_day(date(2021, 6, 10), 100, {"sinopharm:fever": 25}, history_of(counts),
                            SpikeParams(), 5, NOW)
    assert len(alerts) == 1
    a = alerts[0]
    assert a.alert_id == "2021-06-10:sinopharm:fever" and a.vaccine == "sinopharm" and a.symptom == "fever"
    assert a.baseline_mean == pytest.approx(26 / 7, abs=1e-4) and a.revision == 100
    c1_like = ears_c2(25, [counts[date(2021, 6, d)] for d in range(3, 10)])  # unlagged baseline 3..9 June
    assert c1_like.statistic < a.statistic


def test_no_alert_without_a_complete_baseline_or_below_the_cell_size():
    counts = {date(2021, 6, d): 1 for d in range(3, 8)}  # 1-2 June missing
    assert alerts_for_day(date(2021, 6, 10), 9, {"sinopharm:fever": 40}, history_of(counts), SpikeParams(), 5, NOW) == []
    full = {date(2021, 6, d): 0 for d in range(1, 8)}
    # 4 calls over a zero baseline is 4 sd, but fewer than the feed's minimum cell size (5)
    assert alerts_for_day(date(2021, 6, 10), 9, {"sinopharm:fever": 4}, history_of(full), SpikeParams(min_count=1), 5, NOW) == []
    # a day with calls but no mention of the pair counts as 0
    got = alerts_for_day(date(2021, 6, 10), 9, {"sinopharm:fever": 5}, lambda d: {} if d in full else None, SpikeParams(), 5, NOW)
    assert [a.observed for a in got] == [5]
