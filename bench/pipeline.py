"""Benchmark of the whole pipeline against its raw ceilings, in one run.

    .venv/bin/python bench/pipeline.py                 # 200,000 calls (the measurement)
    .venv/bin/python bench/pipeline.py --quick         # 20,000 calls, short latency phase

(a) raw consume of the calls topic (bare kafka-python loop), after producing the calls with
    the project's EventProducer (that produce rate is reported too);
(b) raw ClickHouse columnar inserts of the same calls and their questions;
(c) the whole pipeline (worker + sink) in two variants:
    replay - the calls are already in the topic (event sourcing: rebuild from the log); the
             clock runs from starting the worker and sink to the last row visible;
    live   - worker and sink already running and warm; the clock runs from the first call
             produced to the last row visible;
(d) end-to-end latency at a steady rate (default 200 calls/s for 60 s), produced -> visible;
(e) peak memory (VmHWM) and CPU of the worker and the sink.

Every phase uses its own topics, consumer groups and database (bench_<run>_<phase>*) and
removes them at the end. Needs `hotline infra up`. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from hotline.config import get_settings
from hotline.errors import HotlineError
from hotline.log import get_logger, setup_logging
from hotline.namespace import Namespace, drop_everything, new_run_id

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e  # noqa: E402
import raw_rates  # noqa: E402

log = get_logger("bench")

TARGET_CALLS_PER_S = 5_000
PREFIX = "bench_"  # of every topic, group and database a run creates
PRIVATE_INFRA_ENV = {
    "HOTLINE_STATE_DIR": ".hotline/bench-infra",
    "HOTLINE_KAFKA_BOOTSTRAP": "127.0.0.1:29092", "HOTLINE_KAFKA_CONTROLLER_PORT": "29093",
    "HOTLINE_CLICKHOUSE_PORT": "29000", "HOTLINE_CLICKHOUSE_HTTP_PORT": "28123",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/pipeline.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=200_000, help="calls for (a), (b), (c) (default 200000)")
    p.add_argument("--quick", action="store_true", help="development run: 20,000 calls, 15 s latency phase")
    p.add_argument("--repeat", type=int, default=3, help="repetitions of (a) and (b); medians are quoted (default 3)")
    p.add_argument("--variants", default="replay,live", help="pipeline variants of (c): replay, live or both (default both)")
    p.add_argument("--latency-rate", type=float, default=200.0, help="calls/s of the latency phase (default 200)")
    p.add_argument("--latency-seconds", type=float, default=60.0, help="length of the latency phase (default 60)")
    p.add_argument("--poll-interval", type=float, default=0.1, help="ClickHouse visibility poll interval, s (default 0.1)")
    p.add_argument("--profile", action="store_true", help="attach py-spy to the worker and sink during the replay variant")
    p.add_argument("--profile-rate", type=int, default=50, help="py-spy samples per second (default 50)")
    p.add_argument("--raw-only", action="store_true", help="only (a) and (b): for when the worker or sink does not run")
    p.add_argument("--workers", type=int, default=1, help="`hotline worker` processes in (c) and (d) (default 1)")
    p.add_argument("--seed", type=int, default=20210601)
    p.add_argument("--timeout", type=float, default=1800.0, help="give up waiting for ClickHouse after this many s")
    p.add_argument("--keep", action="store_true", help="keep the bench topics and databases (debugging)")
    p.add_argument("--private-infra", action="store_true",
                   help="run on a Kafka + ClickHouse of its own (state in .hotline/bench-infra, ports 29xxx), "
                   "started and stopped by the benchmark: immune to tests restarting the shared ones")
    p.add_argument("--show", metavar="RESULTS_JSON", help="only print the table of an earlier run's results.json")
    p.add_argument("--clean-leftovers", action="store_true",
                   help="only delete the topics and databases of runs of this script killed more than an hour ago")
    args = p.parse_args(argv)
    if args.quick:
        args.calls = 20_000 if args.calls == 200_000 else args.calls
        args.latency_seconds = min(args.latency_seconds, 15.0)
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if not set(args.variants) <= {"replay", "live"}:
        p.error("--variants takes replay, live or replay,live")
    return args


def machine() -> dict[str, Any]:
    import os

    mem_kib = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal:"))
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    versions = {}
    for pkg in ("kafka-python", "aiokafka", "faust-streaming", "clickhouse-driver", "pydantic", "pydantic-core", "py-spy", "lz4", "orjson", "uvloop"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(), "kernel": platform.release(), "packages": versions,
    }


def code_version() -> dict[str, Any]:
    """The commit and the modified files of the pipeline's code: the bench runs the working tree."""
    import subprocess

    root = Path(__file__).resolve().parents[1]

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=root, capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = [l[3:] for l in git("status", "--porcelain", "--", "streams", "sinks", "schemas", "producers", "hotline", "infra").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "modified": dirty}


