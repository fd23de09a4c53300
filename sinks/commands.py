"""`hotline` subcommands of the sinks stage (registered by hotline.cli)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this stage's subcommands; handlers import the stage lazily."""
    p = sub.add_parser("migrate", help="create or upgrade the ClickHouse tables and views (idempotent)")
    p.add_argument("--status", action="store_true", help="list applied and pending migrations, change nothing")
    p.set_defaults(func=_migrate)

    p = sub.add_parser("sink", help="write enriched calls, feed, alerts and dead letters from Kafka to ClickHouse")
    p.add_argument("--until-idle", type=float, metavar="SECONDS", default=None,
                   help="exit after this many seconds without new records (tests, demo, benchmark)")
    # Test-only: turns off the replay filter so the exactly-once test can show its check fails.
    p.add_argument("--unsafe-no-dedup", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=_sink)


def _quiet_driver() -> None:
    """clickhouse-driver logs a traceback for every failed connection; our one-line errors and
    `sink.retry` lines already say it."""
    import logging

    logging.getLogger("clickhouse_driver.connection").setLevel(logging.ERROR)


def _migrate(args: argparse.Namespace) -> int:
    from hotline.config import get_settings
    from hotline.errors import HotlineError
    from sinks.clickhouse import client, runner
    from sinks.migrate import applied_if_any, load, migrate

    _quiet_driver()
    s = get_settings()
    db = s.clickhouse_database
    try:
        run = runner(client(s))
        if args.status:
            done = applied_if_any(run, db)
            for m in load():
                print(f"{m.version:04d} {m.name:<30} {'applied' if m.version in done else 'pending'}")
            return 0
        newly = migrate(run, db)
    except HotlineError:
        raise
    except Exception as exc:  # noqa: BLE001 - connection and server errors become one line
        raise HotlineError(f"migrating ClickHouse at {s.clickhouse_host}:{s.clickhouse_port} failed: {exc}; "
                           "is it running (`hotline infra up`)?") from None
    print(f"{db}: applied {len(newly)} migration(s)" + (": " + ", ".join(m.name for m in newly) if newly else " (up to date)"))
    return 0


def _sink(args: argparse.Namespace) -> int:
    from hotline.config import get_settings
    from hotline.errors import HotlineError
    from sinks.clickhouse import client, private_database, runner
    from sinks.migrate import applied_if_any, load
    from sinks.sink import ClickHouseStore, Sink, install_signal_handlers, make_consumer, tune_gc

    _quiet_driver()
    s = get_settings()
    db = s.clickhouse_database
    try:
        ch = client(s)
        run = runner(ch)
        done = applied_if_any(run, db)
    except Exception as exc:  # noqa: BLE001
        raise HotlineError(f"cannot reach ClickHouse at {s.clickhouse_host}:{s.clickhouse_port}: {exc}; "
                           "start it (`hotline infra up`) and retry") from None
    pending = [m.name for m in load() if m.version not in done]
    if pending:
        raise HotlineError(f"database {db} lacks migration(s) {', '.join(pending)}; run `hotline migrate` first")
    store = ClickHouseStore(ch, db, private_database(db))
    try:
        consumer = make_consumer(s)
    except Exception as exc:  # noqa: BLE001 - kafka-python raises several kinds when the broker is away
        ch.disconnect()
        raise HotlineError(f"cannot reach Kafka at {s.kafka_bootstrap}: {exc}; start it (`hotline infra up`) and retry") from None
    sink = Sink(s, consumer, store, dedup=not args.unsafe_no_dedup, until_idle=args.until_idle)
    install_signal_handlers(sink)
    tune_gc()
    try:
        sink.run()
    finally:
        consumer.close(autocommit=False)
        ch.disconnect()
    return 0
