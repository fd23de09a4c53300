"""The whole pipeline, measured from outside: worker and sink as child processes, ClickHouse
polled for what is visible, the kernel asked for CPU time and peak memory, py-spy for where
the time goes.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotline.errors import HotlineError
from hotline.log import get_logger
from hotline.processes import Component, peak_rss_kib

log = get_logger("bench.e2e")

_CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a live process (/proc/<pid>/stat fields 14 and 15)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (/proc/stat): minus ours = other load."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _CLK_TCK


@dataclass
class Usage:
    """What one component used during a timed window."""

    peak_rss_kib: int | None = None
    cpu_s: float | None = None

    def cores(self, seconds: float) -> float | None:
        return None if self.cpu_s is None or seconds <= 0 else self.cpu_s / seconds


def service_pids(settings: Any) -> dict[str, int]:
    """Kafka and ClickHouse processes started by `hotline infra up` (none if run elsewhere)."""
    from infra.services import status

    st = status(settings)
    return {name: st[name]["pid"] for name in ("kafka", "clickhouse") if st[name].get("pid")}


class Pipeline:
    """`hotline worker` + `hotline sink` of one namespace; also watches the servers' CPU."""

    def __init__(self, env: dict[str, str], log_dir: Path, phase: str, services: dict[str, int] | None = None,
                 workers: int = 1) -> None:
        # several workers share the consumer group and split the calls topic's partitions
        self.workers = [Component(name, ["worker"], log_dir / f"{phase}-{name}.log", env)
                        for name in ["worker", *(f"worker{i}" for i in range(2, workers + 1))]]
        self.sink = Component("sink", ["sink"], log_dir / f"{phase}-sink.log", env)
        self.services = services or {}
        self._cpu0: dict[str, float] = {}

    @property
    def components(self) -> tuple[Component, ...]:
        return (*self.workers, self.sink)

    def pids(self) -> dict[str, int | None]:
        return {**{c.name: c.pid for c in self.components}, **self.services, "bench": os.getpid()}

    def start(self) -> None:
        for c in self.components:
            c.start()

    def cpu(self) -> dict[str, float | None]:
        """CPU seconds so far of each process, and of the whole machine (`machine`)."""
        out = {name: cpu_seconds(pid) for name, pid in self.pids().items()}
        out["machine"] = machine_busy_seconds()
        return out

    def mark(self) -> None:
        """Start of a timed window: remember CPU time used so far."""
        self._cpu0 = {k: v or 0.0 for k, v in self.cpu().items()}

    def usage(self) -> dict[str, Usage]:
        """CPU since `mark()` and lifetime peak RSS; read while the processes still run."""
        out = {}
        pids = self.pids()
        for name, cpu in self.cpu().items():
            out[name] = Usage(peak_rss_kib(pids.get(name)), None if cpu is None else cpu - self._cpu0.get(name, 0.0))
        return out

    def check(self) -> None:
        for c in self.components:
            c.check()

    def stop(self) -> None:
        for c in self.components:
            try:
                c.stop()
            except Exception as exc:  # stopping must go on for the other one
                log.error("bench.stop_failed", name=c.name, error=str(exc))


# --- ClickHouse ------------------------------------------------------------------------


class Tables:
    """Counts in the namespace's calls/questions tables (exact, duplicates included)."""

    def __init__(self, settings: Any) -> None:
        from sinks.clickhouse import client

        self.db = settings.clickhouse_database
        self.cli = client(settings, database=self.db)

    def counts(self) -> tuple[int, int]:
        calls = self.cli.execute(f"SELECT count() FROM {self.db}.calls")[0][0]
        questions = self.cli.execute(f"SELECT count() FROM {self.db}.questions")[0][0]
        return int(calls), int(questions)

    def distinct_calls(self) -> int:
        return int(self.cli.execute(f"SELECT uniqExact(event_id) FROM {self.db}.calls")[0][0])

    def close(self) -> None:
        self.cli.disconnect()


