"""`hotline simulate --kafka` on the real broker: every event acknowledged, consumed back exactly
once, identical to what `--out` writes for the same seed, keyed by call id; a re-run re-sends
the same event ids. Each test uses its own topic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.config import get_settings
from schemas.validation import parse_call_event

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["--days", "2", "--calls-per-day", "1500", "--agents", "10", "--seed", "17", "--start", "2021-06-11"]


def hotline(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOTLINE_MODE="test", HOTLINE_LOG_LEVEL="WARNING")
    return subprocess.run([sys.executable, "-m", "hotline", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture()
def topic() -> Iterator[str]:
    from kafka.admin import KafkaAdminClient, NewTopic

    s = get_settings()
    name = f"it-simulate-{uuid.uuid4().hex[:8]}"
    try:
        admin = KafkaAdminClient(bootstrap_servers=s.kafka_bootstrap.split(","), client_id=name, request_timeout_ms=10000)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Kafka is not reachable at {s.kafka_bootstrap} ({exc}); start it with `hotline infra up`")
    admin.create_topics([NewTopic(name, 3, 1)])
    yield name
    try:
        admin.delete_topics([name])
    finally:
        admin.close()


def consume_all(topic: str, expected: int, timeout: float = 60.0) -> list:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, bootstrap_servers=get_settings().kafka_bootstrap.split(","), auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None, consumer_timeout_ms=3000)
    records, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=1000, max_records=5000)
            for part in batch.values():
                records.extend(part)
            if len(records) >= expected and not batch:
                break  # one empty poll after reaching the count: nothing more is coming
    finally:
        consumer.close()
    return records


def test_simulate_to_kafka_consumes_back_exactly_the_same_events(topic: str, tmp_path: Path) -> None:
    sent = hotline("simulate", *ARGS, "--kafka", "--topic", topic)
    assert sent.returncode == 0, sent.stderr
    summary = json.loads(sent.stdout)
    assert summary["kafka"] == {"topic": topic, "sent": summary["calls"], "acknowledged": summary["calls"]}

    records = consume_all(topic, summary["calls"])
    assert len(records) == summary["calls"] > 3000
    events = [parse_call_event(r.value) for r in records]
    assert all(r.key.decode() == e.call.call_id for r, e in zip(records, events))
    assert len({e.event_id for e in events}) == len(events)

    # the file output of the same seed is the same set of records, byte for byte
    out = tmp_path / "calls.jsonl"
    written = hotline("simulate", *ARGS, "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert sorted(out.read_bytes().splitlines()) == sorted(r.value for r in records)

    # a re-run re-sends the same ids (downstream deduplicates by event_id)
    again = hotline("simulate", *ARGS, "--kafka", "--topic", topic)
    assert again.returncode == 0, again.stderr
    twice = consume_all(topic, 2 * summary["calls"])
    assert len(twice) == 2 * summary["calls"]
    assert {parse_call_event(r.value).event_id for r in twice} == {e.event_id for e in events}


def test_simulate_to_an_unreachable_broker_fails_without_claiming_success() -> None:
    env_args = ["simulate", "--days", "1", "--calls-per-day", "50", "--agents", "2", "--kafka"]
    env = dict(os.environ, HOTLINE_MODE="test", HOTLINE_KAFKA_BOOTSTRAP="127.0.0.1:1")
    done = subprocess.run([sys.executable, "-m", "hotline", *env_args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "hotline: error:" in done.stderr and '"kafka"' not in done.stdout
