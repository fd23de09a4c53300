"""The Faust app of `hotline worker`: two stages, each at-least-once, exact together (docs/streams.md).

enrich     calls topic (raw bytes, keyed by call id, N partitions, consumer group
           `<worker_id>-calls`) -> enriched calls, unmatched questions, dead letters, and the
           batch's contributions on the internal contributions topic. Stateless; the heavy part
           (parse, scrub, classify); scales with the number of workers. A batch's offsets are
           committed after its output is acknowledged by the broker.
aggregate  contributions topic (1 partition, consumer group `<worker_id>-aggregate`, so one
           worker at a time): deduplicates by event id against a store mirrored to a compacted
           changelog topic (one acknowledged write per batch, before the commit), keeps the
           hour/day windows derived from it, publishes the ministry feed and spike alerts by
           event time. One partition, so the feed carries totals over all calls partitions.

Both stages read with aiokafka consumers running as tasks of the Faust worker, not as Faust
agents, because of two measurements (bench/faust_path.py and tests/integration): Faust's
per-event path costs 135-200 us/event on this machine, more than the whole per-call budget,
and a Faust Table + agent lost contribution batches across a rebalance (events of the old
generation skipped but their offsets committed). The Faust worker still provides the process:
start/stop on signals, the web endpoint, timers (idle flush, progress) and a control agent.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import faust
from pydantic_core import from_json, to_json

from hotline.config import Settings
from hotline.errors import HotlineError
from hotline.log import get_logger
from streams.aggregate import Aggregator
from streams.aggregate import Settings as AggSettings
from streams.deadletter import PoisonBurst, PoisonGuard
from streams.process import Enricher, RawRecord
from streams.spikes import SpikeParams

log = get_logger("streams.worker")

BATCH_MAX = 500  # calls per enrich batch (one classify_many call, one contributions message)
SESSION_TIMEOUT = 10.0  # seconds; Faust's default (60 s) would stall a restart after a crash
CHUNK_BYTES = 256 * 1024  # contributions per message stay far below Kafka's 1 MB limit


def chunks(contribs: list) -> list[list]:
    """Split a batch's contributions into messages of at most CHUNK_BYTES (estimated)."""
    out: list[list] = [[]]
    size = 0
    for c in contribs:
        n = 120 + 60 * len(c[-1])  # a contribution's JSON: ~120 bytes + ~60 per question
        if out[-1] and size + n > CHUNK_BYTES:
            out.append([])
            size = 0
        out[-1].append(c)
        size += n
    return out


@dataclass
class WorkerState:
    """Counters and handles shared by the agents, the timers and `run_worker`."""

    settings: Settings
    aggregator: Aggregator | None = None
    enricher: Enricher | None = None
    needs_rebuild: bool = False
    owns: bool = False  # this worker holds the contributions partition (and rebuilt its state)
    fatal: HotlineError | None = None
    stop: Any = None  # coroutine function stopping the worker (set by run_worker)
    last_contribution: float = 0.0
    idle_flushed: bool = True
    calls_in: int = 0
    enriched: int = 0
    dead: int = 0
    unmatched: int = 0
    published: int = 0
    alerts: int = 0
    counters_at: dict[str, float] = field(default_factory=dict)


class ChangelogStore(MutableMapping):
    """The aggregator's dedup store: a dict mirrored to a compacted changelog topic.

    Every write is produced to the changelog and `flush` awaits the broker's acknowledgement
    before the contributions offset that caused it can be committed, so "in the changelog"
    always comes before "committed". `load` rebuilds the dict from the changelog when this
    worker is assigned the contributions partition.
    """

    def __init__(self, app: faust.App, topic: str, bootstrap: str) -> None:
        self.app = app
        self.topic = topic
        self.bootstrap = bootstrap
        self.data: dict[bytes, bytes] = {}
        self.pending: list[tuple[bytes, bytes | None]] = []

    def __getitem__(self, key: bytes) -> bytes:
        return self.data[key]

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.data[key] = value
        self.pending.append((key, value))

    def __delitem__(self, key: bytes) -> None:
        del self.data[key]
        self.pending.append((key, None))  # a tombstone: compaction forgets the key

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def __iter__(self) -> Iterator[bytes]:
        return iter(list(self.data))

    def __len__(self) -> int:
        return len(self.data)

    def items(self) -> Any:
        return list(self.data.items())

    async def flush(self) -> None:
        if not self.pending:
            return
        send = self.app.producer.send
        futs = [await send(self.topic, k, v, 0, None, None) for k, v in self.pending]
        self.pending = []
        await asyncio.gather(*futs)

    async def load(self) -> int:
        """Read the whole changelog (compacted) into the dict; returns the records read."""
        from aiokafka import AIOKafkaConsumer
        from aiokafka.structs import TopicPartition

        tp = TopicPartition(self.topic, 0)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                    max_partition_fetch_bytes=8 << 20)
        await consumer.start()
        data: dict[bytes, bytes] = {}
        n = 0
        try:
            consumer.assign([tp])
            await consumer.seek_to_beginning(tp)
            end = (await consumer.end_offsets([tp]))[tp]
            while await consumer.position(tp) < end:
                for recs in (await consumer.getmany(tp, timeout_ms=1000)).values():
                    for r in recs:
                        n += 1
                        if r.value is None:
                            data.pop(r.key, None)
                        else:
                            data[r.key] = r.value
        finally:
            await consumer.stop()
        self.data = data
        self.pending = []
        return n