@dataclass
class Drain:
    """Time until ClickHouse holds `calls` calls and `questions` questions."""

    first_row_s: float | None = None
    all_s: float | None = None
    calls: int = 0
    questions: int = 0
    samples: list[tuple[float, int, int, dict[str, float | None]]] = field(default_factory=list)

    def steady(self, lo: float = 0.1, hi: float = 0.9) -> tuple[float, float, dict[str, float]] | None:
        """(calls/s, questions/s, cores busy per process) between the samples where the calls
        visible first reached `lo` and `hi` of the total: the rate without start-up and tail."""
        if not self.samples:
            return None
        total = self.samples[-1][1]
        a = next((s for s in self.samples if s[1] >= lo * total), None)
        b = next((s for s in self.samples if s[1] >= hi * total), None)
        if a is None or b is None or b[0] <= a[0]:
            return None
        dt = b[0] - a[0]
        cores = {k: round((b[3][k] - a[3][k]) / dt, 2) for k in b[3] if b[3].get(k) is not None and a[3].get(k) is not None}
        return (b[1] - a[1]) / dt, (b[2] - a[2]) / dt, cores


def wait_for_rows(tables: Tables, pipeline: Pipeline, t0: float, calls: int, questions: int,
                  timeout: float, interval: float = 0.25, every: float = 5.0) -> Drain:
    """Poll counts until both targets are reached; `t0` is the perf_counter origin."""
    drain = Drain()
    deadline = time.perf_counter() + timeout
    last_log = 0.0
    while True:
        c, q = tables.counts()
        now = time.perf_counter() - t0
        drain.samples.append((round(now, 3), c, q, pipeline.cpu()))
        drain.calls, drain.questions = c, q
        if c and drain.first_row_s is None:
            drain.first_row_s = now
        if c >= calls and q >= questions:
            drain.all_s = now
            log.info("bench.drain.done", calls=c, questions=q, seconds=round(now, 2), calls_per_s=round(c / now, 1))
            return drain
        if now - last_log >= every:
            last_log = now
            log.info("bench.drain.progress", calls=c, of=calls, questions=q, of_questions=questions,
                     seconds=round(now, 1), calls_per_s=round(c / now, 1) if now else 0)
        pipeline.check()
        if time.perf_counter() > deadline:
            raise HotlineError(f"timed out after {timeout:.0f} s: ClickHouse holds {c}/{calls} calls and {q}/{questions} questions; "
                               "see the worker and sink logs")
        time.sleep(interval)


# --- latency ---------------------------------------------------------------------------


