"""Start, stop and inspect the local services as a whole or one at a time.

This is the API other code calls (the CLI, the demo, the fault-injection tests):
`up()`, `down()`, `status()`, and `start_kafka / stop_kafka / restart_kafka`,
`start_clickhouse / stop_clickhouse / restart_clickhouse`. Each `start_*` returns only once the
service answers real protocol requests.
"""

from __future__ import annotations

import time
from typing import Any

from hotline.config import Settings, get_settings
from hotline.log import get_logger
from infra import clickhouse, kafka
from infra.topics import TopicResult, ensure_topics

log = get_logger(__name__)


def start_kafka(settings: Settings | None = None) -> str:
    """Start the broker (no-op if running) and wait until it answers; returns what happened."""
    s = settings or get_settings()
    what = kafka.start(s)
    kafka.wait_ready(s)
    return what


def stop_kafka(settings: Settings | None = None) -> str:
    """Stop the broker cleanly (SIGTERM, SIGKILL after 30 s); its data stays."""
    return kafka.stop(settings or get_settings())


def restart_kafka(settings: Settings | None = None) -> str:
    s = settings or get_settings()
    stop_kafka(s)
    return start_kafka(s)


def start_clickhouse(settings: Settings | None = None) -> str:
    """Start ClickHouse (no-op if running), wait for `SELECT 1`, create the database."""
    s = settings or get_settings()
    what = clickhouse.start(s)
    clickhouse.wait_ready(s)
    clickhouse.create_database(s)
    return what


def stop_clickhouse(settings: Settings | None = None) -> str:
    """Stop ClickHouse cleanly (SIGTERM, SIGKILL after 30 s); its data stays."""
    return clickhouse.stop(settings or get_settings())


def restart_clickhouse(settings: Settings | None = None) -> str:
    s = settings or get_settings()
    stop_clickhouse(s)
    return start_clickhouse(s)


def up(settings: Settings | None = None) -> dict[str, Any]:
    """Both services running and answering, the database and the topics present.

    Returns {"kafka": what, "clickhouse": what, "topics": [TopicResult], "seconds": float,
    "already_up": bool}; `what` is started / running / external (a working server on the
    port that is not ours, e.g. docker-compose) / remote.
    """
    s = settings or get_settings()
    t0 = time.monotonic()
    # Launch both before waiting for either: the JVM and ClickHouse start in parallel.
    k = c = "not started"
    try:
        k = kafka.start(s)
        c = clickhouse.start(s)
        kafka.wait_ready(s)
        clickhouse.wait_ready(s)
        clickhouse.create_database(s)
    except BaseException:
        # Leave nothing half-up: stop what this call started, keep what was already running.
        if k == "started":
            kafka.stop(s)
        if c == "started":
            clickhouse.stop(s)
        raise
    topics: list[TopicResult] = ensure_topics(s.kafka_bootstrap)
    already = k != "started" and c != "started" and all(t.action != "created" for t in topics)
    seconds = round(time.monotonic() - t0, 2)
    log.info("infra.up", kafka=k, clickhouse=c, seconds=seconds, already_up=already)
    return {"kafka": k, "clickhouse": c, "topics": topics, "seconds": seconds, "already_up": already}


def down(settings: Settings | None = None) -> dict[str, str]:
    """Stop both services; data stays under the state folder."""
    s = settings or get_settings()
    return {"kafka": kafka.stop(s), "clickhouse": clickhouse.stop(s)}


def status(settings: Settings | None = None) -> dict[str, Any]:
    """What runs and whether it answers; `healthy` is True only when both answer."""
    s = settings or get_settings()
    k_local, c_local = kafka.is_local(s), clickhouse.is_local(s)
    k = {
        "address": s.kafka_bootstrap, "local": k_local, "pid": kafka.pid(s) if k_local else None,
        "healthy": kafka.healthy(s.kafka_bootstrap, timeout=2.0), "version": s.kafka_version if k_local else None,
        "log": str(kafka.Paths(s).server_log) if k_local else None,
    }
    c = {
        "address": f"{s.clickhouse_host}:{s.clickhouse_port}", "http_port": s.clickhouse_http_port, "local": c_local,
        "pid": clickhouse.pid(s) if c_local else None, "healthy": clickhouse.healthy(s),
        "database": s.clickhouse_database, "log": str(clickhouse.Paths(s).server_log) if c_local else None,
    }
    for svc in (k, c):
        svc["managed"] = svc["pid"] is not None  # started by us from this state folder
    return {"state_dir": str(s.state_path), "kafka": k, "clickhouse": c, "healthy": k["healthy"] and c["healthy"]}
