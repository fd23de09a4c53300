"""`hotline sink` on the real broker and ClickHouse: every record exactly once across SIGKILLs
at random moments, a full replay, and ClickHouse stopped mid-stream; plus the negative control
showing that the duplicate check does catch duplicates when the replay filter is off.

Each test uses its own topics, consumer group and database.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hotline.config import Settings, get_settings
from sinks import samples
from sinks.clickhouse import client, private_database, runner
from sinks.migrate import migrate

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# Identity of a row in each table: the check counts rows against distinct identities.
ROW_KEYS = {
    "calls": "event_id",
    "questions": "event_id, seq",
    "adverse_effect_mentions": "event_id, seq, symptom",
    "ministry_feed": "record_id, revision",
    "service_figures": "record_id, revision",
    "alerts": "alert_id, revision",
}


@dataclass
class Stream:
    """What a test produced, and what the tables must therefore hold."""

    prefix: str
    database: str
    topics: dict[str, str]
    calls: dict[Any, Any] = field(default_factory=dict)  # event_id -> EnrichedCall (distinct)
    produced: int = 0
    invalid: int = 0
    feed: set = field(default_factory=set)
    port: int = 9000

    def env(self, group: str, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "HOTLINE_TOPIC_ENRICHED": self.topics["enriched"],
            "HOTLINE_TOPIC_FEED": self.topics["feed"],
            "HOTLINE_TOPIC_ALERTS": self.topics["alerts"],
            "HOTLINE_TOPIC_DEADLETTER": self.topics["deadletter"],
            "HOTLINE_CLICKHOUSE_DATABASE": self.database,
            "HOTLINE_CLICKHOUSE_PORT": str(self.port),
            "HOTLINE_SINK_GROUP": group,
            "HOTLINE_SINK_BATCH_ROWS": "400",
            "HOTLINE_SINK_BATCH_SECONDS": "0.3",
            "HOTLINE_LOG_LEVEL": "INFO",
        })
        env.update(extra)
        return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Our own ClickHouse server (infra's start/stop functions, own state folder and ports):
    the outage test stops it for 30 s, and no other test run can restart it under us."""
    from infra.services import start_clickhouse, stop_clickhouse

    s = get_settings().model_copy(update={
        "state_dir": tmp_path_factory.mktemp("sink-ch") / "state",
        "clickhouse_port": _free_port(), "clickhouse_http_port": _free_port()})
    start_clickhouse(s)
    try:
        yield s
    finally:
        stop_clickhouse(s)


@pytest.fixture()
def stream(server: Settings, make_topic: Callable[..., str], unique_name: Callable[[str], str]) -> Iterator[Stream]:
    """Fresh topics (the shared `make_topic`) and a fresh migrated database on our server."""
    topics = {name: make_topic(f"sink_{name}", partitions=3 if name == "enriched" else 1)
              for name in ("enriched", "feed", "alerts", "deadletter")}
    database = unique_name("sink")
    cli = client(server)
    migrate(runner(cli), database)
    try:
        yield Stream(database, database, topics, port=server.clickhouse_port)
    finally:
        cli.execute(f"DROP DATABASE IF EXISTS {database}")
        cli.execute(f"DROP DATABASE IF EXISTS {private_database(database)}")
        cli.disconnect()


@pytest.fixture()
def ch(server: Settings) -> Iterator[Any]:
    cli = client(server)
    yield cli
    cli.disconnect()


