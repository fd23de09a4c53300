"""Putting records on Kafka with a delivery check (kafka-python).

Success is only ever reported for records the broker acknowledged from all in-sync replicas:
every send is tracked, `flush()` waits for the acknowledgements and counts what failed, and
a command turns any failure into a non-zero exit (or an HTTP 503).

- `JsonProducer`: any pydantic record as JSON, for every stage that uses kafka-python
  (the sink's dead letters, tools, tests).
- `EventProducer`: call events on the calls topic, keyed by call id so that one call's
  events stay ordered on one partition.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaProducer
from kafka import codec as kafka_codec
from kafka.errors import KafkaError
from pydantic import BaseModel

from hotline.config import Settings, get_settings
from hotline.errors import HotlineError
from hotline.log import get_logger
from schemas.call import MAX_EVENT_BYTES, CallEvent

log = get_logger(__name__)

MAX_ERRORS_KEPT = 5
CODECS = {"gzip": kafka_codec.has_gzip, "lz4": kafka_codec.has_lz4, "zstd": kafka_codec.has_zstd, "none": lambda: True}


def compression_type(settings: Settings) -> str | None:
    """The configured codec (HOTLINE_PRODUCER_COMPRESSION).

    Chosen in configuration rather than by what happens to be importable: every consumer
    (kafka-python in the sink, aiokafka in the workers) must be able to decode it too.
    gzip needs no extra package anywhere.
    """
    name = settings.producer_compression.lower()
    if name not in CODECS:
        raise HotlineError(f"HOTLINE_PRODUCER_COMPRESSION={name!r}: use one of {', '.join(CODECS)}")
    if not CODECS[name]():
        raise HotlineError(f"HOTLINE_PRODUCER_COMPRESSION={name}: its Python package is not installed; install it or use gzip")
    return None if name == "none" else name


def producer_config(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """The producer settings behind the delivery guarantee; tests may shorten timeouts."""
    config: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap.split(","),
        "client_id": "hotline-producer",
        "acks": "all",  # every in-sync replica has the record before it counts as sent
        "enable_idempotence": True,  # broker drops the duplicates that retries would create
        "retries": 2**31 - 1,  # bounded by delivery_timeout_ms, not by a count
        "max_in_flight_requests_per_connection": 5,  # the most idempotence keeps ordered
        "delivery_timeout_ms": 30_000,  # after this an unacknowledged record is a failure
        "request_timeout_ms": 10_000,
        "max_block_ms": 15_000,  # send() waits this long for metadata or buffer space
        "bootstrap_timeout_ms": 10_000,  # first contact with the cluster, at construction
        "compression_type": compression_type(settings),
        "linger_ms": 20,  # gather ~20 ms of records per batch: far fewer requests
        "batch_size": 256 * 1024,
        "max_request_size": max(1_048_576, 2 * MAX_EVENT_BYTES),
    }
    config.update(overrides)
    return config


@dataclass
class DeliveryReport:
    """What the broker acknowledged since the last flush."""

    delivered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def add_error(self, message: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_ERRORS_KEPT and message not in self.errors:
            self.errors.append(message)

    def raise_for_failures(self) -> None:
        """Turn failures into the one-line error a command prints (exit 1)."""
        if self.failed:
            raise HotlineError(
                f"Kafka did not acknowledge {self.failed} record(s) ({self.delivered} delivered): "
                + "; ".join(self.errors)
                + ". Check the broker (`hotline infra status`) and send the input again; re-sent events keep their ids"
            )


def _explain(exc: BaseException, topic: str) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if "metadata" in str(exc).lower():
        text += f" (is the broker up, and does topic {topic!r} exist? `hotline infra up` creates the topics)"
    return text


class JsonProducer:
    """A kafka-python producer that tracks every record until the broker acknowledges it."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or get_settings()
        self.config = producer_config(self.settings, **overrides)
        try:
            self._producer = KafkaProducer(**self.config)
        except KafkaError as exc:  # kafka-python 3: KafkaTimeoutError "Unable to bootstrap from ..."
            raise HotlineError(
                f"cannot reach Kafka at {self.settings.kafka_bootstrap} ({exc}); start it with `hotline infra up` "
                "or set HOTLINE_KAFKA_BOOTSTRAP"
            ) from None
        self._lock = threading.Condition()
        self._report = DeliveryReport()
        self._pending = 0  # sent, outcome not known yet
        self._given_up = 0  # counted as failed by a flush that timed out; their late outcome is ignored
        self.last_failure_at: float | None = None

    # -- context manager -------------------------------------------------------------
    def __enter__(self) -> JsonProducer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, timeout: float = 10.0) -> None:
        """Flush what is buffered, then close (records not acknowledged by then were reported by flush)."""
        self._settled(time.monotonic() + timeout)
        for attempt_timeout in (timeout, 0):
            try:
                self._producer.close(timeout=attempt_timeout)
                return
            except KafkaError as exc:  # closing must not hide the command's own outcome
                log.warning("producer.close_failed", error=str(exc))

    # -- sending ---------------------------------------------------------------------
    def send_raw(self, topic: str, key: bytes | None, value: bytes) -> Any | None:
        """Send bytes as they are; returns the kafka-python future, or None if it failed at once."""
        with self._lock:
            self._pending += 1
        try:
            future = self._producer.send(topic, key=key, value=value)
        except KafkaError as exc:
            self._failed(_explain(exc, topic))
            return None
        future.add_callback(self._delivered)
        future.add_errback(lambda exc: self._failed(_explain(exc, topic)))
        return future

    def send_model(self, topic: str, key: bytes | str | None, record: BaseModel) -> Any | None:
        """Send any pydantic record as its JSON."""
        if isinstance(key, str):
            key = key.encode("utf-8")
        return self.send_raw(topic, key, record.model_dump_json().encode("utf-8"))

    def _outcome_known(self) -> bool:
        """Called under the lock; False when a flush already counted this record as failed."""
        if self._given_up:
            self._given_up -= 1
            return False
        self._pending -= 1
        if self._pending == 0:
            self._lock.notify_all()
        return True

    def _delivered(self, _metadata: Any) -> None:
        with self._lock:
            if self._outcome_known():
                self._report.delivered += 1

    def _failed(self, message: str) -> None:
        with self._lock:
            self.last_failure_at = time.monotonic()
            if self._outcome_known():
                self._report.add_error(message)
        log.error("producer.delivery_failed", error=message)

    def _settled(self, deadline: float) -> bool:
        """Wait until every sent record has an outcome (acknowledged or failed)."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout=max(0.0, deadline - time.monotonic()))

    def flush(self, timeout: float | None = None) -> DeliveryReport:
        """Wait for every acknowledgement; return (and reset) the counts since the last flush.

        A record still unacknowledged when `timeout` (default: the delivery timeout) runs out
        counts as failed: the caller must not report it as delivered.
        """
        if timeout is None:
            timeout = self.config["delivery_timeout_ms"] / 1000 + 5
        deadline = time.monotonic() + timeout
        try:
            self._producer.flush(timeout=timeout)
        except KafkaError as exc:  # a timeout, or kafka-python giving up on a split batch early
            log.warning("producer.flush_incomplete", error=str(exc))
        self._settled(deadline)  # our own count decides, whatever flush() said
        with self._lock:
            report, self._report = self._report, DeliveryReport()
            for _ in range(self._pending):
                report.add_error(f"not acknowledged within {timeout:g} s")
            self._given_up += self._pending
            self._pending = 0
        return report

    def wait(self, futures: list[Any | None], timeout: float | None = None) -> DeliveryReport:
        """Wait for these records only (other threads keep sending): the HTTP ingest's check."""
        if timeout is None:
            timeout = self.config["delivery_timeout_ms"] / 1000 + 5
        deadline = time.monotonic() + timeout
        report = DeliveryReport()
        for future in futures:
            if future is None:
                report.add_error("rejected by the producer before sending")
                continue
            try:
                future.get(timeout=max(0.0, deadline - time.monotonic()))
                report.delivered += 1
            except KafkaError as exc:
                report.add_error(f"{type(exc).__name__}: {exc}")
        return report

    def reachable(self, timeout: float = 2.0) -> bool:
        """True when a bootstrap broker accepts a connection and no delivery failed in the last 30 s."""
        if self.last_failure_at is not None and time.monotonic() - self.last_failure_at < 30:
            return False
        for server in self.config["bootstrap_servers"]:
            host, _, port = server.strip().rpartition(":")
            try:
                with socket.create_connection((host or "localhost", int(port or 9092)), timeout=timeout):
                    return True
            except OSError:
                continue
        return False


class EventProducer(JsonProducer):
    """Call events on the calls topic: key = call id bytes, value = the event's JSON."""

    def __init__(self, settings: Settings | None = None, topic: str | None = None, **overrides: Any) -> None:
        super().__init__(settings, **overrides)
        self.topic = topic or self.settings.topic_calls

    def __enter__(self) -> EventProducer:
        return self

    def send(self, event: CallEvent) -> Any | None:
        """Queue one event (asynchronous); `flush()` or `wait()` says whether it arrived."""
        return self.send_raw(self.topic, event.call.call_id.encode("utf-8"), event.model_dump_json().encode("utf-8"))
