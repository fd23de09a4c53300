"""`hotline` subcommands of the producers stage (registered by hotline.cli)."""

from __future__ import annotations

import argparse
from pathlib import Path


def _produce(args: argparse.Namespace) -> int:
    from producers.formats import guess_format
    from producers.importer import run

    path = Path(args.file)
    return run(path, args.format or guess_format(path), args.dry_run, args.topic)


def _ingest(args: argparse.Namespace) -> int:
    from producers.http_ingest import serve

    return serve(args.host, args.port)


def register(sub: argparse._SubParsersAction) -> None:
    """Add this stage's subcommands; handlers import the stage lazily."""
    p = sub.add_parser(
        "produce",
        help="validate a file of calls and put the valid ones on Kafka (rejects go to FILE.rejects.jsonl)",
        description="Exit status: 0 all records delivered, 2 some records rejected (see FILE.rejects.jsonl), "
        "1 Kafka did not acknowledge every valid record. Layouts: docs/import-formats.md.",
    )
    p.add_argument("file", metavar="FILE", help="the file to import")
    p.add_argument("--format", choices=["jsonl", "csv", "connect-ctr"], help="default: csv for *.csv, else jsonl")
    p.add_argument("--dry-run", action="store_true", help='validate only, print {"valid": n, "invalid": m}; nothing is sent')
    p.add_argument("--topic", help="topic to write (default: HOTLINE_TOPIC_CALLS)")
    p.set_defaults(func=_produce)

    p = sub.add_parser("ingest", help="HTTP endpoint for call-centre systems: POST /v1/calls, GET /healthz")
    p.add_argument("--host", help="bind address (default: HOTLINE_INGEST_HOST)")
    p.add_argument("--port", type=int, help="port (default: HOTLINE_INGEST_PORT)")
    p.set_defaults(func=_ingest)
