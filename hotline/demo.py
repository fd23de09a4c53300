"""`hotline demo`: the main job, the whole pipeline on local infrastructure."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` subcommand."""