def _internal_topics(settings: Settings, contrib_topic: str, changelog_topic: str) -> None:
    """The worker's own topics: one partition each (one place sees every call's contribution)."""
    from infra.topics import TopicSpec, ensure_topics

    week = 7 * 24 * 3600 * 1000
    ensure_topics(settings.kafka_bootstrap, specs=[
        TopicSpec(contrib_topic, 1, settings.replication_factor, retention_ms=week,
                  why="calls' contributions to the aggregates, in batches"),
        TopicSpec(changelog_topic, 1, settings.replication_factor, cleanup_policy="compact",
                  why="the aggregator's event-id dedup store"),
    ])


def _encode(record: Any) -> tuple[bytes, bytes]:
    key = getattr(record, "record_id", None) or record.alert_id
    return key.encode(), record.model_dump_json().encode()


def build_app(settings: Settings, web_port: int | None = None, classifier: Any = None) -> tuple[faust.App, WorkerState]:
    """The Faust app and its shared state; `classifier` defaults to the catalog classifier."""
    from schemas.catalog import load_catalog

    if classifier is None:
        try:
            from streams.classify.classifier import get_classifier
        except ImportError as exc:
            raise HotlineError(f"the question classifier is not available ({exc}); check the installation") from None
        classifier = get_classifier()
    catalog_version = load_catalog().catalog_version
    port = settings.worker_web_port if web_port is None else web_port
    app_id = settings.worker_id
    datadir = settings.state_path / "worker"
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        app_id,
        broker=[f"kafka://{h.strip()}" for h in settings.kafka_bootstrap.split(",")],
        store="memory://",
        datadir=str(datadir / "{conf.name}"),
        autodiscover=False,
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=1,
        topic_replication_factor=settings.replication_factor,
        topic_disable_leader=True,
        table_standby_replicas=0,
        stream_wait_empty=False,
        stream_recovery_delay=0.0,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=SESSION_TIMEOUT,  # a killed worker's partitions move on after this
        broker_heartbeat_interval=SESSION_TIMEOUT / 4,
        web_enabled=port != 0,
        web_port=port or 6066,
        web_host="127.0.0.1",
        web_bind="127.0.0.1",
    )
    state = WorkerState(settings)
    guard = PoisonGuard(settings.poison_ratio, settings.poison_window)
    state.enricher = Enricher(classifier, catalog_version, guard=guard)
    agg_settings = AggSettings(
        grace_seconds=settings.window_grace_seconds, service_level_seconds=settings.service_level_seconds,
        min_cell_size=settings.min_cell_size, catalog_version=catalog_version, timezone=settings.timezone,
        spikes=SpikeParams(),
    )

    contrib_topic = f"{app_id}-contributions"
    changelog_topic = f"{app_id}-seen-changelog"
    _internal_topics(settings, contrib_topic, changelog_topic)
    store = ChangelogStore(app, changelog_topic, settings.kafka_bootstrap)
    state.aggregator = Aggregator(store, agg_settings)
    t_enriched, t_unmatched, t_dead = settings.topic_enriched, settings.topic_unmatched, settings.topic_deadletter
    t_feed, t_alerts = settings.topic_feed, settings.topic_alerts

    async def send_records(records: list) -> None:
        """Feed records and alerts, acknowledged by the broker before returning."""
        send = app.producer.send
        futs = []
        for rec in records:
            k, v = _encode(rec)
            if hasattr(rec, "alert_id"):
                futs.append(await send(t_alerts, k, v, None, None, None))
                state.alerts += 1
            else:
                futs.append(await send(t_feed, k, v, None, None, None))
                state.published += 1
        if futs:
            await asyncio.gather(*futs)

    def stage_consumer(stage: str, fetch_bytes: int) -> Any:
        """A consumer of one stage's own group (`<worker_id>-<stage>`): offsets committed by hand
        only after the stage's output is acknowledged, and a short session so that a crashed
        worker's partitions move on quickly."""
        from aiokafka import AIOKafkaConsumer

        return AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap, group_id=f"{app_id}-{stage}", client_id=f"{app_id}-{stage}",
            enable_auto_commit=False, auto_offset_reset="earliest", max_partition_fetch_bytes=fetch_bytes,
            session_timeout_ms=int(SESSION_TIMEOUT * 1000), heartbeat_interval_ms=int(SESSION_TIMEOUT * 250),
        )

    @app.task
    async def enrich_task() -> None:
        await _guarded("enrich", enrich)

    async def enrich() -> None:
        """Read the calls topic in batches; commit a batch only once its output is acknowledged."""
        from aiokafka.errors import CommitFailedError, KafkaError
        from aiokafka.structs import OffsetAndMetadata

        enricher = state.enricher
        assert enricher is not None
        consumer = stage_consumer("calls", 4 << 20)
        consumer.subscribe([settings.topic_calls])
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=BATCH_MAX)
                if not batches:
                    continue
                records = [RawRecord(tp.topic, tp.partition, r.offset, r.key, r.value)
                           for tp, rs in batches.items() for r in rs]
                try:
                    out = enricher.process(records)
                except PoisonBurst as exc:
                    await _fatal(exc)
                    return
                send = app.producer.send
                futs = []
                for k, v in out.enriched:
                    futs.append(await send(t_enriched, k, v, None, None, None))
                for k, v in out.unmatched:
                    futs.append(await send(t_unmatched, k, v, None, None, None))
                for k, v in out.dead:
                    futs.append(await send(t_dead, k, v, None, None, None))
                if out.contributions:
                    parts = len(consumer.partitions_for_topic(settings.topic_calls) or ()) or settings.calls_partitions
                    for chunk in chunks(out.contributions):
                        futs.append(await send(contrib_topic, None, to_json({"n": parts, "c": chunk}), 0, None, None))
                try:
                    await asyncio.gather(*futs)
                except Exception as exc:  # not delivered: no commit; the batch is re-read after a restart
                    await _fatal(HotlineError(f"could not deliver the worker's output to Kafka ({exc!r}); "
                                              "check the broker and restart the worker (nothing is lost)"))
                    return
                try:
                    await consumer.commit({tp: OffsetAndMetadata(rs[-1].offset + 1, "") for tp, rs in batches.items()})
                except (CommitFailedError, KafkaError) as exc:
                    # a rebalance took the partitions away: their new owner re-reads this batch
                    # (duplicates are recognised downstream by event id)
                    log.warning("worker.commit_failed", error=repr(exc)[:200], records=len(records))
                state.calls_in += len(records)
                state.enriched += len(out.enriched)
                state.dead += len(out.dead)
                state.unmatched += len(out.unmatched)
        finally:
            await consumer.stop()

    @app.task
    async def aggregate_task() -> None:
        await _guarded("aggregate", aggregate)

    async def aggregate() -> None:
        """The contributions partition: one worker of the group `<worker_id>-aggregate` owns it."""
        from aiokafka import ConsumerRebalanceListener
        from aiokafka.errors import CommitFailedError, KafkaError
        from aiokafka.structs import OffsetAndMetadata

        agg = state.aggregator
        assert agg is not None

        lock = asyncio.Lock()  # held while a batch is processed: a revocation waits for its writes

        class Listener(ConsumerRebalanceListener):
            async def on_partitions_revoked(self, revoked: Any) -> None:
                async with lock:
                    state.owns = False  # publish nothing from state another worker may now own

            async def on_partitions_assigned(self, assigned: Any) -> None:
                state.needs_rebuild = bool(assigned)

        async def aggregate_batches(batches: Any) -> None:
            for tp, msgs in batches.items():
                for m in msgs:
                    payload = from_json(m.value)
                    if agg.partitions is None or payload["n"] > agg.partitions:
                        agg.partitions = payload["n"]
                    res = agg.accept_batch(payload["c"])  # at most one store write
                    log.debug("worker.batch", offset=m.offset, **res)
                    await store.flush()  # acknowledged before this offset can be committed
                    await send_records(agg.tick())
                    if agg.pending_store_writes:
                        deleted = agg.finalize()  # after the final publications were acknowledged
                        await store.flush()
                        log.info("worker.windows_final", watermark=_iso(agg.watermark), pruned=deleted)
                try:
                    await consumer.commit({tp: OffsetAndMetadata(msgs[-1].offset + 1, "")})
                except (CommitFailedError, KafkaError) as exc:
                    log.warning("worker.commit_failed", error=repr(exc)[:200], stage="aggregate")

        consumer = stage_consumer("aggregate", 8 << 20)
        consumer.subscribe([contrib_topic], listener=Listener())
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=20)
                if state.needs_rebuild:
                    async with lock:
                        await rebuild(agg)
                if not batches or not state.owns:
                    continue
                async with lock:
                    await aggregate_batches(batches)
                state.last_contribution = time.monotonic()
                state.idle_flushed = False
        finally:
            await consumer.stop()

    control = app.topic(f"{app_id}-control", partitions=1, internal=True, key_serializer="raw", value_serializer="raw")

    @app.agent(control, name="control")
    async def on_control(stream: faust.StreamT) -> None:
        """Operator commands: b"flush" publishes the open windows now (e.g. at the end of a demo)."""
        async for value in stream:
            if value == b"flush":
                state.idle_flushed = False
                state.last_contribution = 0.0
                log.info("worker.control", command="flush")

    @app.timer(1.0)
    async def idle_flush() -> None:
        """The end of a finite replay: publish the open windows once the input is idle."""
        idle = settings.worker_idle_flush_seconds
        agg = state.aggregator
        if idle <= 0 or state.idle_flushed or not state.owns or agg is None:
            return
        if time.monotonic() - state.last_contribution < idle:
            return
        state.idle_flushed = True
        records = agg.flush_open()
        if records:
            await send_records(records)
            log.info("worker.idle_flush", records=len(records), watermark=_iso(agg.watermark))

    @app.timer(5.0)
    async def progress() -> None:
        now = time.monotonic()
        last = state.counters_at
        dt = now - last.get("t", now - 5.0)
        agg = state.aggregator
        fields: dict[str, Any] = {
            "calls": state.calls_in,
            "calls_per_s": round((state.calls_in - last.get("calls", 0)) / max(dt, 1e-9), 1),
            "dead_letters": state.dead, "unmatched": state.unmatched,
        }
        if agg is not None:
            fields.update(counted=agg.counted, duplicates=agg.duplicates, late=agg.late,
                          feed_records=state.published, alerts=state.alerts, watermark=_iso(agg.watermark))
        state.counters_at = {"t": now, "calls": state.calls_in}
        if state.calls_in != last.get("calls", 0) or state.published != last.get("published", -1):
            log.info("worker.progress", **fields)
        state.counters_at["published"] = state.published

    async def rebuild(agg: Aggregator) -> None:
        """Load the dedup store from its changelog and recompute the windows from it."""
        state.needs_rebuild = False  # an assignment during the load asks for another rebuild
        records = await store.load()
        n = agg.rebuild()
        state.owns = True
        state.idle_flushed = False
        state.last_contribution = time.monotonic()
        log.info("worker.aggregates_rebuilt", calls=n, changelog_records=records, windows=len(agg.windows),
                 final_days=len(agg.final_days))

    async def _guarded(stage: str, run: Any) -> None:
        """A stage that dies takes the worker down (exit 1), so that a supervisor restarts it."""
        try:
            await run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported, then the worker stops
            log.error("worker.stage_crashed", exc_info=True, stage=stage)
            await _fatal(HotlineError(f"the worker's {stage} stage failed ({exc!r}); it stopped without "
                                      "committing the batch in progress: restart it (nothing is lost)"))

    async def _fatal(exc: HotlineError) -> None:
        state.fatal = exc
        log.error("worker.fatal", error=str(exc))
        if state.stop is not None:
            asyncio.ensure_future(state.stop())
        await asyncio.Event().wait()  # never ack the batch; cancelled by the stop

    return app, state


def _iso(t: int | None) -> str | None:
    if t is None:
        return None
    from streams.windows import utc

    return utc(t).isoformat().replace("+00:00", "Z")


def run_worker(settings: Settings, web_port: int | None = None, loglevel: str | None = None) -> int:
    """Run one worker until Ctrl-C/SIGTERM (exit 0) or a fatal error (HotlineError)."""
    from faust.worker import Worker

    app, state = build_app(settings, web_port)
    quiet = open(os.devnull, "w")  # noqa: SIM115 - Faust's spinner writes terminal escapes to stdout
    worker = Worker(app, loglevel=loglevel or settings.log_level, quiet=True, override_logging=False,
                    redirect_stdouts=False, stdout=quiet)
    state.stop = worker.stop
    log.info("worker.start", app_id=settings.worker_id, calls_topic=settings.topic_calls,
             web_port=app.conf.web_port if app.conf.web_enabled else 0)
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:  # pragma: no cover - execute_from_commandline always exits
        code = 0
    if state.fatal is not None:
        raise state.fatal
    agg = state.aggregator
    log.info("worker.stopped", calls=state.calls_in, dead_letters=state.dead,
             counted=agg.counted if agg else 0, duplicates=agg.duplicates if agg else 0)
    return code
