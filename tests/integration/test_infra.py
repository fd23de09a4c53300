"""The local services of `hotline infra up`, on the real broker and server (no fakes)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer

from hotline.config import Settings
from infra import clickhouse as ch
from infra import kafka as kf
from infra.topics import TopicSpec, ensure_topics, pipeline_topics

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# Stopping the services breaks every other test (and developer) using them at that moment, so
# the restart tests run only where the services belong to the run: `make test` and CI set this.
restarts = pytest.mark.skipif(os.environ.get("HOTLINE_TEST_RESTARTS") != "1",
                              reason="stops the shared services; set HOTLINE_TEST_RESTARTS=1 (make test does)")


def hotline(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hotline", *args], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def produce(bootstrap: str, topic: str, n: int, prefix: str = "m") -> list[bytes]:
    values = [f"{prefix}-{i}".encode() for i in range(n)]
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for i, v in enumerate(values):
        producer.send(topic, key=f"k{i}".encode(), value=v)
    producer.flush(timeout=30)
    producer.close()
    return values


def consume(bootstrap: str, topic: str, n: int, group: str | None = None, timeout_s: float = 30) -> list[bytes]:
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=int(timeout_s * 1000))
    out = []
    try:
        for message in consumer:
            out.append(message.value)
            if len(out) >= n:
                break
        if group:
            consumer.commit()
    finally:
        consumer.close()
    return out


def test_kafka_python_round_trip_with_consumer_group(kafka_bootstrap: str, make_topic: Callable[..., str], unique_name: Callable[[str], str]) -> None:
    topic = make_topic("roundtrip", partitions=3)
    sent = produce(kafka_bootstrap, topic, 30)
    group = unique_name("group")
    got = consume(kafka_bootstrap, topic, 30, group=group)
    assert sorted(got) == sorted(sent)
    # The committed offsets of the group add up to everything produced.
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        offsets = admin.list_group_offsets(group)[group]
    finally:
        admin.close()
    assert sum(o.offset for o in offsets.values()) == 30


FAUST_APP = textwrap.dedent('''
    import os, sys
    import faust

    broker, topic, want, out, app_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    app = faust.App(app_id, broker="kafka://" + broker, store="memory://", web_enabled=False,
                    topic_replication_factor=1, consumer_auto_offset_reset="earliest")
    source = app.topic(topic, value_serializer="raw")
    seen = []

    @app.agent(source)
    async def collect(stream):
        async for value in stream:
            seen.append(value.decode())
            if len(seen) >= want:
                with open(out + ".tmp", "w") as f:
                    f.write("\\n".join(sorted(seen)))
                os.replace(out + ".tmp", out)
                os._exit(0)

    if __name__ == "__main__":
        sys.argv = [sys.argv[0], "worker", "-l", "warn"]
        app.main()
''')


def test_faust_app_consumes_a_topic(kafka_bootstrap: str, make_topic: Callable[..., str], unique_name: Callable[[str], str], tmp_path: Path) -> None:
    topic = make_topic("faust", partitions=2)
    sent = produce(kafka_bootstrap, topic, 12, prefix="faust")
    script, out = tmp_path / "app.py", tmp_path / "seen.txt"
    script.write_text(FAUST_APP)
    proc = subprocess.Popen([sys.executable, str(script), kafka_bootstrap, topic, "12", str(out), unique_name("faustapp")],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log = proc.stdout.read().decode(errors="replace")[-2000:] if proc.stdout else ""
    assert out.exists(), f"the Faust app consumed nothing within 90 s:\n{log}"
    assert out.read_text().splitlines() == sorted(v.decode() for v in sent)


def test_clickhouse_driver_query(clickhouse: Any, clickhouse_database: str) -> None:
    clickhouse.execute(f"CREATE TABLE {clickhouse_database}.t (id UInt32, name String) ENGINE = MergeTree ORDER BY id")
    clickhouse.execute(f"INSERT INTO {clickhouse_database}.t (id, name) VALUES", [(i, f"n{i}") for i in range(100)])
    assert clickhouse.execute(f"SELECT count(), sum(id), max(name) FROM {clickhouse_database}.t") == [(100, 4950, "n99")]


def test_up_created_the_database_and_topics(kafka_bootstrap: str, clickhouse: Any, settings: Settings) -> None:
    dbs = {r[0] for r in clickhouse.execute("SHOW DATABASES")}
    assert settings.clickhouse_database in dbs
    results = ensure_topics(kafka_bootstrap)  # `up` created them: re-running changes nothing
    assert [(r.name, r.action) for r in results] == [(t.name, "ok") for t in pipeline_topics(settings)]


def test_topic_differences_are_reported_not_applied(kafka_bootstrap: str, make_topic: Callable[..., str]) -> None:
    name = make_topic("differs", partitions=2, retention_ms=3_600_000)
    [result] = ensure_topics(kafka_bootstrap, specs=[TopicSpec(name, 4, retention_ms=-1)])
    assert result.action == "differs"
    assert result.differences == ["2 partitions, declared 4", "retention.ms=3600000, declared -1"]
    [again] = ensure_topics(kafka_bootstrap, specs=[TopicSpec(name, 2, retention_ms=3_600_000)])
    assert again.action == "ok"


def test_up_twice_is_a_noop_and_survives_a_stale_pid_file(kafka_bootstrap: str, clickhouse: Any, settings: Settings) -> None:
    if not (kf.is_local(settings) and ch.is_local(settings)):
        pytest.skip("services are remote: nothing of ours to start")
    pid_file = kf.Paths(settings).pid
    real = kf.pid(settings)
    assert real, "the broker answers but is not ours: was it started from another state folder?"
    pid_file.write_text(f"{os.getpid()}\n")  # a live process that is not the broker
    result = hotline("infra", "up")
    assert result.returncode == 0, result.stderr
    assert "already up (nothing to do)" in result.stdout
    assert kf.pid(settings) == real
    status = hotline("infra", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert '"healthy": true' in status.stdout


@restarts
def test_data_survives_down_and_up(kafka_bootstrap: str, make_topic: Callable[..., str], clickhouse: Any,
                                   clickhouse_database: str, settings: Settings) -> None:
    if not (kf.is_local(settings) and ch.is_local(settings)):
        pytest.skip("services are remote: nothing of ours to stop")
    topic = make_topic("durable", partitions=2)
    sent = produce(kafka_bootstrap, topic, 10, prefix="durable")
    clickhouse.execute(f"CREATE TABLE {clickhouse_database}.kept (id UInt32) ENGINE = MergeTree ORDER BY id")
    clickhouse.execute(f"INSERT INTO {clickhouse_database}.kept (id) VALUES", [(i,) for i in range(7)])
    try:
        down = hotline("infra", "down")
        assert down.returncode == 0, down.stderr
        assert "kafka stopped" in down.stdout and "clickhouse stopped" in down.stdout
        assert not kf.healthy(kafka_bootstrap, timeout=1.0) and not ch.healthy(settings)
    finally:
        up = hotline("infra", "up")  # always leave the shared services up for the other tests
    assert up.returncode == 0, up.stderr
    assert "kafka started, clickhouse started" in up.stdout
    assert sorted(consume(kafka_bootstrap, topic, 10)) == sorted(sent)
    assert clickhouse.execute(f"SELECT count(), sum(id) FROM {clickhouse_database}.kept") == [(7, 21)]


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def test_port_already_in_use_is_one_clear_line(tmp_path: Path) -> None:
    kafka_port, controller, native, http = _free_ports(4)
    env = {"HOTLINE_STATE_DIR": str(tmp_path / "state"), "HOTLINE_KAFKA_BOOTSTRAP": f"127.0.0.1:{kafka_port}",
           "HOTLINE_KAFKA_CONTROLLER_PORT": str(controller), "HOTLINE_CLICKHOUSE_PORT": str(native),
           "HOTLINE_CLICKHOUSE_HTTP_PORT": str(http)}
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", kafka_port))
        squatter.listen()
        try:
            result = hotline("infra", "up", env=env, timeout=120)
        finally:
            hotline("infra", "down", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("hotline: error:")]
    assert f"port {kafka_port} (Kafka) is already in use by pid {os.getpid()}" in line
    assert "HOTLINE_KAFKA_BOOTSTRAP" in line
    assert not (tmp_path / "state" / "kafka" / "kafka.pid").exists()
