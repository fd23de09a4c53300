import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _drop_cli_log_handlers() -> Iterator[None]:
    """`hotline.cli.main` points logging at the (captured) stderr of one test; unhook it after."""
    yield
    logging.getLogger().handlers[:] = []
