"""EventProducer: the settings behind the guarantee, and no success for unacknowledged records."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from hotline.config import Settings
from hotline.errors import HotlineError
from producers import kafka_producer
from producers.kafka_producer import DeliveryReport, EventProducer, JsonProducer
from schemas.call import Call, CallEvent
from schemas.feed import SpikeAlert
from producer_fakes import FakeKafkaProducer


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeKafkaProducer]]:
    monkeypatch.setattr(kafka_producer, "KafkaProducer", FakeKafkaProducer)
    monkeypatch.setattr(FakeKafkaProducer, "instances", [])
    monkeypatch.setattr(FakeKafkaProducer, "fail_every", 0)
    monkeypatch.setattr(FakeKafkaProducer, "hold", False)
    monkeypatch.setattr(FakeKafkaProducer, "auto_ack", True)
    yield FakeKafkaProducer


def event(call_id: str) -> CallEvent:
    t = datetime(2021, 5, 3, 9, tzinfo=timezone.utc)
    return CallEvent(
        event_id=uuid.uuid4(), source="test", emitted_at=t,
        call=Call(call_id=call_id, site="s", queued_at=t, ended_at=t, disposition="abandoned"),
    )


SETTINGS = Settings(mode="test", topic_calls="calls.test")


def test_config_asks_for_all_replicas_idempotence_and_compression(fake) -> None:
    with EventProducer(SETTINGS) as producer:
        config = fake.instances[0].config
        assert config["acks"] == "all"
        assert config["enable_idempotence"] is True
        assert config["retries"] > 0 and config["max_in_flight_requests_per_connection"] <= 5
        assert config["compression_type"] == "gzip"
        assert config["linger_ms"] > 0 and config["batch_size"] >= 64 * 1024
        assert producer.topic == "calls.test"
    assert fake.instances[0].closed


def test_send_keys_by_call_id_and_writes_the_event_json(fake) -> None:
    with EventProducer(SETTINGS) as producer:
        e = event("c-1")
        producer.send(e)
        report = producer.flush()
    topic, key, value = fake.instances[0].sent[0]
    assert (topic, key) == ("calls.test", b"c-1")
    assert CallEvent.model_validate_json(value) == e
    assert (report.delivered, report.failed, report.ok) == (1, 0, True)


def test_failures_are_counted_and_make_the_command_fail(fake) -> None:
    fake.fail_every = 3
    with EventProducer(SETTINGS) as producer:
        for i in range(9):
            producer.send(event(f"c-{i}"))
        report = producer.flush()
    assert (report.delivered, report.failed) == (6, 3)
    assert len(report.errors) == 1 and "NotLeaderForPartitionError" in report.errors[0]  # the same error is kept once
    with pytest.raises(HotlineError, match="Kafka did not acknowledge 3 record"):
        report.raise_for_failures()


def test_unacknowledged_records_count_as_failed(fake) -> None:
    fake.hold = True
    with EventProducer(SETTINGS) as producer:
        producer.send(event("c-1"))
        producer.send(event("c-2"))
        report = producer.flush(timeout=0.1)
    assert (report.delivered, report.failed) == (0, 2)
    assert "not acknowledged within 0.1 s" in report.errors[0]


def test_flush_resets_the_counts(fake) -> None:
    with EventProducer(SETTINGS) as producer:
        producer.send(event("c-1"))
        assert producer.flush().delivered == 1
        assert producer.flush() == DeliveryReport()


def test_wait_checks_only_the_given_records(fake) -> None:
    fake.auto_ack = False
    producer = EventProducer(SETTINGS)
    mine = [producer.send(event("c-1")), producer.send(event("c-2"))]
    others = producer.send(event("c-3"))
    mine[0].resolve(None)
    mine[1].resolve(None)
    assert producer.wait(mine, timeout=0.1) == DeliveryReport(delivered=2)
    assert not others.is_done
    report = producer.wait([others, None], timeout=0.05)
    assert (report.delivered, report.failed) == (0, 2)
    producer.close(timeout=0.05)


def test_generic_json_producer_sends_any_model(fake) -> None:
    alert = SpikeAlert(
        alert_id="2021-05-03:pfizer:fever", local_date=datetime(2021, 5, 3).date(), vaccine="pfizer", symptom="fever",
        observed=9, baseline_mean=2, baseline_sd=1, statistic=7, threshold=3, method="ears_c2",
        published_at=datetime(2021, 5, 3, tzinfo=timezone.utc),
    )
    with JsonProducer(SETTINGS) as producer:
        producer.send_model("alerts.test", alert.alert_id, alert)
        assert producer.flush().ok
    topic, key, value = fake.instances[0].sent[0]
    assert (topic, key) == ("alerts.test", b"2021-05-03:pfizer:fever")
    assert json.loads(value)["observed"] == 9


def test_no_broker_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from kafka.errors import KafkaTimeoutError

    def refuse(**_: object) -> None:
        raise KafkaTimeoutError("Unable to bootstrap from ['127.0.0.1:1']")

    monkeypatch.setattr(kafka_producer, "KafkaProducer", refuse)
    with pytest.raises(HotlineError, match="cannot reach Kafka at 127.0.0.1:1 .*start it with `hotline infra up`"):
        EventProducer(Settings(mode="test", kafka_bootstrap="127.0.0.1:1"))


def test_compression_is_configured_not_guessed(fake) -> None:
    with EventProducer(Settings(mode="test", producer_compression="none")):
        assert fake.instances[-1].config["compression_type"] is None
    with pytest.raises(HotlineError, match="use one of gzip, lz4, zstd, none"):
        EventProducer(Settings(mode="test", producer_compression="brotli"))


def test_late_outcomes_after_a_timed_out_flush_are_not_counted_twice(fake) -> None:
    fake.hold = True
    producer = EventProducer(SETTINGS)
    late = producer.send(event("c-1"))
    assert producer.flush(timeout=0.05).failed == 1
    late.resolve(None)  # acknowledged after the command already counted it as failed
    assert producer.flush(timeout=0.05) == DeliveryReport()
    producer.send(event("c-2")).resolve(None)
    assert producer.flush(timeout=0.05) == DeliveryReport(delivered=1)
    producer.close(timeout=0.05)