def server_versions(settings: Any) -> dict[str, Any]:
    from sinks.clickhouse import client

    cli = client(settings)
    try:
        ch = cli.execute("SELECT version()")[0][0]
    finally:
        cli.disconnect()
    pids = e2e.service_pids(settings)
    kafka = settings.kafka_version if "kafka" in pids else "external (not started by hotline infra)"
    return {"clickhouse": ch, "kafka": kafka, "pids": pids}


def median_rate(rates: list[raw_rates.Rate]) -> dict[str, Any]:
    return {
        "runs_per_s": [round(r.per_s, 1) for r in rates],
        "per_s": round(statistics.median(r.per_s for r in rates), 1),
        "mb_per_s": round(statistics.median(r.mb_per_s for r in rates), 2) if rates[0].nbytes else None,
        "runs_seconds": [round(r.seconds, 3) for r in rates],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = get_settings()
    run_id = new_run_id()
    out_dir = settings.state_path / "bench" / run_id
    out_dir.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"run_id": run_id, "argv": sys.argv, "machine": machine(), "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    res["servers"] = server_versions(settings)
    res["code"] = code_version()
    res["infra"] = "private (--private-infra)" if args.private_infra else "shared (hotline infra up)"
    res["settings"] = {k: getattr(settings, k) for k in ("calls_partitions", "sink_batch_rows", "sink_batch_seconds", "producer_compression")}
    res["settings"]["workers"] = args.workers
    log.info("bench.start", run_id=run_id, calls=args.calls, out=str(out_dir))

    n = args.calls
    n_latency = int(args.latency_rate * args.latency_seconds) if "live" in args.variants and not args.raw_only else 0
    t = time.perf_counter()
    events = raw_rates.generate(n + 1 + n_latency, args.seed)
    res["generate_s"] = round(time.perf_counter() - t, 1)
    main_events, warmup, latency_events = events[:n], events[n], events[n + 1:]
    n_questions = sum(len(e.call.transcript) for e in main_events)
    res["calls"], res["questions"] = n, n_questions
    log.info("bench.events", calls=n, questions=n_questions, latency_calls=len(latency_events))

    namespaces: list[Namespace] = []
    pipelines: list[e2e.Pipeline] = []
    try:
        replay = Namespace(run_id, "replay", PREFIX, settings)
        namespaces.append(replay)
        replay.create()

        log.info("bench.phase", phase="produce", calls=n, topic=replay.settings.topic_calls)
        rate, _ = raw_rates.produce(replay.settings, main_events)
        res["produce"] = {"per_s": round(rate.per_s, 1), "seconds": round(rate.seconds, 2)}

        consumes = []
        for i in range(args.repeat):
            log.info("bench.phase", phase="a_raw_consume", run=i + 1, of=args.repeat)
            consumes.append(raw_rates.consume_rate(replay.settings, replay.settings.topic_calls, n))
            log.info("bench.raw_consume", per_s=round(consumes[-1].per_s), mb_per_s=round(consumes[-1].mb_per_s, 1))
        res["a_consume"] = median_rate(consumes)
        res["a_consume"]["mb_total"] = round(consumes[0].nbytes / 1e6, 1)

        log.info("bench.phase", phase="b_build_rows")
        rows = raw_rates.build_rows(main_events, replay.settings)
        call_rates, q_rates, totals = [], [], []
        for i in range(args.repeat):
            log.info("bench.phase", phase="b_raw_insert", run=i + 1, of=args.repeat)
            c, q, total = raw_rates.insert_rate(replay.settings, rows, settings.sink_batch_rows, f"raw{i}")
            call_rates.append(c)
            q_rates.append(q)
            totals.append(raw_rates.Rate(n, total))
            log.info("bench.raw_insert", calls_per_s=round(c.per_s), questions_per_s=round(q.per_s), calls_per_s_both_tables=round(n / total))
        res["b_insert"] = {"calls_table": median_rate(call_rates), "questions_table": median_rate(q_rates),
                           "both_tables_calls_per_s": median_rate(totals)}
        del rows

        if not args.raw_only:
            if "replay" in args.variants:
                res["c_replay"] = replay_variant(args, replay, n, n_questions, out_dir, pipelines)
            if "live" in args.variants:
                live = Namespace(run_id, "live", PREFIX, settings)
                namespaces.append(live)
                live.create()
                res["c_live"], res["d_latency"] = live_variant(args, live, main_events, warmup, latency_events, n_questions, out_dir, pipelines)
    finally:
        for p in pipelines:
            p.stop()
        if not args.keep:
            for ns in namespaces:
                try:
                    ns.drop()
                except Exception as exc:
                    log.error("bench.cleanup_failed", token=ns.token, error=str(exc))
    res["finished_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    after = e2e.service_pids(settings)
    if after != res["servers"]["pids"]:
        res["warning"] = f"Kafka or ClickHouse restarted during the run (pids {res['servers']['pids']} -> {after}): figures are not valid"
        log.warning("bench.services_restarted", before=res["servers"]["pids"], after=after)
    (out_dir / "results.json").write_text(json.dumps(res, indent=2, default=str))
    res["out_dir"] = str(out_dir)
    return res


def _usage(u: dict[str, e2e.Usage], seconds: float, calls: int) -> dict[str, Any]:
    """Per process: peak RSS, CPU seconds, cores busy on average, CPU milliseconds per call."""
    return {name: {**asdict(x), "cores": None if x.cores(seconds) is None else round(x.cores(seconds), 2),
                   "cpu_ms_per_call": None if x.cpu_s is None else round(1000 * x.cpu_s / calls, 3)}
            for name, x in u.items()}


def _steady(drain: e2e.Drain) -> dict[str, Any] | None:
    st = drain.steady()
    if st is None:
        return None
    return {"calls_per_s": round(st[0], 1), "questions_per_s": round(st[1], 1), "cores": st[2],
            "cpu_ms_per_call": {k: round(1000 * v / st[0], 3) for k, v in st[2].items()} if st[0] else None,
            "window": "10% to 90% of the calls visible"}


def replay_variant(args: argparse.Namespace, ns: Namespace, n: int, n_questions: int, out_dir: Path,
                   pipelines: list[e2e.Pipeline]) -> dict[str, Any]:
    """(c) replay: calls already in the topic; start worker + sink; time to the last row."""
    log.info("bench.phase", phase="c_replay", calls=n)
    tables = e2e.Tables(ns.settings)
    pipe = e2e.Pipeline(ns.env, out_dir, "replay", e2e.service_pids(ns.settings), args.workers)
    pipelines.append(pipe)
    profilers: list[e2e.Profiler] = []
    t0 = time.perf_counter()
    pipe.start()
    pipe.mark()
    try:
        if args.profile:
            for c in pipe.components:
                assert c.pid is not None
                profilers.append(e2e.Profiler(c.pid, out_dir / f"replay-{c.name}.pyspy.txt", args.profile_rate))
        drain = e2e.wait_for_rows(tables, pipe, t0, n, n_questions, args.timeout)
        seconds = drain.all_s or float("nan")
        usage = pipe.usage()
        distinct = tables.distinct_calls()
    finally:
        for p in profilers:
            p.stop()
        pipe.stop()
        tables.close()
    out: dict[str, Any] = {
        "seconds": round(seconds, 2), "first_row_s": round(drain.first_row_s or 0, 2),
        "calls_per_s": round(n / seconds, 1), "questions_per_s": round(n_questions / seconds, 1),
        "calls_per_s_after_first_row": round(n / (seconds - (drain.first_row_s or 0)), 1),
        "steady": _steady(drain),
        "calls_visible": drain.calls, "questions_visible": drain.questions, "distinct_calls": distinct,
        "usage": _usage(usage, seconds, n), "profiled": args.profile,
    }
    if args.profile:
        out["profile"] = {c.name: e2e.summarize_profile(out_dir / f"replay-{c.name}.pyspy.txt") for c in pipe.components}
    return out


def live_variant(args: argparse.Namespace, ns: Namespace, events: list[Any], warmup: Any,
                 latency_events: list[Any], n_questions: int, out_dir: Path,
                 pipelines: list[e2e.Pipeline]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(c) live, then (d) latency, with the same warm worker and sink."""
    n = len(events)
    tables = e2e.Tables(ns.settings)
    pipe = e2e.Pipeline(ns.env, out_dir, "live", e2e.service_pids(ns.settings), args.workers)
    pipelines.append(pipe)
    pipe.start()
    try:
        log.info("bench.phase", phase="c_live_warmup")
        raw_rates.produce(ns.settings, [warmup])
        w_q = len(warmup.call.transcript)
        e2e.wait_for_rows(tables, pipe, time.perf_counter(), 1, w_q, 300)

        log.info("bench.phase", phase="c_live", calls=n)
        pipe.mark()
        t0 = time.perf_counter()
        produce_rate, _ = raw_rates.produce(ns.settings, events)
        drain = e2e.wait_for_rows(tables, pipe, t0, n + 1, n_questions + w_q, args.timeout)
        seconds = drain.all_s or float("nan")
        usage = pipe.usage()
        live = {
            "seconds": round(seconds, 2), "calls_per_s": round(n / seconds, 1), "questions_per_s": round(n_questions / seconds, 1),
            "produce_per_s_while_running": round(produce_rate.per_s, 1), "produce_seconds": round(produce_rate.seconds, 2),
            "distinct_calls": tables.distinct_calls() - 1, "usage": _usage(usage, seconds, n), "steady": _steady(drain),
        }

        log.info("bench.phase", phase="d_latency", rate=args.latency_rate, seconds=args.latency_seconds)
        start_wall = time.time() + 2.0 + len(latency_events) / 10_000  # re-timing takes ~0.1 ms per call
        latency_events = raw_rates.retime(latency_events, start_wall, args.latency_rate)
        poller = e2e.VisibilityPoller(ns.settings, args.poll_interval)
        poller.start()
        pipe.mark()
        t0 = time.perf_counter()
        if time.time() > start_wall:
            log.warning("bench.latency.late_start", behind_s=round(time.time() - start_wall, 2))
        produce_rate, sent_at = raw_rates.produce(ns.settings, latency_events, args.latency_rate, start_wall)
        total = n + 1 + len(latency_events)
        e2e.wait_for_rows(tables, pipe, t0, total, 0, 120)
        time.sleep(args.poll_interval * 3)
        poller.stop()
        if poller.error:
            raise HotlineError(f"visibility poller failed: {poller.error}")
        lat = []
        missed = 0
        for ev, t_sent in zip(latency_events, sent_at):
            seen = poller.seen.get(str(ev.event_id))
            if seen is None:
                missed += 1
            else:
                lat.append(seen - t_sent)
        seconds = time.perf_counter() - t0
        usage = pipe.usage()
        latency = {
            "calls": len(latency_events), "achieved_rate": round((len(sent_at) - 1) / (sent_at[-1] - sent_at[0]), 1) if len(sent_at) > 1 else None,
            "p50_s": round(e2e.percentile(lat, 50), 3), "p90_s": round(e2e.percentile(lat, 90), 3),
            "p99_s": round(e2e.percentile(lat, 99), 3), "max_s": round(max(lat), 3) if lat else None,
            "min_s": round(min(lat), 3) if lat else None, "missed_by_poller": missed,
            "poll_interval_s": args.poll_interval,
            "poll_query_median_s": round(e2e.percentile(poller.query_s, 50), 4),
            "usage": _usage(usage, seconds, len(latency_events)),
        }
        (out_dir / "latencies.json").write_text(json.dumps(lat))
    finally:
        pipe.stop()
        tables.close()
    return live, latency


def fmt(x: Any, digits: int = 0) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def table(res: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []
    add = rows.append
    add((f"produce (EventProducer, JSON, {res['settings']['producer_compression']}, acks=all)", fmt(res["produce"]["per_s"]) + " calls/s", ""))
    a = res["a_consume"]
    add(("(a) raw consume, bare kafka-python loop", f"{fmt(a['per_s'])} msgs/s", f"{fmt(a['mb_per_s'], 1)} MB/s; runs {a['runs_per_s']}"))
    b = res["b_insert"]
    add(("(b) raw insert calls table", f"{fmt(b['calls_table']['per_s'])} rows/s", f"runs {b['calls_table']['runs_per_s']}"))
    add(("(b) raw insert questions table", f"{fmt(b['questions_table']['per_s'])} rows/s", f"runs {b['questions_table']['runs_per_s']}"))
    add(("(b) raw insert, calls + their questions", f"{fmt(b['both_tables_calls_per_s']['per_s'])} calls/s", ""))
    for key, label in (("c_replay", "(c) pipeline, replay (start -> last row)"), ("c_live", "(c) pipeline, live (first produced -> last row)")):
        c = res.get(key)
        if c:
            add((label, f"{fmt(c['calls_per_s'])} calls/s", f"{fmt(c['questions_per_s'])} questions/s; {c['seconds']} s"))
    d = res.get("d_latency")
    if d:
        add((f"(d) latency at {d['achieved_rate']} calls/s", f"p50 {d['p50_s']} s", f"p99 {d['p99_s']} s; max {d['max_s']} s"))
    for key in ("c_replay", "c_live"):
        c = res.get(key)
        if c:
            for name, u in c["usage"].items():
                if name == "machine":
                    add((f"    whole machine during {key}", f"{u['cores']} of 2 cores busy", "includes other users of the machine"))
                    continue
                add((f"(e) {name} during {key}", f"peak RSS {fmt((u['peak_rss_kib'] or 0) / 1024, 0)} MiB", f"{u['cores']} cores busy"))
    for key in ("c_replay", "c_live"):
        c = res.get(key)
        if c:
            st = c.get("steady") or {}
            if st:
                add((f"    steady state of {key} (10%-90% of rows)", f"{fmt(st['calls_per_s'])} calls/s",
                     "cores busy: " + ", ".join(f"{k} {v}" for k, v in st["cores"].items())))
            per = {k: v for k, v in (st.get("cpu_ms_per_call") or {}).items() if k != "machine"}
            pipeline_ms = sum(v for k, v in per.items() if k != "bench")
            if pipeline_ms:
                add((f"    CPU per call, steady state of {key}", f"{pipeline_ms:.3f} ms", ", ".join(f"{k} {v:.3f}" for k, v in per.items())
                     + f"; 2 cores / pipeline's ms = {2000 / pipeline_ms:,.0f} calls/s"))
    w = max(len(r[0]) for r in rows)
    v = max(len(r[1]) for r in rows)
    lines = [f"{r[0]:<{w}}  {r[1]:>{v}}  {r[2]}" for r in rows]
    a_rate = a["per_s"]
    for key in ("c_replay", "c_live"):
        c = res.get(key)
        if c:
            lines.append(f"ratio (c {key[2:]})/(a) = {c['calls_per_s'] / a_rate:.3f};  (c)/target {TARGET_CALLS_PER_S:,} = {c['calls_per_s'] / TARGET_CALLS_PER_S:.2f}")
    return "\n".join(lines)


def print_profile(res: dict[str, Any]) -> None:
    prof = (res.get("c_replay") or {}).get("profile")
    if not prof:
        return
    for name, p in prof.items():
        print(f"\nprofile of the {name} during (c) replay: {p['samples']} samples")
        print("  by area (innermost known frame):", "; ".join(f"{k} {v}%" for k, v in p["areas"]))
        print("  top self time:")
        for k, v in p["self"][:10]:
            print(f"    {v:5.1f}%  {k}")
        print("  top inclusive (project code):")
        for k, v in p["inclusive"][:10]:
            print(f"    {v:5.1f}%  {k}")


def with_private_infra(args: argparse.Namespace) -> dict[str, Any]:
    """Start a Kafka + ClickHouse of our own, run, stop them and delete their data."""
    import os
    import shutil

    from infra.services import down, up

    os.environ.update(PRIVATE_INFRA_ENV)  # the worker and sink children inherit it
    get_settings.cache_clear()
    s = get_settings()
    log.info("bench.private_infra.up", state_dir=str(s.state_path))
    try:
        up(s)
        return run(args)
    finally:
        down(s)
        for sub in ("kafka", "clickhouse"):
            shutil.rmtree(s.state_path / sub, ignore_errors=True)
        log.info("bench.private_infra.down", state_dir=str(s.state_path))


_RUN_TOKEN = re.compile(r"^(bench_(\d{14})[0-9a-f]{4}_(?:replay|live))")


def clean_leftovers(settings: Any, min_age_s: float = 3600) -> int:
    """Drop what killed runs of this script left: only names of its own exact pattern
    (`bench_<14 digits><4 hex>_<phase>`, never other `bench_*` tools' topics) and only runs
    started more than an hour ago, so that a run in progress elsewhere is left alone."""
    import calendar

    from kafka.admin import KafkaAdminClient

    from sinks.clickhouse import client

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap.split(","), client_id="hotline-bench")
    try:
        names = list(admin.list_topics())
    finally:
        admin.close()
    cli = client(settings)
    try:
        names += [r[0] for r in cli.execute("SHOW DATABASES")]
    finally:
        cli.disconnect()
    tokens: dict[str, float] = {}
    for name in names:
        m = _RUN_TOKEN.match(name)
        if m:
            tokens[m.group(1)] = time.time() - calendar.timegm(time.strptime(m.group(2), "%Y%m%d%H%M%S"))
    for token, age in sorted(tokens.items()):
        if age < min_age_s:
            print(f"kept {token}*: started {age / 60:.0f} min ago, it may still be running")
            continue
        topics, dbs = drop_everything(settings, token)
        print(f"deleted {token}*: {len(topics)} topics, {len(dbs)} databases")
    if not tokens:
        print("nothing to delete")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    s = get_settings()
    setup_logging(s.log_level, s.log_format)
    if args.show:
        res = json.loads(Path(args.show).read_text())
        print(table(res))
        print_profile(res)
        return 0
    if args.clean_leftovers:
        return clean_leftovers(s)
    try:
        if args.private_infra:
            res = with_private_infra(args)
        else:
            res = run(args)
    except HotlineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if res.get("warning"):
        print(f"\nWARNING: {res['warning']}")
    print()
    code = res.get("code") or {}
    print(f"code: commit {code.get('commit')}" + (f", modified: {' '.join(code['modified'])}" if code.get("modified") else ""))
    print(table(res))
    print_profile(res)
    print(f"\nall figures: {res['out_dir']}/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