class VisibilityPoller(threading.Thread):
    """Notes, for every call row, the first poll of `calls` that returned it.

    Every `interval` s: `SELECT event_id ... WHERE inserted_at >= watermark - 2`, where
    `inserted_at` is the server's `now()` at insert (the column's DEFAULT, second
    resolution) and the watermark the newest one seen: each poll reads only the last few
    seconds of inserts, and no insert can be missed since the sink inserts one batch at a
    time. The time kept is when that poll *returned* (wall clock): the row became visible
    between the previous poll's start and then, so latencies are upper bounds with a
    resolution of `interval` + one query time.
    """

    def __init__(self, settings: Any, interval: float = 0.1) -> None:
        super().__init__(name="visibility-poller", daemon=True)
        from sinks.clickhouse import client

        self.db = settings.clickhouse_database
        self.cli = client(settings, database=self.db)
        self.interval = interval
        self.seen: dict[str, float] = {}
        self.query_s: list[float] = []
        self._stop_evt = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            watermark = int(self.cli.execute("SELECT toUnixTimestamp(now())")[0][0]) - 5
            while not self._stop_evt.is_set():
                t_issue = time.time()
                rows = self.cli.execute(
                    f"SELECT toString(event_id), toUnixTimestamp(inserted_at) FROM {self.db}.calls "
                    f"WHERE inserted_at >= toDateTime({watermark - 2})"
                )
                t_ret = time.time()
                self.query_s.append(t_ret - t_issue)
                for eid, ins in rows:
                    if eid not in self.seen:
                        self.seen[eid] = t_ret
                    if ins > watermark:
                        watermark = ins
                self._stop_evt.wait(max(0.0, self.interval - (t_ret - t_issue)))
        except BaseException as exc:  # reported by the caller
            self.error = exc
        finally:
            self.cli.disconnect()

    def stop(self) -> None:
        self._stop_evt.set()
        self.join(10)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation): p99 of 12,000 samples is the 11,880th."""
    if not values:
        return math.nan
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


# --- profiling -------------------------------------------------------------------------


class Profiler:
    """`py-spy record` attached to a running process (sampling, non-blocking)."""

    def __init__(self, pid: int, out: Path, rate: int = 50) -> None:
        exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(exe).exists():
            raise HotlineError("py-spy is not installed; `.venv/bin/pip install py-spy` or run without --profile")
        self.out = out
        self.proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--rate", str(rate), "--nonblocking", "--format", "raw", "-o", str(out)],
            stdout=subprocess.DEVNULL, stderr=open(out.with_suffix(".log"), "wb"), stdin=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_AREAS = (  # (area, prefixes of the module path as py-spy prints it)
    ("json / pydantic parse+dump", ("pydantic", "json/", "orjson")),
    ("gzip / lz4 codec", ("gzip.py", "zlib", "lz4", "kafka/codec.py", "aiokafka/codec.py", "cramjam")),
    ("kafka client (aiokafka / kafka-python)", ("aiokafka/", "kafka/")),
    ("faust / mode runtime", ("faust/", "mode/", "venusian/")),
    ("clickhouse-driver", ("clickhouse_driver/",)),
    ("asyncio / selectors (waiting, socket I/O)", ("asyncio/", "selectors.py", "socket.py", "ssl.py")),
    ("project: streams/", ("streams/",)),
    ("project: sinks/", ("sinks/",)),
    ("project: schemas/", ("schemas/",)),
)


def summarize_profile(path: Path, top: int = 12) -> dict[str, Any]:
    """Self time per leaf function, inclusive time per project function, self time per area.

    py-spy's raw format is one line per distinct stack: `frame;frame;...;leaf count`,
    each frame `function (file:line)`.
    """
    if not path.exists():
        return {"samples": 0, "self": [], "inclusive": [], "areas": []}
    self_t: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        count = int(n)
        total += count
        frames = [_short(f) for f in stack.split(";") if not f.startswith("process ") and not f.startswith("thread ")]
        if not frames:
            continue
        self_t[frames[-1]] += count
        for f in set(frames):
            if _is_project_step(f):
                incl[f] += count
        areas[_area(stack.split(";"))] += count
    def share(c: Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(100 * v / total, 1)) for k, v in c.most_common(top)] if total else []
    return {"samples": total, "self": share(self_t), "inclusive": share(incl), "areas": share(areas)}


def _is_project_step(frame: str) -> bool:
    """Frames of the project's own code below the entry points: where its time goes."""
    where = frame.rpartition(" (")[2]
    return where.startswith(("streams/", "sinks/", "schemas/", "producers/")) and "commands.py" not in where \
        and not frame.startswith(("run_worker ", "build_app ", "Sink.run "))


def _short(frame: str) -> str:
    """`fn (/long/path/site-packages/pkg/mod.py:12)` -> `fn (pkg/mod.py)`."""
    fn, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "/lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{fn} ({where})" if where else fn


def _area(frames: list[str]) -> str:
    """The area of the innermost frame that belongs to a known area (a regex called by
    streams/ code counts for streams/, a socket write called by aiokafka for aiokafka)."""
    for frame in reversed(frames):
        where = frame.rpartition(" (")[2]
        for name, prefixes in _AREAS:
            if where.startswith(prefixes):
                return name
    return "other"
