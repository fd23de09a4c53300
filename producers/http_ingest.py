"""`hotline ingest`: the HTTP endpoint call-centre systems post completed calls to.

`POST /v1/calls` takes one event object or a JSON array of them. A batch is all or nothing:
if any record is invalid, none is sent and the 422 lists every bad record by index, so the
integrator fixes and re-posts the whole batch (ids are stable, so a re-post is harmless). The
202 is sent only after Kafka acknowledged every record; otherwise 503 and the client retries.

The standard library's ThreadingHTTPServer is used rather than aiohttp: kafka-python is a
blocking client and the request has to wait for the broker's acknowledgement, which a thread
per request does naturally; in aiohttp every wait would have to go through an executor.
"""

from __future__ import annotations

import json
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hotline.config import Settings, get_settings
from hotline.errors import HotlineError
from hotline.log import Progress, get_logger
from schemas.call import CallEvent
from schemas.validation import InvalidRecord, parse_submission

from producers.edge import to_event

log = get_logger(__name__)

MAX_BATCH = 1000
ACK_TIMEOUT_SECONDS = 15.0
RETRY_AFTER_SECONDS = 5


class InvalidBatch(InvalidRecord):
    """Some events of a request are invalid; `records` says which (by index) and why."""

    def __init__(self, records: list[dict[str, Any]], total: int) -> None:
        super().__init__("invalid", f"{len(records)} of {total} event(s) are invalid; nothing was accepted")
        self.records = records


class IngestServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], producer: Any, key: bytes, max_body_bytes: int, ack_timeout: float = ACK_TIMEOUT_SECONDS) -> None:
        super().__init__(address, IngestHandler)
        self.producer, self.key, self.max_body_bytes, self.ack_timeout = producer, key, max_body_bytes, ack_timeout
        self.progress = Progress(log, "ingest", every=10.0)
        self._lock = threading.Condition()
        self._in_flight = 0

    def count(self, accepted: int) -> None:
        with self._lock:
            self.progress.add(accepted)

    def begin(self) -> None:
        with self._lock:
            self._in_flight += 1

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._lock.notify_all()

    def drain(self, timeout: float) -> bool:
        """After shutdown(): let the posts being handled get their acks and their answer."""
        with self._lock:
            return self._lock.wait_for(lambda: self._in_flight == 0, timeout=timeout)


