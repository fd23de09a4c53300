"""`hotline` subcommands of sinks.report (registered by hotline.cli)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands; handlers import their modules lazily."""