def produce(st: Stream, n_calls: int, dup_share: float = 0.1, invalid: int = 3, seed: int = 1) -> None:
    """n distinct enriched calls keyed by call id, re-sends of some (same event_id, same key),
    a few unreadable records, and feed/alert/dead-letter records."""
    from kafka import KafkaProducer

    rng = random.Random(seed + st.produced)
    producer = KafkaProducer(bootstrap_servers=get_settings().kafka_bootstrap.split(","), acks="all", linger_ms=20,
                             batch_size=256 * 1024)
    fresh = [samples.enriched_call(rng) for _ in range(n_calls)]
    sends = [(c, c.model_dump_json().encode()) for c in fresh]
    sends += [(c, raw) for c, raw in rng.sample(sends, int(n_calls * dup_share))]
    for c, raw in sends:
        producer.send(st.topics["enriched"], key=c.call_id.encode(), value=raw)
        st.calls[c.event_id] = c
    for i in range(invalid):
        producer.send(st.topics["enriched"], key=f"bad{i}".encode(), value=b'{"event_id": "not-a-uuid", "broken": ' + str(i).encode())
    st.produced += len(sends)
    st.invalid += invalid
    for rev in (1, 2, 2):
        cell = samples.feed_cell(record_id=f"hour:{st.prefix}:{seed}", revision=rev)
        producer.send(st.topics["feed"], value=cell.model_dump_json().encode())
        st.feed.add((cell.record_id, rev))
    producer.send(st.topics["feed"], value=samples.service_figures(record_id=f"svc:{seed}").model_dump_json().encode())
    producer.send(st.topics["alerts"], value=samples.spike_alert(revision=seed).model_dump_json().encode())
    producer.flush(timeout=60)
    producer.close()


_started: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_orphan_sinks() -> Iterator[None]:
    """A failing test must not leave a sink running: kill what it started and remove the logs."""
    yield
    while _started:
        proc = _started.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]


