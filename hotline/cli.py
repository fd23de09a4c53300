"""The `hotline` command: one entry point, subcommands registered by each stage.

Each stage package has a `commands.py` with `register(subparsers)`; those modules import only
argparse at the top and load their stage lazily inside the handler, so `hotline --help` is fast.
A handler returns the exit status (0 = success).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hotline.config import ConfigError, get_settings, markdown_table
from hotline.errors import HotlineError
from hotline.log import setup_logging

# The stages in data-flow order; `hotline --help` lists their subcommands in this order.
STAGE_COMMANDS = [
    "infra.commands",
    "schemas.commands",
    "producers.simulator.commands",
    "producers.commands",
    "streams.classify.commands",
    "streams.commands",
    "sinks.commands",
    "sinks.report.commands",
    "hotline.demo",
]


def _config(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown_table())
        return 0
    for name, value in get_settings().model_dump().items():
        shown = "***" if ("key" in name or "password" in name) and value else value
        print(f"HOTLINE_{name.upper()}={shown}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline",
        description="Call record pipeline of a health information hotline: "
        "call-centre systems -> Kafka -> Faust -> ClickHouse and the ministry feed.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in STAGE_COMMANDS:
        importlib.import_module(module).register(sub)
    p = sub.add_parser("config", help="print the effective configuration (HOTLINE_* variables)")
    p.add_argument("--markdown", action="store_true", help="print the README's configuration table")
    p.set_defaults(func=_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        setup_logging(settings.log_level, settings.log_format)
        return int(args.func(args) or 0)
    except (ConfigError, HotlineError) as exc:
        print(f"hotline: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        print("hotline: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
