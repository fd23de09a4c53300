"""`hotline` subcommands of the streams stage (registered by hotline.cli)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this stage's subcommands; handlers import the stage lazily."""
    p = sub.add_parser(
        "worker",
        help="run a stream worker: validate, scrub, classify, aggregate, publish (Ctrl-C stops)",
        description="Run one Faust worker of the consumer group HOTLINE_WORKER_ID. Start several "
        "(on this machine or others) to split the calls topic's partitions; together they give "
        "the same results as one. Exit status: 0 after Ctrl-C/SIGTERM, 3 on a poison burst, "
        "1 on other errors.",
    )
    p.add_argument("--web-port", "--workers-web-port", dest="web_port", type=int, default=None, metavar="PORT",
                   help="port of the worker's Faust web endpoint (default HOTLINE_WORKER_WEB_PORT; "
                   "0 disables it; give each worker on one machine its own port)")
    p.add_argument("--loglevel", default=None, metavar="LEVEL",
                   help="log level of the worker's own loggers (default HOTLINE_LOG_LEVEL)")
    p.set_defaults(func=_worker)


def _worker(args: argparse.Namespace) -> int:
    import logging

    from hotline.config import get_settings
    from streams.app import run_worker

    settings = get_settings()
    if args.loglevel:
        level = args.loglevel.upper()
        if not isinstance(logging.getLevelName(level), int):
            from hotline.errors import HotlineError

            raise HotlineError(f"--loglevel {args.loglevel!r} is not a log level (use DEBUG, INFO, WARNING or ERROR)")
        logging.getLogger().setLevel(level)
    return run_worker(settings, web_port=args.web_port, loglevel=args.loglevel)
