"""`hotline` subcommands of the schemas stage (registered by hotline.cli)."""

from __future__ import annotations

import argparse
from pathlib import Path


def _export(args: argparse.Namespace) -> int:
    from schemas.export import export

    for path in export(Path(args.dir)):
        print(path)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this stage's subcommands; handlers import the stage lazily."""
    p = sub.add_parser("schemas", help="the record contracts (JSON Schema export)")
    ssub = p.add_subparsers(dest="schemas_command", metavar="ACTION", required=True)
    e = ssub.add_parser("export", help="write one JSON Schema file per record type, plus index.json")
    e.add_argument("dir", metavar="DIR", help="folder to write (created if missing)")
    e.set_defaults(func=_export)