def start_sink(st: Stream, group: str, *args: str, **env: str) -> subprocess.Popen:
    """`hotline sink` as a child process; its log goes to a file (a pipe nobody reads would fill
    and block it)."""
    log = tempfile.NamedTemporaryFile("w+", prefix="sink-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "hotline", "sink", *args], cwd=ROOT, env=st.env(group, **env),
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    proc.log_path = log.name  # type: ignore[attr-defined]
    log.close()
    _started.append(proc)
    return proc


def log_of(proc: subprocess.Popen) -> str:
    path = Path(proc.log_path)  # type: ignore[attr-defined]
    text = path.read_text(encoding="utf-8", errors="replace")
    if proc.poll() is not None:
        path.unlink(missing_ok=True)
    return text


def finish(proc: subprocess.Popen, timeout: float = 90) -> str:
    """Wait for a sink started with --until-idle; its log, which must show a clean exit."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("sink did not finish in time:\n" + log_of(proc)[-3000:])
    err = log_of(proc)
    assert proc.returncode == 0, err[-3000:]
    assert "sink.done" in err
    return err


def count(cli: Any, sql: str) -> int:
    return int(cli.execute(sql)[0][0])


def duplicates(cli: Any, db: str) -> dict[str, int]:
    """Rows minus distinct identities, per table (the dead letters by where they were read)."""
    out = {t: count(cli, f"SELECT count() - uniqExact({k}) FROM {db}.{t}") for t, k in ROW_KEYS.items()}
    out["dead_letters"] = count(cli, f"SELECT count() - uniqExact(log_topic, log_partition, log_offset) FROM {private_database(db)}.dead_letters")
    return out


def assert_exact(cli: Any, st: Stream) -> None:
    db = st.database
    assert duplicates(cli, db) == {t: 0 for t in [*ROW_KEYS, "dead_letters"]}
    calls = list(st.calls.values())
    assert count(cli, f"SELECT count() FROM {db}.calls") == len(calls)
    assert {r[0] for r in cli.execute(f"SELECT event_id FROM {db}.calls")} == set(st.calls)
    assert count(cli, f"SELECT count() FROM {db}.questions") == sum(len(c.questions) for c in calls)
    assert count(cli, f"SELECT count() FROM {db}.adverse_effect_mentions") == sum(len(q.symptoms) for c in calls for q in c.questions)
    assert count(cli, f"SELECT count() FROM {private_database(db)}.dead_letters WHERE stage = 'sink'") == st.invalid
    assert {tuple(r) for r in cli.execute(f"SELECT record_id, revision FROM {db}.ministry_feed")} == st.feed


def test_sigkill_at_random_moments_then_exact(stream: Stream, ch: Any) -> None:
    produce(stream, 12_000, dup_share=0.1, invalid=3, seed=1)
    seed = int(time.time())
    print(f"kill timing seed: {seed}")  # shown on failure, to replay the same kill moments
    rng = random.Random(seed)
    group = f"{stream.prefix}-g"
    kills = 0
    seen = 0
    deadline = time.monotonic() + 60
    while kills < 4 and time.monotonic() < deadline:
        proc = start_sink(stream, group)
        # wait until this process has written something, then kill it a random moment later
        while proc.poll() is None and count(ch, f"SELECT count() FROM {stream.database}.questions") <= seen:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.8))
        if proc.poll() is not None:
            break  # it finished everything before we could kill it
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        log_of(proc)
        kills += 1
        seen = count(ch, f"SELECT count() FROM {stream.database}.questions")
    assert kills >= 3, "the sink finished before it could be killed 3 times; produce more"
    finish(start_sink(stream, group, "--until-idle", "4"))
    assert_exact(ch, stream)


def test_full_replay_is_skipped_and_negative_control_finds_duplicates(stream: Stream, ch: Any) -> None:
    produce(stream, 3_000, dup_share=0.2, invalid=2, seed=2)
    finish(start_sink(stream, f"{stream.prefix}-a", "--until-idle", "3"))
    assert_exact(ch, stream)
    # A new group re-reads everything from offset 0, as after a crash before any commit.
    err = finish(start_sink(stream, f"{stream.prefix}-b", "--until-idle", "3"))
    assert "sink.replay_skipped" in err
    assert_exact(ch, stream)
    # Negative control: the same replay with the filter off must be caught by the same check.
    finish(start_sink(stream, f"{stream.prefix}-c", "--until-idle", "3", "--unsafe-no-dedup"))
    dup = duplicates(ch, stream.database)
    assert dup["calls"] >= len(stream.calls) and dup["questions"] > 0 and dup["dead_letters"] == stream.invalid
    with pytest.raises(AssertionError):
        assert_exact(ch, stream)


def test_clickhouse_stopped_mid_stream(server: Settings, stream: Stream, ch: Any) -> None:
    from infra.services import start_clickhouse, stop_clickhouse

    produce(stream, 4_000, seed=3)
    proc = start_sink(stream, f"{stream.prefix}-o", "--until-idle", "3")
    while count(ch, f"SELECT count() FROM {stream.database}.calls") == 0:
        assert proc.poll() is None, log_of(proc)[-3000:]
        time.sleep(0.05)
    ch.disconnect()
    stop_clickhouse(server)
    stopped = time.monotonic()
    try:
        produce(stream, 4_000, seed=4)  # more arrives while ClickHouse is down
        time.sleep(max(0.0, 30 - (time.monotonic() - stopped)))
        assert proc.poll() is None, "the sink must wait for ClickHouse, not exit"
    finally:
        start_clickhouse(server)
    err = finish(proc, timeout=120)
    assert "sink.retry" in err and "sink.recovered" in err
    assert_exact(ch, stream)


def test_sigterm_flushes_the_batch_in_hand_and_commits(stream: Stream, ch: Any) -> None:
    produce(stream, 2_000, dup_share=0.0, invalid=0, seed=5)
    group = f"{stream.prefix}-t"
    # A batch that neither size nor time would flush for a minute: only the stop can.
    proc = start_sink(stream, group, HOTLINE_SINK_BATCH_ROWS="100000", HOTLINE_SINK_BATCH_SECONDS="60")
    deadline = time.monotonic() + 30
    # wait until everything is read (lag 0 in a progress line) but, by construction, not written
    while " lag=0 " not in Path(proc.log_path).read_text() and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.2)
    assert count(ch, f"SELECT count() FROM {stream.database}.calls") == 0  # still in hand
    proc.send_signal(signal.SIGTERM)
    err = finish(proc, timeout=30)
    assert "sink.stopping" in err
    assert_exact(ch, stream)
    # The offsets were committed: the same group finds nothing left to read.
    again = finish(start_sink(stream, group, "--until-idle", "2"))
    assert "records=0" in next(line for line in again.splitlines() if "sink.done" in line)
