"""Producers against the real broker (`hotline infra up`): what is reported delivered is on Kafka."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka import KafkaConsumer

from hotline.cli import main
from hotline.config import Settings, get_settings
from producers.caller_hash import DEVELOPMENT_KEY, hash_caller
from producers.http_ingest import IngestServer
from producers.kafka_producer import EventProducer
from schemas.call import CallEvent, derive_event_id

pytestmark = pytest.mark.integration

CTR = Path(__file__).resolve().parents[1] / "data" / "ctr"


@pytest.fixture
def topic(make_topic: Callable[..., str]) -> str:
    """A fresh topic per test (shared fixture), so runs cannot see each other's records."""
    return make_topic("producers", partitions=3)


def consume(topic: str, expected: int, timeout_s: float = 20) -> list[tuple[bytes, CallEvent]]:
    consumer = KafkaConsumer(
        topic, bootstrap_servers=get_settings().kafka_bootstrap.split(","), group_id=None,
        auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=int(timeout_s * 1000),
    )
    out = []
    try:
        for message in consumer:
            out.append((message.key, CallEvent.model_validate_json(message.value)))
            if len(out) >= expected:
                break
    finally:
        consumer.close()
    return out


@pytest.fixture(autouse=True)
def _test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_MODE", "test")
    monkeypatch.delenv("HOTLINE_CALLER_HASH_KEY", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_produce_file_then_consume(topic: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "calls.jsonl"
    records = []
    for i in range(50):
        records.append(json.dumps({
            "source": "it", "emitted_at": "2021-05-03T09:03:01Z",
            "call": {"call_id": f"c-{i}", "site": "rabat-1", "caller_number": f"06123456{i:02d}",
                     "queued_at": "2021-05-03T09:00:00Z", "ended_at": "2021-05-03T09:01:00Z", "disposition": "abandoned"}}))
    records.insert(10, '{"source": "it", "emitted_at": "2021-05-03T09:03:01Z"')
    path.write_text("\n".join(records) + "\n")

    assert main(["produce", str(path), "--topic", topic]) == 2
    summary = json.loads(capsys.readouterr().out)
    assert summary == {"valid": 50, "invalid": 1, "delivered": 50, "failed": 0}

    got = consume(topic, 50)
    assert len(got) == 50
    assert {key for key, _ in got} == {f"c-{i}".encode() for i in range(50)}
    for key, event in got:
        assert event.call.call_id.encode() == key
        assert event.event_id == derive_event_id("it", event.call.call_id)
        assert event.call.caller_hash == hash_caller("06123456" + event.call.call_id[2:].zfill(2), DEVELOPMENT_KEY)
    assert json.loads((tmp_path / "calls.jsonl.rejects.jsonl").read_text())["line"] == 11


def test_connect_ctr_file_through_the_broker(topic: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ctr.jsonl"
    shutil.copy(CTR / "contact-records.jsonl", path)
    assert main(["produce", str(path), "--format", "connect-ctr", "--topic", topic]) == 2
    summary = json.loads(capsys.readouterr().out)
    assert summary == {"valid": 6, "invalid": 3, "delivered": 6, "failed": 0}
    got = consume(topic, 6)
    assert sorted(e.call.disposition.value for _, e in got) == ["abandoned", "answered", "answered", "answered", "out_of_hours", "transferred"]
    raw = b"".join(e.model_dump_json().encode() for _, e in got)
    assert b"612345678" not in raw


def test_http_ingest_acknowledged_events_are_on_the_topic(topic: str) -> None:
    settings = Settings(mode="test", topic_calls=topic)
    with EventProducer(settings) as producer:
        server = IngestServer(("127.0.0.1", 0), producer, DEVELOPMENT_KEY, settings.ingest_max_body_bytes)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
            conn.request("GET", "/healthz")
            health = conn.getresponse()
            assert health.status == 200, health.read()
            health.read()
            batch = [{"source": "http-it", "emitted_at": "2021-05-03T09:03:01Z",
                      "call": {"call_id": f"h-{i}", "site": "casa-1", "caller_number": "+212 6 00 00 00 0" + str(i),
                               "queued_at": "2021-05-03T09:00:00Z", "ended_at": "2021-05-03T09:01:00Z", "disposition": "abandoned"}}
                     for i in range(5)]
            conn.request("POST", "/v1/calls", body=json.dumps(batch), headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            body = json.loads(resp.read())
            assert resp.status == 202, body
            assert body["accepted"] == [str(derive_event_id("http-it", f"h-{i}")) for i in range(5)]
            conn.close()
        finally:
            server.shutdown()
            server.server_close()
    got = consume(topic, 5)
    assert sorted(str(e.event_id) for _, e in got) == sorted(body["accepted"])


def test_unreachable_broker_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"source": "it", "emitted_at": "2021-05-03T09:03:01Z",
                                "call": {"call_id": "c", "site": "s", "queued_at": "2021-05-03T09:00:00Z",
                                         "ended_at": "2021-05-03T09:01:00Z", "disposition": "abandoned"}}) + "\n")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HOTLINE_KAFKA_BOOTSTRAP", f"127.0.0.1:{port}")
    get_settings.cache_clear()
    assert main(["produce", str(path)]) == 1
    assert "cannot reach Kafka" in capsys.readouterr().err


def test_ingest_command_stops_cleanly_on_sigterm(topic: str) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOTLINE_MODE": "test", "HOTLINE_TOPIC_CALLS": topic}
    proc = subprocess.Popen([sys.executable, "-m", "hotline", "ingest", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                assert conn.getresponse().status == 200
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() is not None else "not listening"
                time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert "ingest.stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_records_the_broker_refuses_make_produce_exit_1(make_topic: Callable[..., str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The broker refuses batches over the topic's max.message.bytes: nothing may be reported delivered."""
    import random
    import string

    name = make_topic("producers_small", partitions=1, extra_config={"max.message.bytes": "2000"})
    rng = random.Random(7)
    noise = ["".join(rng.choice(string.ascii_letters) for _ in range(3000)) for _ in range(3)]  # incompressible
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({
        "source": "it", "emitted_at": "2021-05-03T09:03:01Z",
        "call": {"call_id": f"b-{i}", "site": "s", "agent_id": "a", "queued_at": "2021-05-03T09:00:00Z",
                 "answered_at": "2021-05-03T09:00:10Z", "ended_at": "2021-05-03T09:01:00Z", "disposition": "answered",
                 "transcript": [{"question": "q", "answer": text}]}}) + "\n" for i, text in enumerate(noise)))
    assert main(["produce", str(path), "--topic", name]) == 1
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["valid"] == 3 and summary["failed"] >= 1 and summary["delivered"] + summary["failed"] <= 3
    assert "Kafka did not acknowledge" in err
