"""How fast is faust-streaming's per-event path on this machine, against the real broker?

Measures the framework alone (no parsing, no classification) so that the worker's design can
be judged against it: a trivial agent iterating events, the same with one Table write per
event, and `take()` / `noack_take()` batches; plus whether a Table can be written inside a
`take()` batch (it cannot: "Cannot modify table key from outside of stream iteration").

    .venv/bin/python bench/faust_path.py [--events 50000] [--modes iter,table,take,noack_take,take_table]

Each mode runs in a fresh child process with its own Faust app id (consumer group), reading the
same pre-filled topic from the beginning; the rate is events / (time of the last event - time of
the first), so start-up and rebalancing are excluded. Topics it creates start with `bench_faust_`
and are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODES = ("iter", "table", "take", "noack_take", "take_table", "table_x100", "aiokafka")
WRITES_PER_EVENT = 100  # table_x100: one event carries a batch, each item is one table write
VALUE = b"x" * 900  # about the size of one call event


def child_aiokafka(topic: str, n: int, group: str, bootstrap: str) -> None:
    """For comparison: aiokafka's own consumer in a group, getmany() batches, commit per batch."""
    import asyncio

    from aiokafka import AIOKafkaConsumer

    async def run() -> dict:
        c = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                             auto_offset_reset="earliest", max_partition_fetch_bytes=4 << 20)
        await c.start()
        res: dict = {"mode": "aiokafka", "events": 0, "first": None, "last": None, "error": None}
        try:
            while res["events"] < n:
                batches = await c.getmany(timeout_ms=500, max_records=500)
                k = sum(len(v) for v in batches.values())
                if k and res["first"] is None:
                    res["first"] = time.perf_counter()
                res["events"] += k
                if k:
                    await c.commit()
            res["last"] = time.perf_counter()
        finally:
            await c.stop()
        return res

    print(json.dumps(asyncio.run(run())))


def child(mode: str, topic: str, n: int, app_id: str, bootstrap: str, datadir: str) -> None:
    """Run one Faust worker until n events went through `mode`; print one JSON line."""
    import asyncio

    if mode == "aiokafka":
        return child_aiokafka(topic, n, app_id, bootstrap)

    import logging

    import faust
    from faust.worker import Worker

    logging.basicConfig(level=logging.ERROR)
    Path(datadir).mkdir(parents=True, exist_ok=True)
    app = faust.App(app_id, broker=f"kafka://{bootstrap}", store="memory://", datadir=datadir,
                    autodiscover=False, key_serializer="raw", value_serializer="raw", topic_partitions=6,
                    topic_disable_leader=True, table_standby_replicas=0, stream_wait_empty=False,
                    stream_recovery_delay=0.0, web_enabled=False, consumer_auto_offset_reset="earliest")
    src = app.topic(topic, key_serializer="raw", value_serializer="raw")
    table = app.Table("t", partitions=6, key_type=bytes, value_type=bytes) if "table" in mode else None
    res: dict = {"mode": mode, "events": 0, "first": None, "last": None, "error": None}
    worker: Worker

    def seen(k: int) -> bool:
        if res["first"] is None:
            res["first"] = time.perf_counter()
        res["events"] += k
        if res["events"] >= n:
            res["last"] = time.perf_counter()
            asyncio.ensure_future(worker.stop())
            return True
        return False

    @app.agent(src)
    async def agent(stream: faust.StreamT) -> None:
        try:
            if mode == "iter":
                async for _ in stream:
                    if seen(1):
                        break
            elif mode == "table":
                async for event in stream.events():
                    table[event.key] = b"1"  # type: ignore[index]
                    if seen(1):
                        break
            elif mode == "take":
                async for batch in stream.take(500, within=0.2):
                    if seen(len(batch)):
                        break
            elif mode == "noack_take":
                async for events in stream.noack_take(500, within=0.2):
                    for e in events:
                        await stream.ack(e)
                    if seen(len(events)):
                        break
            elif mode == "table_x100":  # counts table writes, not events
                i = 0
                async for event in stream.events():
                    for _ in range(WRITES_PER_EVENT):
                        i += 1
                        table[b"k%d" % i] = b"1"  # type: ignore[index]
                    if seen(WRITES_PER_EVENT):
                        break
            elif mode == "take_table":
                async for batch in stream.take_events(500, within=0.2):
                    for e in batch:
                        table[e.key] = b"1"  # type: ignore[index]
                    if seen(len(batch)):
                        break
        except Exception as exc:
            res["error"] = f"{type(exc).__name__}: {exc}"
            asyncio.ensure_future(worker.stop())

    worker = Worker(app, loglevel="WARNING", quiet=True, override_logging=False, redirect_stdouts=False)
    try:
        worker.execute_from_commandline()
    except SystemExit:
        pass
    print(json.dumps(res))


def fill(bootstrap: str, topic: str, n: int) -> float:
    from kafka import KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(topic, 6, 1)])
    admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, batch_size=256 * 1024, acks=1)
    t = time.perf_counter()
    for i in range(n):
        producer.send(topic, key=b"call-%d" % i, value=VALUE)
    producer.flush()
    producer.close()
    return n / (time.perf_counter() - t)


def cleanup(bootstrap: str, prefix: str) -> None:
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    mine = [t for t in admin.list_topics() if t.startswith(prefix)]
    if mine:
        admin.delete_topics(mine)
    admin.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--topic", help=argparse.SUPPRESS)
    ap.add_argument("--app-id", help=argparse.SUPPRESS)
    args = ap.parse_args()
    from hotline.config import get_settings

    settings = get_settings()
    bootstrap = settings.kafka_bootstrap
    datadir = str(settings.state_path / "bench" / "faust_path")
    if args.child:
        child(args.child, args.topic, args.events, args.app_id, bootstrap, datadir)
        return 0
    run = time.strftime("%H%M%S") + secrets.token_hex(2)
    prefix = f"bench_faust_{run}"
    topic = f"{prefix}.events"
    rate = fill(bootstrap, topic, args.events)
    print(f"filled {topic}: {args.events} events of {len(VALUE)} bytes at {rate:,.0f}/s (kafka-python)", file=sys.stderr)
    rows = []
    try:
        for mode in args.modes.split(","):
            print(f"running {mode} ...", file=sys.stderr)
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--topic", topic, "--events", str(args.events),
                 "--app-id", f"{prefix}_{mode}"],
                capture_output=True, text=True, timeout=300, env=os.environ.copy())
            wall = time.perf_counter() - t
            at = proc.stdout.rfind('{"mode"')  # the worker may print terminal escapes before it
            res = json.loads(proc.stdout[at:].splitlines()[0]) if at >= 0 else {"mode": mode, "error": proc.stderr[-400:]}
            if res.get("first") and res.get("last"):
                res["per_s"] = round((res["events"] - 1) / (res["last"] - res["first"]))
                res["us_per_event"] = round(1e6 / res["per_s"], 1)
            res["wall_s"] = round(wall, 1)
            rows.append(res)
            print(json.dumps({k: v for k, v in res.items() if k not in ("first", "last")}), file=sys.stderr)
    finally:
        cleanup(bootstrap, prefix)
    print(f"\nfaust-streaming per-event path, {args.events} events of {len(VALUE)} B, 6 partitions, real broker")
    print(f"{'mode':<12} {'events/s':>10} {'us/event':>9}  note")
    for r in rows:
        note = r.get("error") or ""
        print(f"{r['mode']:<12} {r.get('per_s', 0):>10,} {r.get('us_per_event', 0):>9}  {note[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
