"""Helpers of the worker integration tests: isolated topics, worker processes, reading outputs.

Every test gets its own topics and Faust app id (so its own consumer groups and internal
topics) and runs `hotline worker` as a child process configured by HOTLINE_* variables.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

ROOT = Path(__file__).resolve().parents[2]
HOTLINE = [sys.executable, "-m", "hotline"]
OUTPUTS = ("enriched", "feed", "alerts", "deadletter", "unmatched")


class Pipeline:
    """One test's topics and worker environment."""

    def __init__(self, make_topic: Callable[..., str], unique_name: Callable[[str], str], bootstrap: str,
                 partitions: int = 6, **overrides: Any) -> None:
        self.bootstrap = bootstrap
        self.topics = {"calls": make_topic("calls", partitions=partitions)}
        for name in OUTPUTS:
            self.topics[name] = make_topic(name, partitions=3 if name == "enriched" else 1)
        self.app_id = unique_name("worker")
        env = {f"HOTLINE_TOPIC_{k.upper()}": v for k, v in self.topics.items()}
        env.update({
            "HOTLINE_WORKER_ID": self.app_id, "HOTLINE_WORKER_WEB_PORT": "0", "HOTLINE_MODE": "test",
            "HOTLINE_WORKER_IDLE_FLUSH_SECONDS": "2", "HOTLINE_LOG_LEVEL": "INFO",
            "HOTLINE_KAFKA_BOOTSTRAP": bootstrap,
        })
        env.update({f"HOTLINE_{k.upper()}": str(v) for k, v in overrides.items()})
        self.env = {**os.environ, **env}
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.killed: set[int] = set()

    # --- workers -----------------------------------------------------------------------
    def start_worker(self, log_dir: Path) -> subprocess.Popen:
        log = log_dir / f"worker{len(self.procs)}.log"
        proc = subprocess.Popen([*HOTLINE, "worker"], env=self.env, cwd=ROOT, stdout=open(log, "wb"),
                                stderr=subprocess.STDOUT)
        self.procs.append(proc)
        self.logs.append(log)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL: no clean shutdown, no final commit, no producer flush."""
        self.killed.add(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self, sig: int = signal.SIGTERM, timeout: float = 30) -> list[int | None]:
        codes = []
        alive = [p for p in self.procs if p.pid not in self.killed]
        for p in alive:
            if p.poll() is None:
                p.send_signal(sig)
        for p in alive:
            try:
                codes.append(p.wait(timeout))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append(p.wait(5))
        return codes

    def log_text(self) -> str:
        return "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-4000:] for p in self.logs if p.exists())

    # --- input / output ---------------------------------------------------------------
    def produce(self, items: Iterable[tuple[bytes | None, bytes]]) -> int:
        producer = KafkaProducer(bootstrap_servers=self.bootstrap, linger_ms=10, acks="all")
        n = 0
        for key, value in items:
            producer.send(self.topics["calls"], key=key, value=value)
            n += 1
        producer.flush()
        producer.close()
        return n

    def read(self, name: str, timeout: float = 5.0) -> list[Any]:
        """Every record now in an output topic (ConsumerRecords, from the beginning)."""
        topic = self.topics[name]
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                 auto_offset_reset="earliest", consumer_timeout_ms=int(timeout * 1000))
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(parts)
        ends = consumer.end_offsets(parts)
        out: list[Any] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in parts) and time.monotonic() < deadline:
            for recs in consumer.poll(timeout_ms=500).values():
                out.extend(recs)
        consumer.close()
        return out

    def group_members(self, group: str) -> int:
        """Members of a consumer group (0 if it does not exist yet)."""
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="tests-group-check")
        try:
            desc = admin.describe_groups([group])
        except Exception:  # noqa: BLE001 - not there yet
            return 0
        finally:
            admin.close()
        g = desc.get(group) if isinstance(desc, dict) else None
        return len(g.get("members") or []) if g and g.get("group_state") == "Stable" else 0

    def wait_for(self, check: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = check()
            if got:
                return got
            for p in self.procs:
                if p.pid not in self.killed and p.poll() is not None and p.returncode not in (0, None):
                    raise AssertionError(f"worker exited {p.returncode} while waiting for {what}\n{self.log_text()}")
            time.sleep(0.5)
        raise AssertionError(f"timed out waiting for {what}\n{self.log_text()}")


def latest_feed(records: Iterable[Any]) -> dict[str, dict]:
    """The highest revision of each feed record_id (what a consumer keeps)."""
    best: dict[str, dict] = {}
    for r in records:
        rec = json.loads(r.value)
        cur = best.get(rec["record_id"])
        if cur is None or rec["revision"] > cur["revision"]:
            best[rec["record_id"]] = rec
    return best


def day_total(feed: dict[str, dict]) -> int:
    """Calls in the feed's day windows (sum over days of the `total` cell)."""
    return sum(r["calls"] or 0 for r in feed.values() if r.get("dimension") == "total" and r["window"] == "day")
