"""The worker on the real broker: invalid input is dead-lettered, the valid calls around it go on."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "streams"))
from streams_fakes import simulated  # noqa: E402
from worker_harness import Pipeline, day_total, latest_feed  # noqa: E402

from schemas.deadletter import DeadLetter  # noqa: E402
from schemas.enriched import EnrichedCall  # noqa: E402

pytestmark = pytest.mark.integration

BAD = [b"\xff\xfe\x00 not utf-8", b"{\"call\": ", b'{"schema_version": 1, "source": "x"}', b""]


def test_bad_records_go_to_the_dead_letter_topic(tmp_path, make_topic, unique_name, kafka_bootstrap):
    events, _ = simulated(calls=300, seed=11)
    pl = Pipeline(make_topic, unique_name, kafka_bootstrap)
    items = []
    for i, e in enumerate(events):
        items.append((e.call.call_id.encode(), e.model_dump_json().encode()))
        if i % 75 == 10:
            items.append((b"bad-%d" % i, BAD[(i // 75) % len(BAD)]))
    pl.produce(items)
    n_bad = len(items) - len(events)
    pl.start_worker(tmp_path)
    try:
        letters = pl.wait_for(lambda: (lambda d: d if len(d) >= n_bad else None)(pl.read("deadletter")), 45, "dead letters")
        feed = pl.wait_for(lambda: (lambda f: f if day_total(f) >= len(events) else None)(latest_feed(pl.read("feed"))),
                           30, "feed totals")
        enriched = pl.read("enriched")
    finally:
        codes = pl.stop_all(signal.SIGTERM)
    assert codes == [0], pl.log_text()
    sent_bad = {k: v for k, v in items if k.startswith(b"bad-")}
    got = [DeadLetter.model_validate_json(r.value) for r in letters]
    assert len(got) == n_bad
    for d in got:
        assert d.stage == "worker" and d.source_topic == pl.topics["calls"]
        assert d.original == sent_bad[d.key]  # the original bytes, unchanged
        assert d.kind in ("not_utf8", "not_json", "invalid") and d.reason
        assert d.source_partition is not None and d.source_offset is not None
    calls = [EnrichedCall.model_validate_json(r.value) for r in enriched]
    assert {c.event_id for c in calls} == {e.event_id for e in events}
    assert day_total(feed) == len(events)
    assert all(json.loads(r.value)["text"] for r in pl.read("unmatched"))


def test_poison_burst_stops_the_worker_without_committing(tmp_path, make_topic, unique_name, kafka_bootstrap):
    from kafka import KafkaConsumer, TopicPartition

    events, _ = simulated(calls=60, seed=12)
    pl = Pipeline(make_topic, unique_name, kafka_bootstrap, partitions=1)
    pl.produce([(e.call.call_id.encode(), e.model_dump_json().encode()) for e in events])
    pl.produce([(b"junk", b"<html>502 Bad Gateway</html>")] * 200)
    proc = pl.start_worker(tmp_path)
    try:
        code = proc.wait(60)
    finally:
        pl.stop_all(signal.SIGKILL)
    log = pl.log_text()
    assert code == 3, log
    assert "poison burst" in log and "HOTLINE_POISON_RATIO=1" in log
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=f"{pl.app_id}-calls", enable_auto_commit=False)
    committed = consumer.committed(TopicPartition(pl.topics["calls"], 0))
    consumer.close()
    assert committed is None or committed <= len(events)  # nothing of the burst is committed
    assert len(pl.read("deadletter")) == 0  # the batch that tripped was not sent either
