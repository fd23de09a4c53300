"""`hotline demo`, the README's main command, run twice in a private namespace."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.namespace import Namespace, new_run_id
from tests.e2e.pipeline import query

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]


def _demo(ns: Namespace, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **ns.env, "HOTLINE_MODE": "demo", "HOTLINE_WORKER_IDLE_FLUSH_SECONDS": "2"}
    return subprocess.run([sys.executable, "-m", "hotline", "demo", "--calls", "400", "--agents", "4", "--seed", "11",
                           "--out", str(out), "--timeout", "150"], env=env, capture_output=True, text=True, timeout=300)


def test_demo_runs_end_to_end_and_a_second_run_counts_nothing_twice(services_up: None, tmp_path: Path) -> None:
    ns = Namespace(new_run_id(), "demo", prefix="e2e_")
    try:
        first = _demo(ns, tmp_path)
        assert first.returncode == 0, first.stderr[-2000:]
        calls = int(re.search(r"calls (\d+): answered (\d+)", first.stdout).group(1))
        assert calls > 300
        assert (tmp_path / "report-2021-06-14.html").stat().st_size > 10_000
        assert "agents needed per hour" in first.stdout

        second = _demo(ns, tmp_path)
        assert second.returncode == 0, second.stderr[-2000:]
        assert f"calls {calls}:" in second.stdout and "Note:" not in second.stdout
        assert query(ns, "SELECT count(), uniqExact(event_id) FROM {db}.calls") == [(calls, calls)]
    finally:
        ns.drop()
