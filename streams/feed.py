"""Ministry feed records of one window: cells with small counts suppressed, service figures.

A cell with fewer than `min_cell_size` calls is published with `suppressed=true` and no
counts (contract 2), so the ministry sees that the cell exists but never a count small enough
to point at a person. The service figures of a window with fewer calls than that are
suppressed the same way; their schema requires integer counts, so a suppressed record
carries 0 in every count and null in every average: consumers must ignore the figures of a
record whose `suppressed` is true.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from schemas.feed import FeedCell, ServiceFigures
from streams.windows import utc

if TYPE_CHECKING:
    from streams.aggregate import WindowAgg


def record_id(window_label: str, dimension: str, key: str) -> str:
    """`hour:2021-06-01T09:family:vaccination`: stable across revisions of the window."""
    return f"{window_label}:{dimension}:{key}"


def window_records(agg: WindowAgg, min_cell_size: int, catalog_version: str, service_level_seconds: float,
                   now: datetime) -> Iterator[FeedCell | ServiceFigures]:
    """Every record of the window, revision = the window's call count (see aggregate.py)."""
    w = agg.window
    label = w.label
    start, end = utc(w.start), utc(w.end)
    rev = agg.calls
    for (dimension, key), (calls, questions) in sorted(agg.cells.items()):
        small = calls < min_cell_size
        yield FeedCell(
            record_id=record_id(label, dimension, key), revision=rev, window=w.kind, window_start=start,
            window_end=end, local_date=w.local_date, dimension=dimension, key=key,
            calls=None if small else calls, questions=None if small else questions, suppressed=small,
            catalog_version=catalog_version, published_at=now,
        )
    yield service_figures(agg, min_cell_size, service_level_seconds, now)


def service_figures(agg: WindowAgg, min_cell_size: int, service_level_seconds: float, now: datetime) -> ServiceFigures:
    w = agg.window
    common = dict(
        record_id=record_id(w.label, "service", "all"), revision=agg.calls, window=w.kind,
        window_start=utc(w.start), window_end=utc(w.end), local_date=w.local_date,
        service_level_target_seconds=int(service_level_seconds), published_at=now,
    )
    if agg.calls < min_cell_size:
        return ServiceFigures(offered=0, answered=0, abandoned=0, transferred=0, out_of_hours=0, suppressed=True, **common)
    answered = agg.answered
    return ServiceFigures(
        offered=agg.offered, answered=answered, abandoned=agg.abandoned, transferred=agg.transferred,
        out_of_hours=agg.out_of_hours,
        asa_seconds=round(agg.wait_answered / answered, 3) if answered else None,
        aht_seconds=round(agg.handle_sum / agg.handle_n, 3) if agg.handle_n else None,
        service_level=round(agg.within_target / agg.offered, 4) if agg.offered else None,
        max_wait_seconds=agg.max_wait, **common,
    )
