"""Shared fixtures for every test: settings, and the real Kafka/ClickHouse of `hotline infra up`.

Fixtures that need a service check it once per session. When a service is down, the test
fails under CI (CI=true: `make test` started the services, so down means broken) and is
skipped locally with the command that starts it.

- `settings`            the effective Settings (env HOTLINE_*).
- `kafka_bootstrap`     "host:port" of the running broker.
- `clickhouse`          a clickhouse_driver.Client on the settings' database (`hotline`).
- `unique_name`         factory: unique_name("calls") -> "t_calls_<run>_<n>" (valid topic and DB name).
- `make_topic`          factory: make_topic("calls", partitions=3) creates a fresh topic, returns its name.
- `clickhouse_database` the name of a fresh database, dropped after the test.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hotline.config import Settings, get_settings

_RUN = uuid.uuid4().hex[:8]
_COUNTER = itertools.count(1)
_health: dict[str, bool] = {}


def _require(service: str, settings: Settings) -> None:
    """Fail under CI, skip locally, when `service` does not answer (checked once per session)."""
    if service not in _health:
        if service == "kafka":
            from infra.kafka import healthy

            _health[service] = healthy(settings.kafka_bootstrap, timeout=3.0)
        else:
            from infra.clickhouse import healthy

            _health[service] = healthy(settings)
    if _health[service]:
        return
    where = settings.kafka_bootstrap if service == "kafka" else f"{settings.clickhouse_host}:{settings.clickhouse_port}"
    msg = f"{service} is not answering at {where}; start it with `hotline infra up` (or run `make test`)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def kafka_bootstrap(settings: Settings) -> str:
    _require("kafka", settings)
    return settings.kafka_bootstrap


@pytest.fixture(scope="session")
def unique_name() -> Callable[[str], str]:
    """Names unique per run and per call, made of [a-z0-9_] so they suit topics and databases."""

    def make(prefix: str = "t") -> str:
        clean = "".join(c if c.isalnum() else "_" for c in prefix.lower())
        return f"t_{clean}_{_RUN}_{next(_COUNTER)}"

    return make


@pytest.fixture()
def make_topic(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    """Create fresh topics with the same code as `hotline infra topics`; deleted after the test."""
    from infra.topics import TopicSpec, ensure_topics

    created: list[str] = []

    def make(prefix: str = "topic", partitions: int = 3, **spec: Any) -> str:
        name = unique_name(prefix)
        ensure_topics(kafka_bootstrap, specs=[TopicSpec(name, partitions, **spec)])
        created.append(name)
        return name

    yield make
    if created:
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="tests-cleanup")
        try:
            admin.delete_topics(created)
        except Exception:  # noqa: BLE001 - cleanup is best effort; the names are unique anyway
            pass
        finally:
            admin.close()


@pytest.fixture(scope="session")
def clickhouse(settings: Settings) -> Iterator[Any]:
    """A clickhouse-driver Client on the settings' database (created by `hotline infra up`)."""
    _require("clickhouse", settings)
    from sinks.clickhouse import client

    c = client(settings, database=settings.clickhouse_database)
    yield c
    c.disconnect()


@pytest.fixture()
def clickhouse_database(clickhouse: Any, unique_name: Callable[[str], str]) -> Iterator[str]:
    """A fresh, empty database for one test; dropped afterwards."""
    name = unique_name("db")
    clickhouse.execute(f"CREATE DATABASE {name}")
    yield name
    clickhouse.execute(f"DROP DATABASE IF EXISTS {name}")
