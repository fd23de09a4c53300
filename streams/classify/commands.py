"""`hotline classify` and `hotline evaluate` (registered by hotline.cli)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the classifier's subcommands; handlers import the classifier lazily."""
