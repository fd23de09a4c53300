"""`hotline infra up | down | status [--json] | topics` (registered by hotline.cli)."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    """Add this stage's subcommands; handlers import the stage lazily."""
    p = sub.add_parser("infra", help="local Kafka and ClickHouse: up, down, status, topics")
    isub = p.add_subparsers(dest="infra_command", metavar="ACTION", required=True)
    isub.add_parser("up", help="start Kafka (KRaft) and ClickHouse, wait until they answer, create the database and topics").set_defaults(func=_up)
    isub.add_parser("down", help="stop both services cleanly (data stays in the state folder)").set_defaults(func=_down)
    st = isub.add_parser("status", help="what runs and whether it answers (exit 1 if not both healthy)")
    st.add_argument("--json", action="store_true", help="print one JSON object")
    st.set_defaults(func=_status)
    isub.add_parser("topics", help="create missing topics from infra/topics.py; report differences").set_defaults(func=_topics)


def _up(args: argparse.Namespace) -> int:
    from infra.services import up

    result = up()
    if result["already_up"]:
        print(f"infra already up (nothing to do): kafka {result['kafka']}, clickhouse {result['clickhouse']}")
    else:
        print(f"infra up in {result['seconds']} s: kafka {result['kafka']}, clickhouse {result['clickhouse']}")
    for t in result["topics"]:
        if t.action != "ok":
            print("  topic " + t.line())
    return 0


def _down(args: argparse.Namespace) -> int:
    from infra.services import down

    result = down()
    print(f"infra down: kafka {result['kafka']}, clickhouse {result['clickhouse']}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from infra.services import status

    st = status()
    if args.json:
        print(json.dumps(st, indent=2))
    else:
        for name in ("kafka", "clickhouse"):
            s = st[name]
            state = "healthy" if s["healthy"] else ("running, not answering" if s["pid"] else "down")
            pid = f" pid {s['pid']}" if s["pid"] else ""
            print(f"{name:<10} {state:<22} {s['address']}{pid}")
        print(f"state      {st['state_dir']}")
    return 0 if st["healthy"] else 1


def _topics(args: argparse.Namespace) -> int:
    from hotline.config import get_settings
    from infra.topics import ensure_topics

    results = ensure_topics(get_settings().kafka_bootstrap)
    for t in results:
        print(t.line())
    return 0
