"""Generated service configs, the topic list and the errors users see (no services needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hotline.config import Settings
from hotline.errors import HotlineError
from infra import clickhouse as ch
from infra import kafka as kf
from infra import services
from infra.topics import DAY_MS, TopicSpec, _compare, pipeline_topics

ROOT = Path(__file__).resolve().parents[3]


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(state_dir=tmp_path, **kw)


def test_pipeline_topics_follow_settings() -> None:
    s = Settings(calls_partitions=12, replication_factor=3, topic_calls="x.calls")
    topics = {t.name: t for t in pipeline_topics(s)}
    assert list(topics) == ["x.calls", s.topic_enriched, s.topic_feed, s.topic_alerts, s.topic_deadletter, s.topic_unmatched]
    calls = topics["x.calls"]
    assert (calls.partitions, calls.replication_factor, calls.configs()) == (12, 3, {"retention.ms": "-1", "cleanup.policy": "delete"})
    assert topics[s.topic_enriched].retention_ms == 30 * DAY_MS
    assert topics[s.topic_alerts].partitions == 1
    assert topics[s.topic_deadletter].retention_ms == topics[s.topic_unmatched].retention_ms == 90 * DAY_MS


def test_compare_reports_every_difference() -> None:
    spec = TopicSpec("t", 6, 1, -1)
    meta = {"partitions": [{"replicas": [1, 2]}] * 3}
    configs = {"retention.ms": {"value": "86400000"}, "cleanup.policy": {"value": "delete"}}
    result = _compare(spec, meta, configs)
    assert result.action == "differs"
    assert result.differences == ["3 partitions, declared 6", "replication factor 2, declared 1", "retention.ms=86400000, declared -1"]
    same = _compare(spec, {"partitions": [{"replicas": [1]}] * 6}, {"retention.ms": {"value": "-1"}})
    assert same.action == "ok" and same.line() == "t: ok"


@pytest.mark.parametrize("value", ["nonsense", "host:", ":9092", "h:p"])
def test_bad_bootstrap_is_a_clear_error(value: str) -> None:
    with pytest.raises(HotlineError, match="HOTLINE_KAFKA_BOOTSTRAP"):
        kf.bootstrap_address(value)


def test_bootstrap_locality() -> None:
    assert kf.bootstrap_address("127.0.0.1:9092,other:9093") == ("127.0.0.1", 9092)
    assert kf.is_local(Settings(kafka_bootstrap="localhost:1"))
    assert not kf.is_local(Settings(kafka_bootstrap="kafka-1.example:9092"))
    assert not ch.is_local(Settings(clickhouse_host="ch.example"))


def test_kafka_configs_single_node_kraft(tmp_path: Path) -> None:
    s = settings(tmp_path, kafka_bootstrap="127.0.0.1:19092", kafka_controller_port=19093)
    paths = kf.Paths(s)
    kf._write_configs(s, paths)
    props = dict(line.split("=", 1) for line in paths.properties.read_text().splitlines() if line and not line.startswith("#"))
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["log.dirs"] == str(tmp_path.resolve() / "kafka" / "data")
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor", "transaction.state.log.min.isr"):
        assert props[key] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0" and props["auto.create.topics.enable"] == "true"
    log4j = ET.parse(paths.log4j).getroot()
    assert log4j.find("Appenders/RollingFile").get("fileName") == f"{paths.logs}/server.log"


def test_cluster_id_is_a_kafka_uuid() -> None:
    for _ in range(50):
        cid = kf._new_cluster_id()
        assert len(cid) == 22 and not cid.startswith("-") and "=" not in cid


def test_clickhouse_configs_are_ours_and_valid_xml(tmp_path: Path) -> None:
    s = settings(tmp_path, clickhouse_port=19000, clickhouse_http_port=18123, clickhouse_user="writer",
                 clickhouse_password="w<&>", clickhouse_analyst_password="secret")
    paths = ch.Paths(s)
    ch._write_configs(s, paths)
    config = ET.parse(paths.config).getroot()
    assert config.tag == "yandex"
    assert (config.findtext("tcp_port"), config.findtext("http_port"), config.findtext("listen_host")) == ("19000", "18123", "127.0.0.1")
    assert config.findtext("path") == f"{paths.data}/" and config.findtext("users_config") == str(paths.users)
    assert config.findtext("logger/log").startswith(str(paths.logs))
    users = ET.parse(paths.users).getroot()
    assert users.findtext("profiles/analyst/readonly") == "1"
    assert users.findtext("users/analyst/password") == "secret"
    assert users.findtext("users/analyst/profile") == "analyst"
    assert users.findtext("users/analyst/allow_databases/database") == "hotline"
    assert users.findtext("users/writer/password") == "w<&>"
    assert users.findtext("users/default/password") == ""


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(kf.shutil, "which", lambda name: None)
    with pytest.raises(HotlineError, match=r"Java not found.*Java 17"):
        kf.java_binary()


def test_missing_mvn_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kf.shutil, "which", lambda name: None)
    with pytest.raises(HotlineError, match=r"Maven \(mvn\) not found"):
        kf.classpath(settings(tmp_path))


def test_failed_download_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A version Maven Central does not have fails like a network error would: one line."""
    fake_mvn = tmp_path / "bin" / "mvn"
    fake_mvn.parent.mkdir()
    fake_mvn.write_text("#!/bin/sh\necho '[ERROR] Failed to execute goal: Could not resolve dependencies for project'\nexit 1\n")
    fake_mvn.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_mvn.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(HotlineError) as err:
        kf.classpath(settings(tmp_path, kafka_version="9.9.9"))
    assert "could not download Apache Kafka 9.9.9" in str(err.value)
    assert "Could not resolve dependencies" in str(err.value) and "\n" not in str(err.value)


def test_bad_environment_value_exits_1_with_one_line() -> None:
    env = {**os.environ, "HOTLINE_CLICKHOUSE_PORT": "abc"}
    result = subprocess.run([sys.executable, "-m", "hotline", "infra", "up"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "hotline: error: bad configuration: HOTLINE_CLICKHOUSE_PORT: Input should be a valid integer, "
        "unable to parse string as an integer (got 'abc')"
    ]


def test_up_stops_what_it_started_when_the_other_service_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(services.kafka, "start", lambda s: calls.append("kafka.start") or "started")
    monkeypatch.setattr(services.kafka, "stop", lambda s: calls.append("kafka.stop") or "stopped")

    def clickhouse_port_taken(s: Settings) -> str:
        raise HotlineError("port 9000 (ClickHouse) is already in use")

    monkeypatch.setattr(services.clickhouse, "start", clickhouse_port_taken)
    monkeypatch.setattr(services.clickhouse, "stop", lambda s: calls.append("clickhouse.stop") or "stopped")
    with pytest.raises(HotlineError, match="9000"):
        services.up(settings(tmp_path))
    assert calls == ["kafka.start", "kafka.stop"]
