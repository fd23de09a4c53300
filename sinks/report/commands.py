"""`hotline report` and `hotline staffing` (registered by hotline.cli)."""

from __future__ import annotations

import argparse
import json


def fraction(text: str) -> float:
    """A share written as 0.8 or 80% (a bare 80 is refused: it is ambiguous)."""
    t = text.strip()
    try:
        value = float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write a share as 0.8 or 80%") from None
    if not t.endswith("%") and value > 1:
        raise argparse.ArgumentTypeError(f"{text} is more than 1; write a share as 0.8 or 80%")
    return value


def _report(args: argparse.Namespace) -> int:
    import logging

    from sinks.report.build import build_report

    # The driver logs a traceback for a refused connection; the error line below says it all.
    logging.getLogger("clickhouse_driver").setLevel(logging.CRITICAL)

    paths = build_report(args.date, args.out, database=args.database, unmatched_limit=args.top)
    print(f"report of {args.date} written to {paths.html.parent}:")
    for p in paths.all():
        print(f"  {p}")
    return 0


def _staffing(args: argparse.Namespace) -> int:
    from sinks.staffing import required_agents

    r = required_agents(
        calls=args.calls,
        interval_seconds=args.interval_minutes * 60,
        aht_seconds=args.aht_minutes * 60,
        target_seconds=args.target_seconds,
        service_level=args.service_level,
        max_occupancy=args.max_occupancy,
        shrinkage=args.shrinkage,
    )
    if args.json:
        print(json.dumps(r.to_dict(), indent=2))
        return 0
    occ = "none" if r.max_occupancy is None else f"{100 * r.max_occupancy:.0f}%"
    print(f"traffic:            {r.traffic_erlangs:.2f} Erlangs ({r.calls:g} calls in {r.interval_seconds / 60:g} min, AHT {r.aht_seconds:g} s)")
    print(f"target:             {100 * r.service_level_target:g}% answered within {r.target_seconds:g} s; occupancy cap {occ}; shrinkage {100 * r.shrinkage:g}%")
    print(f"raw agents:         {r.raw_agents}" + (" (set by the occupancy cap)" if r.limited_by == "occupancy" else ""))
    print(f"scheduled agents:   {r.scheduled_agents}")
    print(f"service level:      {100 * r.service_level:.1f}% within {r.target_seconds:g} s")
    print(f"wait probability:   {100 * r.probability_wait:.1f}%")
    print(f"ASA:                {r.asa_seconds:.1f} s")
    print(f"occupancy:          {100 * r.occupancy:.1f}%")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands; handlers import their modules lazily."""
    p = sub.add_parser(
        "report",
        help="write the ministry's daily report (HTML, JSON, CSV) of one local day from ClickHouse",
        description="Daily report of one local (Africa/Casablanca) day: calls and agents per hour, service "
        "figures, family and question mix, unmatched questions, adverse effects, spike alerts, Erlang C "
        "staffing. The HTML page is self-contained (readable offline).",
    )
    p.add_argument("--date", required=True, help="local day, YYYY-MM-DD")
    p.add_argument("--out", default=None, help="output folder (default: <state dir>/reports/)")
    p.add_argument("--database", default=None, help="ClickHouse database (default: HOTLINE_CLICKHOUSE_DATABASE)")
    p.add_argument("--top", type=int, default=20, help="how many unmatched question groups to list (default 20)")
    p.set_defaults(func=_report)

    s = sub.add_parser(
        "staffing",
        help="agents needed for a call volume (Erlang C, service level, occupancy cap, shrinkage)",
        description="Erlang C: the smallest number of agents answering the target share of calls within the "
        "target time; scheduled agents add shrinkage. Shares are written 0.8 or 80%%.",
    )
    s.add_argument("--calls", type=float, required=True, help="calls arriving in the interval")
    s.add_argument("--interval-minutes", type=float, required=True, help="length of the interval, minutes")
    s.add_argument("--aht-minutes", type=float, required=True, help="average handle time, minutes")
    s.add_argument("--target-seconds", type=float, required=True, help="answer within this many seconds")
    s.add_argument("--service-level", type=fraction, required=True, help="share to answer within the target (0.8 or 80%%)")
    s.add_argument("--max-occupancy", type=fraction, default=None, help="cap on agent occupancy (e.g. 0.85); default none")
    s.add_argument("--shrinkage", type=fraction, default=0.0, help="share of paid time off the phones (e.g. 0.3); default 0")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.set_defaults(func=_staffing)
