"""`hotline demo`: the main job, one simulated hotline day through the whole pipeline.

infra up -> topics -> migrate -> worker + sink (child processes) -> simulate to Kafka ->
wait until ClickHouse holds every call -> ministry report -> summary. A second run with the
same seed re-sends the same event ids, and the counts stay the same (contract 1).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from hotline.log import Progress, get_logger

log = get_logger(__name__)

DEMO_START = date(2021, 6, 14)  # a Monday of the 2021 campaign, when the age bands were opening


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` subcommand."""
    p = sub.add_parser("demo", help="run the whole pipeline on local infrastructure with one simulated hotline day")
    p.add_argument("--calls", type=int, default=3000, help="expected calls per day (default 3000)")
    p.add_argument("--agents", type=int, default=15, help="agents on duty (default 15)")
    p.add_argument("--days", type=int, default=1, help="days to simulate (default 1)")
    p.add_argument("--seed", type=int, default=2021, help="simulation seed; the same seed re-sends the same calls")
    p.add_argument("--start", type=date.fromisoformat, default=DEMO_START, help=f"first day (default {DEMO_START})")
    p.add_argument("--out", type=Path, default=None, help="report folder (default <state dir>/reports)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for ClickHouse to hold every call")
    p.add_argument("--down", action="store_true", help="stop Kafka and ClickHouse at the end (default: leave them up for queries)")
    p.set_defaults(func=run)


def _interrupt(*_: Any) -> None:
    """SIGTERM (e.g. from a supervisor) stops the demo the way Ctrl-C does."""
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    # The demo hashes simulated caller numbers with the built-in development key unless a key is set.
    os.environ.setdefault("HOTLINE_MODE", "demo")
    from hotline.config import get_settings

    get_settings.cache_clear()
    settings = get_settings()

    from hotline.processes import Component
    from infra import services

    signal.signal(signal.SIGTERM, _interrupt)
    started_infra = False
    components: list[Component] = []
    try:
        log.info("demo.step", step="1/6 infrastructure")
        state = services.up(settings)
        started_infra = "started" in (state["kafka"], state["clickhouse"])
        log.info("demo.step", step="2/6 ClickHouse migrations")
        _migrate(settings)

        log.info("demo.step", step="3/6 worker and sink")
        logs = settings.state_path / "logs"
        components = [
            Component("worker", ["worker"], logs / "demo-worker.log").start(),
            Component("sink", ["sink"], logs / "demo-sink.log").start(),
        ]

        log.info("demo.step", step="4/6 simulate and produce", calls_per_day=args.calls, agents=args.agents, days=args.days, seed=args.seed)
        event_ids, days, per_day = _produce(args, settings)

        log.info("demo.step", step="5/6 wait for ClickHouse", calls=len(event_ids))
        _wait_for_clickhouse(settings, event_ids, args.timeout, components)
        _wait_for_drain(settings, args.timeout, components)
        _wait_for_clickhouse(settings, event_ids, args.timeout, components)  # still exactly once
        _wait_for_feed(settings, days, components)

        log.info("demo.step", step="6/6 ministry report")
        from sinks.report.build import build_report

        reports = [build_report(d, args.out, settings) for d in days]
        for c in components:
            c.stop()
        components = []
        figures = [json.loads(p.json.read_text()) for p in reports]
        print(_summary(figures, reports, per_day, settings))
        if args.down:
            services.down(settings)
        return 0
    except KeyboardInterrupt:
        log.warning("demo.interrupted", stopping=[c.name for c in components] + (["infra"] if started_infra else []))
        for c in components:
            c.stop()
        components = []
        if started_infra:
            services.down(settings)
        return 130
    finally:
        for c in components:
            c.stop()


def _migrate(settings: Any) -> None:
    from sinks.clickhouse import client, runner
    from sinks.migrate import migrate

    cli = client(settings)
    try:
        applied = migrate(runner(cli), settings.clickhouse_database)
    finally:
        cli.disconnect()
    log.info("demo.migrated", applied=len(applied))


def _produce(args: argparse.Namespace, settings: Any) -> tuple[list[uuid.UUID], list[date], dict[str, int]]:
    from zoneinfo import ZoneInfo

    from hotline.errors import HotlineError
    from producers.kafka_producer import EventProducer
    from producers.simulator.simulate import simulate

    tz = ZoneInfo(settings.timezone)
    event_ids: list[uuid.UUID] = []
    per_day: dict[str, int] = {}
    progress = Progress(log, "demo.produce")
    with EventProducer(settings) as producer:
        for event in simulate(args.days, args.calls, args.agents, args.seed, start=args.start):
            producer.send(event)
            event_ids.append(event.event_id)
            day = event.call.queued_at.astimezone(tz).date().isoformat()
            per_day[day] = per_day.get(day, 0) + 1
            progress.add()
        report = producer.flush()
    progress.done()
    if not report.ok:
        raise HotlineError(f"Kafka did not acknowledge every call: {report}")
    return event_ids, [date.fromisoformat(d) for d in sorted(per_day)], per_day


def _count_present(client: Any, database: str, event_ids: list[uuid.UUID]) -> int:
    """How many of our event ids ClickHouse holds, counted exactly (duplicates would show)."""
    rows = client.execute(
        f"SELECT count() FROM {database}.calls WHERE event_id IN ids",
        external_tables=[{"name": "ids", "structure": [("event_id", "UUID")], "data": [{"event_id": e} for e in event_ids]}],
    )
    return int(rows[0][0])


