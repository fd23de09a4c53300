"""A benchmark run's private Kafka topics, consumer groups and ClickHouse database.

The benchmark shares the broker and the server with the demo and the tests, so every
phase gets names of its own (passed to the child processes as HOTLINE_* variables) and
removes them at the end: nothing it writes can be counted by anybody else.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

from hotline.config import Settings, get_settings
from hotline.log import get_logger

log = get_logger("bench.isolation")

PREFIX = "bench_"
_TOPIC_FIELDS = ("topic_calls", "topic_enriched", "topic_feed", "topic_alerts", "topic_deadletter", "topic_unmatched")


def new_run_id() -> str:
    """Sortable and unique: UTC time plus 4 random hex digits."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(2)


@dataclass
class Namespace:
    """Names of one phase (`replay`, `live`, ...) of one run; all start with `token`."""

    run_id: str
    phase: str
    base: Settings = field(default_factory=get_settings)

    @property
    def token(self) -> str:
        return f"{PREFIX}{self.run_id}_{self.phase}"

    @property
    def overrides(self) -> dict[str, Any]:
        names: dict[str, Any] = {f: f"{self.token}.{f.removeprefix('topic_')}" for f in _TOPIC_FIELDS}
        names.update(
            clickhouse_database=self.token,
            worker_id=f"{self.token}_worker",  # Faust prefixes its internal topics with it
            sink_group=f"{self.token}_sink",
            worker_web_port=0,  # never collide with a demo worker's web port
        )
        return names

    @property
    def env(self) -> dict[str, str]:
        """What the worker and sink child processes get on top of our environment."""
        return {f"HOTLINE_{k.upper()}": str(v) for k, v in self.overrides.items()}

    @property
    def settings(self) -> Settings:
        return self.base.model_copy(update=self.overrides)

    @property
    def database(self) -> str:
        return self.settings.clickhouse_database

    @property
    def topics(self) -> list[str]:
        s = self.settings
        return [getattr(s, f) for f in _TOPIC_FIELDS]

    def create(self) -> None:
        """Topics (partitioned like production) and a migrated database."""
        from infra.topics import ensure_topics, pipeline_topics

        ensure_topics(self.settings.kafka_bootstrap, pipeline_topics(self.settings))
        from sinks.clickhouse import client, runner
        from sinks.migrate import migrate

        cli = client(self.settings)
        try:
            migrate(runner(cli), self.database)
        finally:
            cli.disconnect()
        log.info("bench.namespace.created", token=self.token, topics=len(self.topics), database=self.database)

    def drop(self) -> None:
        """Remove everything whose name starts with our token (Faust's internal topics and
        the worker's data folder too)."""
        drop_everything(self.settings, self.token)
        shutil.rmtree(self.settings.state_path / "worker" / self.settings.worker_id, ignore_errors=True)


def drop_everything(settings: Settings, prefix: str) -> tuple[list[str], list[str]]:
    """Delete the topics and databases named `prefix*`; returns what was deleted."""
    from kafka.admin import KafkaAdminClient

    from sinks.clickhouse import client

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap.split(","), client_id="hotline-bench")
    try:
        topics = sorted(t for t in admin.list_topics() if t.startswith(prefix))
        if topics:
            admin.delete_topics(topics)
    finally:
        admin.close()
    cli = client(settings)
    try:
        dbs = sorted(r[0] for r in cli.execute("SHOW DATABASES") if r[0].startswith(prefix))
        for db in dbs:
            if re.fullmatch(r"[A-Za-z0-9_]+", db):
                cli.execute(f"DROP DATABASE IF EXISTS {db}")
    finally:
        cli.disconnect()
    log.info("bench.namespace.dropped", prefix=prefix, topics=len(topics), databases=len(dbs))
    return topics, dbs

