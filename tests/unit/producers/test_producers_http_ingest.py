"""HTTP ingest: a real server on a free port (the Kafka client is the fake one)."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator

import pytest
from producer_fakes import FakeKafkaProducer

from hotline.config import Settings
from producers import kafka_producer
from producers.caller_hash import hash_caller
from producers.http_ingest import MAX_BATCH, IngestServer
from producers.kafka_producer import EventProducer
from schemas.call import CallEvent, derive_event_id

KEY = b"ingest-test-key-0123456789"
MAX_BODY = 200_000


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[IngestServer]:
    monkeypatch.setattr(kafka_producer, "KafkaProducer", FakeKafkaProducer)
    monkeypatch.setattr(FakeKafkaProducer, "instances", [])
    monkeypatch.setattr(FakeKafkaProducer, "fail_every", 0)
    monkeypatch.setattr(FakeKafkaProducer, "hold", False)
    producer = EventProducer(Settings(mode="test", topic_calls="calls.test"))
    srv = IngestServer(("127.0.0.1", 0), producer, KEY, MAX_BODY, ack_timeout=0.2)
    monkeypatch.setattr(producer, "reachable", lambda timeout=2.0: not FakeKafkaProducer.hold)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    producer.close(timeout=0.1)  # some tests leave records the fake broker never acknowledges


def request(srv: IngestServer, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=5)
    conn.request(method, path, body=body, headers=headers or {"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data), dict(resp.getheaders())


def sent() -> list[CallEvent]:
    return [CallEvent.model_validate_json(v) for _, _, v in FakeKafkaProducer.instances[0].sent]


def call(call_id: str, **extra: object) -> dict:
    record = {
        "source": "crm", "emitted_at": "2021-05-03T09:03:01Z",
        "call": {"call_id": call_id, "site": "rabat-1", "caller_number": "+212 612-345-678",
                 "queued_at": "2021-05-03T09:00:00Z", "ended_at": "2021-05-03T09:01:00Z", "disposition": "abandoned"},
    }
    record.update(extra)
    return record


def post(srv: IngestServer, payload: object) -> tuple[int, dict, dict]:
    return request(srv, "POST", "/v1/calls", json.dumps(payload).encode())


def test_one_event_is_accepted_after_the_ack(server: IngestServer) -> None:
    status, body, _ = post(server, call("c-1"))
    assert status == 202
    assert body == {"accepted": [str(derive_event_id("crm", "c-1"))]}
    (event,) = sent()
    assert event.call.caller_hash == hash_caller("0612345678", KEY)
    assert b"612345678" not in FakeKafkaProducer.instances[0].sent[0][2]


def test_a_batch_is_accepted_whole(server: IngestServer) -> None:
    status, body, _ = post(server, [call("c-1"), call("c-2", event_id="00000000-0000-4000-8000-000000000002")])
    assert status == 202
    assert body["accepted"][1] == "00000000-0000-4000-8000-000000000002"
    assert [e.call.call_id for e in sent()] == ["c-1", "c-2"]


def test_reposting_gives_the_same_event_id(server: IngestServer) -> None:
    first = post(server, call("c-1"))[1]
    again = post(server, call("c-1"))[1]
    assert first == again


def test_one_bad_record_rejects_the_whole_batch_with_field_errors(server: IngestServer) -> None:
    bad = call("c-2")
    bad["call"]["queued_at"] = "2021-05-03T09:00:00"
    bad["call"]["disposition"] = "hung_up"
    status, body, _ = post(server, [call("c-1"), bad, call("c-3")])
    assert status == 422
    assert body["accepted"] == [] and body["error"] == "1 of 3 event(s) are invalid; nothing was accepted"
    (rejected,) = body["rejected"]
    assert rejected["index"] == 1
    assert any(d.startswith("call.queued_at: needs a time zone") for d in rejected["details"])
    assert any(d.startswith("call.disposition: Input should be") for d in rejected["details"])
    assert FakeKafkaProducer.instances[0].sent == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"source": "crm", ', "body is not valid JSON"),
        (b"hello", "body is not valid JSON"),
        (b'{"source": "\xff"}', "body is not valid UTF-8"),
        (b"[]", "the batch is empty"),
        (b'"a string"', "body must be one event object or a JSON array"),
        (b'{"events": [{}]}', "send a batch as a bare JSON array"),
    ],
)
def test_malformed_bodies_get_400(server: IngestServer, body: bytes, expected: str) -> None:
    status, reply, _ = request(server, "POST", "/v1/calls", body)
    assert status == 400 and expected in reply["error"]


def test_oversized_body_gets_413_without_being_read(server: IngestServer) -> None:
    status, reply, _ = request(server, "POST", "/v1/calls", b"x" * (MAX_BODY + 1))
    assert status == 413 and "the limit is 200000 bytes" in reply["error"]


def test_too_many_events_get_413(server: IngestServer) -> None:
    status, reply, _ = request(server, "POST", "/v1/calls", b"[" + b",".join([b"{}"] * (MAX_BATCH + 1)) + b"]")
    assert status == 413 and f"the limit is {MAX_BATCH} per request" in reply["error"]


def test_kafka_not_acknowledging_gives_503_and_healthz_says_so(server: IngestServer) -> None:
    assert request(server, "GET", "/healthz")[0] == 200
    FakeKafkaProducer.hold = True
    status, body, headers = post(server, call("c-1"))
    assert status == 503 and body["accepted"] == [] and headers["Retry-After"] == "5"
    assert request(server, "GET", "/healthz")[0] == 503


def test_broker_refusing_gives_503(server: IngestServer) -> None:
    FakeKafkaProducer.fail_every = 2
    status, body, _ = post(server, [call("c-1"), call("c-2")])
    assert status == 503 and "did not acknowledge 1 of 2" in body["error"]


def test_unknown_paths_get_404(server: IngestServer) -> None:
    assert request(server, "GET", "/v1/calls")[0] == 404
    assert request(server, "POST", "/calls", b"{}")[0] == 404


def test_a_body_without_length_gets_411(server: IngestServer) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5) as sock:
        sock.sendall(b"POST /v1/calls HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        reply = sock.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 411") and "Content-Length" in reply
