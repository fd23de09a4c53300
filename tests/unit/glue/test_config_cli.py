"""The configuration table, the CLI's error path and the child-process helper."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hotline.config import Settings, markdown_table

ROOT = Path(__file__).resolve().parents[3]


def test_readme_lists_every_setting_as_the_code_defines_it() -> None:
    readme = (ROOT / "README.md").read_text()
    for line in markdown_table().splitlines()[2:]:
        assert line in readme, f"README's configuration table is stale; regenerate with `hotline config --markdown`: {line}"
    assert len(markdown_table().splitlines()) - 2 == len(Settings.model_fields)


@pytest.mark.parametrize(("name", "value"), [("HOTLINE_CLICKHOUSE_PORT", "abc"), ("HOTLINE_MODE", "prod")])
def test_a_bad_environment_value_is_one_clear_line(name: str, value: str) -> None:
    env = {"PATH": "/usr/bin:/bin", name: value}
    out = subprocess.run([sys.executable, "-m", "hotline", "config"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert out.stderr.startswith("hotline: error: bad configuration:")
    assert name in out.stderr and "Traceback" not in out.stderr


def test_help_lists_every_stage_command() -> None:
    out = subprocess.run([sys.executable, "-m", "hotline", "--help"], capture_output=True, text=True, cwd=ROOT)
    for command in ("infra", "simulate", "produce", "ingest", "classify", "worker", "migrate", "sink", "report", "staffing", "demo"):
        assert f"    {command}" in out.stdout, command


def test_component_stop_and_kill(tmp_path: Path) -> None:
    from hotline.processes import Component

    c = Component("config", ["config"], tmp_path / "c.log").start()
    assert c.proc is not None
    c.proc.wait(30)
    assert c.stop() == 0
    assert "HOTLINE_STATE_DIR=" in (tmp_path / "c.log").read_text()


def test_a_component_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A SIGKILLed demo or test must not leave a worker or sink running (PR_SET_PDEATHSIG)."""
    import os
    import signal
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    parent_code = (
        "import sys, time; from pathlib import Path; from hotline.processes import Component;"
        f"c = Component('ingest', ['ingest', '--host', '127.0.0.1', '--port', '{port}'], Path(sys.argv[1])).start();"
        "print(c.pid, flush=True); time.sleep(120)"
    )
    env = {**os.environ, "HOTLINE_MODE": "test", "HOTLINE_KAFKA_BOOTSTRAP": "127.0.0.1:1"}
    parent = subprocess.Popen([sys.executable, "-c", parent_code, str(tmp_path / "child.log")], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    os.kill(child, 0)  # alive while the parent lives
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5  # ingest itself gives up on an absent broker after ~10 s
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        if open(f"/proc/{child}/stat").read().split(") ")[1][0] == "Z":
            break  # exited, waiting for init to reap it
        time.sleep(0.2)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the child outlived its killed parent")
