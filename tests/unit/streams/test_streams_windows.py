"""Hour and local-day windows, including Morocco's Ramadan switch to UTC+0."""

from datetime import date, datetime, timezone

from streams.windows import HOUR, Calendar, hour_start


def ts(s: str) -> int:
    return int(datetime.fromisoformat(s).replace(tzinfo=timezone.utc).timestamp())


def test_hours_are_utc_hours():
    t = ts("2021-06-01T09:59:59")
    assert hour_start(t) == ts("2021-06-01T09:00:00")
    hour, _ = Calendar().windows(t)
    assert (hour.start, hour.end) == (ts("2021-06-01T09:00:00"), ts("2021-06-01T10:00:00"))
    assert hour.label == "hour:2021-06-01T09"


def test_summer_day_is_utc_plus_one():
    cal = Calendar("Africa/Casablanca")
    # 23:30 UTC on 31 May is 00:30 on 1 June in Casablanca (UTC+1).
    _, day = cal.windows(ts("2021-05-31T23:30:00"))
    assert day.local_date == date(2021, 6, 1)
    assert (day.start, day.end) == (ts("2021-05-31T23:00:00"), ts("2021-06-01T23:00:00"))
    assert day.label == "day:2021-05-31T23"
    hour, _ = cal.windows(ts("2021-05-31T23:30:00"))
    assert hour.local_date == date(2021, 6, 1)


def test_ramadan_2021_day_boundaries():
    cal = Calendar("Africa/Casablanca")
    # 11 April 2021: clocks go from UTC+1 to UTC+0 at 03:00 local -> a 25-hour day.
    d = cal.day(date(2021, 4, 11))
    assert (d.start, d.end) == (ts("2021-04-10T23:00:00"), ts("2021-04-12T00:00:00"))
    assert d.end - d.start == 25 * HOUR
    # During Ramadan local midnight is 00:00 UTC: 23:30 UTC is still the same local day ...
    assert cal.windows(ts("2021-04-20T23:30:00"))[1].local_date == date(2021, 4, 20)
    # ... whereas in summer it would already be the next day.
    assert cal.windows(ts("2021-06-20T23:30:00"))[1].local_date == date(2021, 6, 21)
    # 16 May 2021: back to UTC+1 at 02:00 local -> a 23-hour day.
    d = cal.day(date(2021, 5, 16))
    assert (d.start, d.end) == (ts("2021-05-16T00:00:00"), ts("2021-05-16T23:00:00"))


def test_every_hour_lies_in_one_day_across_the_switch():
    cal = Calendar()
    t = ts("2021-04-09T00:00:00")
    while t < ts("2021-05-18T00:00:00"):
        hour, day = cal.windows(t)
        assert day.start <= hour.start and hour.end <= day.end
        t += HOUR
