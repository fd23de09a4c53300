"""`hotline simulate`: a realistic day (or month) of calls, to a JSON Lines file or to Kafka."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date


def register(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands; handlers import their modules lazily."""
    p = sub.add_parser(
        "simulate",
        help="simulate the hotline: calls with queue outcomes and multilingual transcripts",
        description="Simulate the hotline day by day (Poisson arrivals by local hour, an agent queue with "
        "impatient callers, 1-4 questions per answered call in fr/ar/Darija/Arabizi). The same seed gives "
        "byte-identical output. Prints a JSON summary at the end.",
    )
    p.add_argument("--days", type=int, default=1, help="number of days to simulate (default 1)")
    p.add_argument("--calls-per-day", type=float, default=3000, help="expected open-hours calls on an ordinary day (default 3000)")
    p.add_argument("--agents", type=int, default=15, help="agents on duty during opening hours (default 15)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--start", type=date.fromisoformat, default=None, help="first day, YYYY-MM-DD (default 2021-06-01)")
    p.add_argument("--event-day", action="append", default=[], metavar="DATE[:KIND]",
                   help="an announcement day that multiplies volume and shifts the questions; KIND is "
                   "eligibility (default), pass or adverse; repeat for several days")
    p.add_argument("--pii-share", type=float, default=0.05, help="share of answered calls in which the caller says a phone or ID number (default 0.05)")
    p.add_argument("--labels", metavar="FILE", help="also write the true question id, family, language, vaccine and symptoms of every question (JSON Lines)")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", metavar="FILE", help="write the events as JSON Lines ('-' for standard output)")
    out.add_argument("--kafka", action="store_true", help="produce the events to Kafka (success only for acknowledged records)")
    p.add_argument("--topic", help="Kafka topic with --kafka (default HOTLINE_TOPIC_CALLS)")
    p.set_defaults(func=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    from producers.simulator.run import run

    summary = run(
        days=args.days, calls_per_day=args.calls_per_day, agents=args.agents, seed=args.seed, start=args.start,
        event_days=args.event_day, pii_share=args.pii_share, out=args.out, kafka=args.kafka, topic=args.topic,
        labels=args.labels,
    )
    stream = sys.stderr if args.out == "-" else sys.stdout
    print(json.dumps(summary, indent=2, ensure_ascii=False), file=stream)
    return 0
