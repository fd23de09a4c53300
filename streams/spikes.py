"""Adverse-effect spike detection: CDC EARS C2 on daily counts per vaccine x symptom.

EARS C2 ("C2-medium", Hutwagner et al. 2003; the `earsC(method="C2")` of R's surveillance
package) compares today's count x_t with a baseline of the 7 days t-9 .. t-3: the two days
just before t are skipped ("lag 2") so that the first days of an outbreak do not inflate the
baseline that should reveal it.

    C2_t = (x_t - mean(baseline)) / max(sd(baseline), sd_floor)      (sd: sample, n-1)

An alert is raised when C2_t > threshold (3, the EARS default) and x_t >= min_count.

The floor keeps a flat baseline (sd = 0, e.g. seven days of 0 or of 2) from turning any
single extra call into an infinite statistic; the minimum count does the same for rare pairs
and, being at least the feed's minimum cell size, keeps the alert (which carries the count)
from publishing a small number. A day is evaluated only when all 7 baseline days have data
(the hotline was running); days with calls but no mention of a pair count as 0 for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from schemas.feed import SpikeAlert

METHOD = "ears_c2"


@dataclass(frozen=True)
class SpikeParams:
    threshold: float = 3.0
    sd_floor: float = 1.0
    min_count: int = 5
    baseline_days: int = 7
    lag_days: int = 2


@dataclass(frozen=True)
class C2:
    observed: int
    mean: float
    sd: float
    statistic: float
    alert: bool


def ears_c2(observed: int, baseline: Sequence[int], params: SpikeParams = SpikeParams()) -> C2:
    """The C2 statistic of `observed` against its (already lagged) baseline counts."""
    n = len(baseline)
    if n < 2:
        raise ValueError("EARS C2 needs at least two baseline days")
    mean = sum(baseline) / n
    sd = math.sqrt(sum((b - mean) ** 2 for b in baseline) / (n - 1))
    stat = (observed - mean) / max(sd, params.sd_floor)
    return C2(observed, mean, sd, stat, stat > params.threshold and observed >= params.min_count)


def baseline_dates(d: date, params: SpikeParams = SpikeParams()) -> list[date]:
    """The baseline days of day d, oldest first: d-9 .. d-3 with the defaults."""
    last = d - timedelta(days=params.lag_days + 1)
    return [last - timedelta(days=i) for i in range(params.baseline_days - 1, -1, -1)]


def alerts_for_day(
    d: date,
    revision: int,
    counts: Mapping[str, int],
    history: Callable[[date], Mapping[str, int] | None],
    params: SpikeParams,
    min_cell_size: int,
    now: datetime,
) -> list[SpikeAlert]:
    """Alerts for local day d from its `vaccine:symptom` counts and the earlier days' counts.

    `history(day)` returns a day's counts, or None when there is no data for that day (then
    nothing is evaluated). `revision` is the day's call count at evaluation (see aggregate.py).
    """
    days = [history(b) for b in baseline_dates(d, params)]
    if any(h is None for h in days):
        return []
    floor = max(params.min_count, min_cell_size)
    out = []
    for pair in sorted(counts):
        x = counts[pair]
        if x < floor:
            continue
        r = ears_c2(x, [h.get(pair, 0) for h in days if h is not None], params)
        if r.alert:
            vaccine, _, symptom = pair.partition(":")
            out.append(SpikeAlert(
                alert_id=f"{d.isoformat()}:{pair}", revision=revision, local_date=d, vaccine=vaccine,
                symptom=symptom, observed=x, baseline_mean=round(r.mean, 4), baseline_sd=round(r.sd, 4),
                statistic=round(r.statistic, 4), threshold=params.threshold, method=METHOD, published_at=now,
            ))
    return out
