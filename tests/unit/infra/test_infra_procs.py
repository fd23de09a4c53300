"""Pid files, port owners and polite stopping, on real (tiny) processes of this test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from infra import procs


def test_stale_pid_files_are_dropped(tmp_path: Path) -> None:
    pid_file = tmp_path / "svc.pid"
    pid_file.write_text("999999999\n")  # no such process
    assert procs.running_pid(pid_file, "marker") is None and not pid_file.exists()
    pid_file.write_text(f"{os.getpid()}\n")  # alive, but not ours: the marker is not on its command line
    assert procs.running_pid(pid_file, "no-such-config-file.xml") is None and not pid_file.exists()
    pid_file.write_text("garbage")
    assert procs.running_pid(pid_file, "marker") is None


def test_start_detached_then_stop_politely(tmp_path: Path) -> None:
    marker = str(tmp_path / "config.xml")
    pid_file, out = tmp_path / "svc.pid", tmp_path / "logs" / "out.log"
    pid = procs.start_detached([sys.executable, "-c", "import time,sys; print('up', flush=True); time.sleep(60)", marker],
                               pid_file, out, cwd=tmp_path)
    assert procs.running_pid(pid_file, marker) == pid
    assert not procs.is_ours(pid, marker[len(str(tmp_path.parent)):])  # a path ending like ours is not ours
    _wait_for(out, "up")
    assert procs.stop(pid, "svc", timeout=10) == "stopped"
    assert not procs.alive(pid)
    assert out.read_text().strip() == "up"


def _wait_for(out: Path, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in out.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_stop_kills_what_ignores_sigterm(tmp_path: Path) -> None:
    code = "import signal,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    out = tmp_path / "out.log"
    pid = procs.start_detached([sys.executable, "-c", code], tmp_path / "p.pid", out, cwd=tmp_path)
    _wait_for(out, "ready")
    assert procs.stop(pid, "stubborn", timeout=0.5) == "killed"
    assert not procs.alive(pid)


def test_port_holder_names_the_listening_process() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert procs.port_in_use("127.0.0.1", port)
        assert procs.port_holder(port) == os.getpid()
        assert f"pid {os.getpid()}" in procs.describe_pid(port and os.getpid())
    assert not procs.port_in_use("127.0.0.1", port)
    assert procs.port_holder(port) is None


def test_last_error_picks_the_telling_line(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("INFO starting\nERROR [KafkaServer] Fatal error during startup: address in use\nINFO shutting down\n")
    assert procs.last_error([tmp_path / "missing.log", log]) == "ERROR [KafkaServer] Fatal error during startup: address in use"
    assert procs.last_error([tmp_path / "missing.log"]) == ""


def test_alive_is_false_for_a_reaped_child() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not procs.alive(child.pid)