def validate_body(body: bytes, key: bytes) -> list[CallEvent]:
    """The events of a request body (callers hashed), or InvalidRecord saying what is wrong.

    Raises InvalidRecord: kind not_json/not_utf8 -> 400, kind too_large -> 413, and
    InvalidBatch -> 422 with every invalid event's index, reason and field errors.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRecord("not_utf8", f"body is not valid UTF-8 (at byte offset {exc.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidRecord("not_json", f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if isinstance(value, dict) and set(value) == {"events"}:
        raise InvalidRecord("not_json", 'send a batch as a bare JSON array of events, not wrapped in {"events": ...}')
    is_batch = isinstance(value, list)
    items = value if is_batch else [value]
    if is_batch and not items:
        raise InvalidRecord("not_json", "the batch is empty; send at least one event")
    if not isinstance(value, (list, dict)):
        raise InvalidRecord("not_json", "body must be one event object or a JSON array of event objects")
    if len(items) > MAX_BATCH:
        raise InvalidRecord("too_large", f"the batch has {len(items)} events; the limit is {MAX_BATCH} per request")
    events, errors = [], []
    for index, item in enumerate(items):
        try:
            events.append(to_event(parse_submission(json.dumps(item, ensure_ascii=False).encode("utf-8")), key))
        except InvalidRecord as exc:
            errors.append({"index": index, "kind": exc.kind, "reason": exc.reason, "details": exc.details})
    if errors:
        raise InvalidBatch(errors, len(items))
    return events


class IngestHandler(BaseHTTPRequestHandler):
    server: IngestServer
    protocol_version = "HTTP/1.1"
    server_version = "hotline-ingest/1"
    timeout = 60  # idle keep-alive connections are closed, so their threads end

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("ingest.request", line=format % args)

    def _reply(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        data = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path.split("?")[0] != "/healthz":
            self._reply(HTTPStatus.NOT_FOUND, {"error": "not found; the endpoints are POST /v1/calls and GET /healthz"})
            return
        if self.server.producer.reachable():
            self._reply(HTTPStatus.OK, {"status": "ok", "kafka": "reachable"})
        else:
            self._reply(HTTPStatus.SERVICE_UNAVAILABLE, {"status": "unavailable", "kafka": "unreachable or failing to acknowledge"},
                        {"Retry-After": str(RETRY_AFTER_SECONDS)})

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self.server.begin()
        try:
            self._post()
        finally:
            self.server.end()

    def _post(self) -> None:
        if self.path.split("?")[0] != "/v1/calls":
            self._reply(HTTPStatus.NOT_FOUND, {"error": "not found; post calls to /v1/calls"})
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._reply(HTTPStatus.LENGTH_REQUIRED, {"error": "send a Content-Length header (chunked bodies are not accepted)"})
            return
        if int(length) > self.server.max_body_bytes:
            self.close_connection = True  # the body is not read: drop the connection after replying
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        {"error": f"body is {length} bytes; the limit is {self.server.max_body_bytes} bytes (HOTLINE_INGEST_MAX_BODY_BYTES); split the batch"})
            return
        body = self.rfile.read(int(length))
        try:
            events = validate_body(body, self.server.key)
        except InvalidRecord as exc:
            if isinstance(exc, InvalidBatch):
                self._reply(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": exc.reason, "rejected": exc.records, "accepted": []})
            elif exc.kind == "too_large":
                self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": exc.reason})
            else:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": exc.reason})
            return
        futures = [self.server.producer.send(event) for event in events]
        report = self.server.producer.wait(futures, timeout=self.server.ack_timeout)
        if not report.ok:
            log.error("ingest.not_acknowledged", events=len(events), failed=report.failed, errors=report.errors)
            self._reply(HTTPStatus.SERVICE_UNAVAILABLE,
                        {"error": f"Kafka did not acknowledge {report.failed} of {len(events)} event(s); post the same body again",
                         "accepted": []}, {"Retry-After": str(RETRY_AFTER_SECONDS)})
            return
        self.server.count(len(events))
        self._reply(HTTPStatus.ACCEPTED, {"accepted": [str(e.event_id) for e in events]})


def serve(host: str | None, port: int | None, settings: Settings | None = None) -> int:
    """Run until Ctrl-C or SIGTERM; then stop taking requests, flush and close the producer."""
    from producers.caller_hash import caller_key
    from producers.kafka_producer import EventProducer

    settings = settings or get_settings()
    key = caller_key(settings)
    stop = threading.Event()
    # A request waits for its acks: a short linger keeps latency low; concurrent requests still share batches.
    with EventProducer(settings, linger_ms=5) as producer:
        address = (host or settings.ingest_host, port or settings.ingest_port)
        try:
            server = IngestServer(address, producer, key, settings.ingest_max_body_bytes)
        except OSError as exc:
            raise HotlineError(f"cannot listen on {address[0]}:{address[1]} ({exc.strerror}); choose another --port or stop what uses it") from None
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        thread = threading.Thread(target=server.serve_forever, name="ingest-http", daemon=True)
        thread.start()
        log.info("ingest.listening", url=f"http://{server.server_address[0]}:{server.server_address[1]}/v1/calls", topic=producer.topic)
        try:
            while not stop.wait(1.0):
                pass
        finally:
            server.shutdown()
            server.drain(server.ack_timeout + 1)
            server.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            report = producer.flush()
            server.progress.done(failed_at_stop=report.failed)
    log.info("ingest.stopped")
    return 0
