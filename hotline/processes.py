"""Running pipeline components as child processes: the demo, the benchmark and the
end-to-end tests all start `hotline worker` and `hotline sink` the same way.

A component is a real OS process (not a thread) so that it can be SIGKILLed mid-run, as the
fault tests do, and so that its peak memory can be read from the kernel.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from hotline.errors import HotlineError
from hotline.log import get_logger

log = get_logger(__name__)


try:  # loaded here, in the parent: the child may only make the call (no imports, no locks)
    import ctypes

    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None


def _term_with_parent() -> None:
    """In the child: get SIGTERM (a clean stop) if the parent dies, even by SIGKILL, so that
    a killed demo or test never leaves a worker or sink behind (Linux PR_SET_PDEATHSIG)."""
    if _prctl is not None:
        _prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class Component:
    """One `hotline <subcommand>` child process with its log file."""

    def __init__(self, name: str, args: list[str], log_path: Path, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.args = args
        self.log_path = log_path
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Component:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hotline", *self.args],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env,
            start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop it in order
            preexec_fn=_term_with_parent,
        )
        out.close()
        log.info("component.started", name=self.name, pid=self.proc.pid, log=str(self.log_path))
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def check(self) -> None:
        """Raise if the process died on its own; its log tail says why."""
        if self.proc is not None and self.proc.poll() not in (None, 0):
            raise HotlineError(f"{self.name} exited with status {self.proc.returncode}; last log lines:\n{self.tail()}")

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def peak_rss_kib(self) -> int | None:
        """High-water mark of resident memory (VmHWM) while the process is alive."""
        return peak_rss_kib(self.pid) if self.running() else None

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, wait, then SIGKILL: the component flushes and commits on SIGTERM."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("component.kill_after_timeout", name=self.name, timeout=timeout)
                self.proc.kill()
                self.proc.wait()
        log.info("component.stopped", name=self.name, status=self.proc.returncode)
        return self.proc.returncode

    def kill(self) -> None:
        """SIGKILL: a crash, for fault tests."""
        if self.running():
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait()
            log.info("component.killed", name=self.name)


def peak_rss_kib(pid: int | None) -> int | None:
    """Peak resident memory of a live process (VmHWM in /proc/<pid>/status), in KiB."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def wait_until(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    components: tuple[Component, ...] = (),
    interval: float = 0.5,
    progress: Callable[[], None] | None = None,
) -> None:
    """Poll `condition` until true; fail early if a component died, clearly on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        for c in components:
            c.check()
        if time.monotonic() > deadline:
            raise HotlineError(f"timed out after {timeout:.0f} s waiting for {what}")
        if progress is not None:
            progress()
        time.sleep(interval)
