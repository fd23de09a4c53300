"""Records of the ministry feed (aggregates only) and of the alerts topic.

Feed cells are counts over an event-time window. A cell with fewer calls than the configured
threshold is published with `suppressed=true` and no figures, so that the ministry never
receives a count small enough to point at a person (contract 2).

A window can be re-published when late events (within the grace period) change it: the
record keeps its `record_id` and gets a higher `revision`; consumers keep the highest.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from schemas.call import Strict, UtcDatetime

Dimension = Literal["total", "family", "question", "language", "region", "adverse_effect", "service"]


class FeedCell(Strict):
    """One aggregate cell: how many calls (and questions) fell in `dimension=key` in a window."""

    kind: Literal["cell"] = "cell"
    record_id: str = Field(description="window:window_start:dimension:key; stable across revisions.")
    revision: int = Field(1, ge=1)
    window: Literal["hour", "day"]
    window_start: UtcDatetime
    window_end: UtcDatetime
    local_date: date = Field(description="Day of window_start in the hotline's time zone (Africa/Casablanca).")
    dimension: Dimension
    key: str = Field(description="The value of the dimension: a family, question id, language, region, or vaccine:symptom.")
    calls: int | None = Field(None, ge=0, description="Calls in the cell; null when suppressed.")
    questions: int | None = Field(None, ge=0, description="Questions in the cell; null when suppressed.")
    suppressed: bool = False
    catalog_version: str
    published_at: UtcDatetime


class ServiceFigures(Strict):
    """Call-centre figures of one window (dimension `service`)."""

    kind: Literal["service"] = "service"
    record_id: str
    revision: int = Field(1, ge=1)
    window: Literal["hour", "day"]
    window_start: UtcDatetime
    window_end: UtcDatetime
    local_date: date
    offered: int = Field(ge=0, description="Calls that reached the line in opening hours.")
    answered: int = Field(ge=0)
    abandoned: int = Field(ge=0)
    transferred: int = Field(ge=0)
    out_of_hours: int = Field(ge=0)
    asa_seconds: float | None = Field(None, description="Average speed of answer of answered calls.")
    aht_seconds: float | None = Field(None, description="Average handle (talk) time of answered calls.")
    service_level: float | None = Field(None, ge=0, le=1, description="Answered within the target / offered.")
    service_level_target_seconds: int
    max_wait_seconds: float | None = None
    suppressed: bool = False
    published_at: UtcDatetime


class SpikeAlert(Strict):
    """An adverse-effect count above what recent days predict (see streams/spikes.py for the method)."""

    alert_id: str = Field(description="local_date:vaccine:symptom; stable if the day is re-evaluated.")
    revision: int = Field(1, ge=1)
    local_date: date
    vaccine: str
    symptom: str
    observed: int = Field(ge=0)
    baseline_mean: float
    baseline_sd: float
    statistic: float = Field(description="The method's test statistic (C2: (observed - mean) / sd).")
    threshold: float
    method: str = Field(description="e.g. ears_c2")
    published_at: UtcDatetime