def _wait_for_clickhouse(settings: Any, event_ids: list[uuid.UUID], timeout: float, components: list[Any]) -> None:
    from hotline.errors import HotlineError
    from hotline.processes import wait_until
    from sinks.clickhouse import client

    cli = client(settings, database=settings.clickhouse_database)
    want = len(set(event_ids))
    seen = {"n": 0, "at": time.monotonic()}

    def done() -> bool:
        seen["n"] = _count_present(cli, settings.clickhouse_database, event_ids)
        return seen["n"] >= want

    def progress() -> None:
        if time.monotonic() - seen["at"] >= 2:
            seen["at"] = time.monotonic()
            log.info("demo.clickhouse.progress", calls=seen["n"], of=want)

    try:
        wait_until(done, timeout, f"ClickHouse to hold all {want} calls", tuple(components), progress=progress)
    finally:
        cli.disconnect()
    if seen["n"] != want:
        raise HotlineError(f"ClickHouse holds {seen['n']} rows for {want} calls: calls are counted twice")
    log.info("demo.clickhouse.complete", calls=want)


def _lag(settings: Any, group: str, topics: list[str]) -> int:
    """Records of `topics` not yet committed by consumer group `group` (read without joining it)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap.split(","), group_id=group,
                             enable_auto_commit=False, client_id="hotline-demo")
    try:
        parts = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or ())]
        ends = consumer.end_offsets(parts)
        return sum(end - (consumer.committed(tp) or 0) for tp, end in ends.items())
    finally:
        consumer.close(autocommit=False)


def _wait_for_drain(settings: Any, timeout: float, components: list[Any]) -> None:
    """A re-run re-sends calls that are already stored: wait until the worker and then the sink
    have consumed everything, so that the exact count after it proves nothing was counted twice."""
    from hotline.processes import wait_until

    worker = (f"{settings.worker_id}-calls", [settings.topic_calls])
    sink = (settings.sink_group, [settings.topic_enriched])
    for group, topics in (worker, sink):
        wait_until(lambda: _lag(settings, group, topics) == 0, timeout, f"consumer group {group} to catch up",
                   tuple(components), interval=1.0)
    log.info("demo.drained", groups=[worker[0], sink[0]])


def _wait_for_feed(settings: Any, days: list[date], components: list[Any], timeout: float = 120.0) -> None:
    """The day windows close when the worker sees the replay is over; wait for their feed rows."""
    from hotline.errors import HotlineError
    from hotline.processes import wait_until
    from sinks.clickhouse import client

    cli = client(settings, database=settings.clickhouse_database)
    db = settings.clickhouse_database
    wanted = ", ".join(f"'{d.isoformat()}'" for d in days)

    def done() -> bool:
        rows = cli.execute(
            f"SELECT count(DISTINCT local_date) FROM {db}.ministry_feed "
            f"WHERE window = 'day' AND dimension = 'total' AND local_date IN ({wanted})"
        )
        return int(rows[0][0]) >= len(days)

    try:
        wait_until(done, timeout, "the ministry feed of the simulated days", tuple(components))
    except HotlineError as exc:
        log.warning("demo.feed.incomplete", error=str(exc))
    finally:
        cli.disconnect()


def _summary(figures: list[dict[str, Any]], reports: list[Any], per_day: dict[str, int], settings: Any) -> str:
    lines = []
    for f, paths in zip(figures, reports):
        s = f["summary"]
        mine = per_day.get(f["report"]["date"], 0)
        if s["calls"] != mine:
            lines += ["", f"Note: ClickHouse holds {s['calls']} calls for {f['report']['date']}; this run sent {mine}. "
                      "The others come from earlier runs with other parameters (re-runs of the same ones are never counted twice)."]
        pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"  # noqa: E731
        sec = lambda v: "-" if v is None else f"{v:.0f} s"  # noqa: E731
        lines += [
            "",
            f"Hotline day {f['report']['date']} ({f['report']['timezone']})",
            f"  calls {s['calls']}: answered {s['answered']}, abandoned {s['abandoned']}, "
            f"transferred {s.get('transferred', 0)}, out of hours {s['out_of_hours']}",
            f"  ASA {sec(s['asa_seconds'])}, AHT {sec(s['aht_seconds'])}, service level {pct(s['service_level'])} "
            f"(answered within {f['report']['targets']['service_level_seconds']} s)",
            f"  questions {s['questions']}, unmatched {s['unmatched_questions']}",
            "  family mix: " + ", ".join(f"{r['family']} {pct(r['share'])}" for r in f["families"]),
            "  top questions:",
            *[f"    {r['questions']:>5}  {r['question_id'] or '(other)'}" for r in f["questions"][:5]],
            f"  adverse-effect alerts: {len(f['alerts'])}"
            + "".join(f"\n    {a.get('vaccine')} x {a.get('symptom')}: {a.get('observed')} (C2 {float(a.get('statistic') or 0):.1f})" for a in f["alerts"][:5]),
            "  agents needed per hour (Erlang C) vs on duty:",
            "    " + "  ".join(f"{h['label'][:2]}h {h['raw_agents']}/{h['agents_on_duty']}" for h in f["hourly"] if h["raw_agents"]),
            f"  report: {paths.html}",
        ]
    lines += [
        "",
        f"ClickHouse is still running: clickhouse-client --port {settings.clickhouse_port} -d {settings.clickhouse_database}"
        " (or `hotline infra down` to stop everything).",
    ]
    return "\n".join(lines)
