"""The poison-burst guard."""

import pytest

from streams.deadletter import PoisonBurst, PoisonGuard


def test_needs_enough_records_before_tripping():
    g = PoisonGuard(0.5, 1000)
    for _ in range(99):
        g.observe(False)
    assert not g.tripped  # 99 bad of 99, but fewer than 100 seen
    g.observe(False)
    assert g.tripped


def test_ratio_over_the_sliding_window():
    g = PoisonGuard(0.5, 10, min_seen=10)
    for ok in [True] * 5 + [False] * 5:
        g.observe(ok)
    assert g.bad == 5 and not g.tripped  # exactly half is not more than half
    g.observe(False)  # window now: 4 good, 6 bad
    assert g.bad == 6 and g.tripped
    for _ in range(10):
        g.observe(True)
    assert g.bad == 0 and not g.tripped


def test_isolated_bad_records_never_trip():
    g = PoisonGuard(0.5, 1000)
    for i in range(10_000):
        g.observe(i % 3 != 0)  # a third invalid
    assert not g.tripped and g.bad == pytest.approx(333, abs=1)


def test_error_is_a_hotline_error_with_its_own_exit_code():
    g = PoisonGuard(0.5, 100)
    for _ in range(100):
        g.observe(False)
    err = g.error("topic hotline.calls")
    assert isinstance(err, PoisonBurst) and err.exit_code == 3
    assert "100 of the last 100" in str(err) and "HOTLINE_POISON_RATIO=1" in str(err)
