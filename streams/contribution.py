"""A call's contribution to the aggregates: the few fields the windows need, as a compact list.

The worker turns every valid call into one contribution. It travels (in batches) on the
internal contributions topic to the aggregator and is stored ONCE per event id in the
aggregator's changelogged table; the window aggregates are derived from the stored
contributions (docs/streams.md). A list serialises to ~150 bytes of JSON, so a day of calls
fits in memory and in a compacted changelog.

Layout (index: field):
    0 event_id (32 hex chars)   1 queued_at (epoch seconds, int)   2 source partition
    3 disposition               4 wait seconds                     5 handle seconds or null
    6 call language             7 region or null
    8 questions: [[family, question_id or null, language, vaccine or null, [symptoms...]], ...]
"""

from __future__ import annotations

from typing import Any

from schemas.enriched import EnrichedCall

Contribution = list[Any]

EVENT_ID, TIME, PARTITION, DISPOSITION, WAIT, HANDLE, LANGUAGE, REGION, QUESTIONS = range(9)


def contribution_of(call: EnrichedCall | dict[str, Any], partition: int) -> Contribution:
    """The aggregate-relevant part of an enriched call read from `partition` of the calls topic.

    `call` is the model or its dict form (what `Enricher.build` returns in the worker).
    """
    c = call.model_dump() if isinstance(call, EnrichedCall) else call
    handle = c["handle_seconds"]
    disposition = c["disposition"]
    return [
        c["event_id"].hex,
        int(c["queued_at"].timestamp()),
        partition,
        getattr(disposition, "value", disposition),
        round(c["wait_seconds"], 3),
        None if handle is None else round(handle, 3),
        c["language"],
        c["region"],
        [[q["family"], q["question_id"], q["language"], q["vaccine"], list(q["symptoms"])] for q in c["questions"]],
    ]
