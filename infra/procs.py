"""Local service processes: pid files, who holds a port, start detached, stop politely.

A pid file alone is not trusted: the pid may be gone or reused by another program after a
reboot or a crash. A process counts as *ours* only if its command line mentions the config
file we generated under the state folder, so two checkouts never touch each other's services.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from hotline.errors import HotlineError
from hotline.log import get_logger

log = get_logger(__name__)


def is_loopback(host: str) -> bool:
    """Only services on loopback addresses are ours to start and stop."""
    return host in ("localhost", "::1") or host.startswith("127.")


def cmdline(pid: int) -> str:
    """The process's command line with spaces, or '' if it is gone (or a zombie)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def is_ours(pid: int, marker: str) -> bool:
    """True if `pid` is alive and one of its arguments is `marker` (our config path), alone or
    as `--option=marker`; a whole-argument match, so /a/x.xml never claims /b/a/x.xml."""
    if pid <= 0:
        return False
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False
    return any(a == marker or a.endswith("=" + marker) for a in args)


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def running_pid(pid_file: Path, marker: str) -> int | None:
    """The pid of our live process, or None; a stale pid file is removed on the way."""
    pid = read_pid(pid_file)
    if pid is None:
        return None
    if is_ours(pid, marker):
        return pid
    log.info("infra.stale_pid", pid_file=str(pid_file), pid=pid)
    pid_file.unlink(missing_ok=True)
    return None


def service_pid(pid_file: Path, marker: str, port: int, name: str) -> int | None:
    """Our live service: from its pid file, else the owner of its port if that is ours
    (a service whose pid file was lost, e.g. deleted or overwritten, is taken back)."""
    found = running_pid(pid_file, marker)
    if found is None:
        holder = port_holder(port)
        if holder and is_ours(holder, marker):
            pid_file.write_text(f"{holder}\n")
            log.info(f"infra.{name}.adopted", pid=holder)
            found = holder
    return found


def stop_service(pid_file: Path, marker: str, port: int, name: str, timeout: float) -> str:
    """Stop our service politely; returns 'stopped', 'killed' or 'not running'."""
    running = service_pid(pid_file, marker, port, name)
    if running is None:
        return "not running"
    result = stop(running, name, timeout)
    pid_file.unlink(missing_ok=True)
    log.info(f"infra.{name}.{result}", pid=running)
    return result


def claim_ports(host: str, ports: Sequence[tuple[int, str]], name: str, answers: Callable[[], bool]) -> bool:
    """Check our ports before a start: False when they are free; True when a working server that
    is not ours holds the main one (e.g. infra/docker-compose.yml: use it, never stop it);
    one clear HotlineError when any (port, setting) is taken by something else."""
    main = ports[0][0]
    if port_in_use(host, main) and answers():
        log.warning(f"infra.{name.lower()}.external", port=main, holder=describe_pid(port_holder(main)))
        return True
    for port, var in ports:
        if port_in_use(host, port):
            raise HotlineError(f"port {port} ({name}) is already in use by {describe_pid(port_holder(port))}; stop it or set {var} to a free port")
    return False


def wait_answering(name: str, address: str, answers: Callable[[], bool], launched_pid: int | None,
                   marker: str, logs: Sequence[Path], timeout: float, poll: float = 0.3) -> None:
    """Poll `answers()` until True; a launched process that died or a timeout is a HotlineError."""
    deadline = time.monotonic() + timeout
    while not answers():
        if launched_pid is not None and not is_ours(launched_pid, marker):
            why = last_error(logs)
            raise HotlineError(f"{name} exited while starting ({why or 'no error logged'}); see {logs[-1]}")
        if time.monotonic() > deadline:
            raise HotlineError(f"{name} at {address} did not answer within {timeout:.0f} s; see {logs[-1]}")
        time.sleep(poll)


def _listen_inodes(port: int) -> set[str]:
    """Socket inodes listening on `port` (any address), from /proc/net/tcp{,6}."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(cols[9])
    return inodes


def port_holder(port: int) -> int | None:
    """Pid of the process listening on `port`, if it can be seen (same user or root)."""
    inodes = _listen_inodes(port)
    if not inodes:
        return None
    wanted = {f"socket:[{i}]" for i in inodes}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in wanted:
                    return int(entry.name)
        except OSError:
            continue
    return None


def port_in_use(host: str, port: int) -> bool:
    """True if something accepts connections or holds a listening socket on host:port."""
    if _listen_inodes(port):
        return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def describe_pid(pid: int | None) -> str:
    if pid is None:
        return "another program"
    cmd = " ".join(cmdline(pid).split())
    return f"pid {pid} ({cmd[:80]})" if cmd else f"pid {pid}"


def start_detached(argv: Sequence[str], pid_file: Path, out_log: Path, cwd: Path, env: dict[str, str] | None = None) -> int:
    """Start a service in its own session (so Ctrl-C of the caller does not kill it)."""
    out_log.parent.mkdir(parents=True, exist_ok=True)
    with open(out_log, "ab") as out:
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            cwd=cwd, env=env, start_new_session=True, close_fds=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    # Popen keeps a handle only to reap it; the service must outlive this Python process.
    _ORPHANS.append(proc)
    # Just after exec /proc/<pid>/cmdline is briefly empty; wait so `is_ours` sees the marker.
    deadline = time.monotonic() + 2.0
    while not cmdline(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc.pid


_ORPHANS: list[subprocess.Popen] = []


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie child of ours counts as gone and is reaped)."""
    for proc in _ORPHANS:
        if proc.pid == pid:
            return proc.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return bool(cmdline(pid))


def stop(pid: int, name: str, timeout: float) -> str:
    """SIGTERM, wait up to `timeout` s, then SIGKILL; returns 'stopped' or 'killed'."""
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return "stopped"
        time.sleep(0.2)
    log.warning("infra.kill", service=name, pid=pid, after_s=timeout)
    _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return "killed"


def _signal(pid: int, sig: int) -> None:
    """Signal the service's whole session (it was started as a session leader)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


class QuietLogger:
    """Silence a library's logger for a moment (e.g. expected connection errors while polling)."""

    def __init__(self, name: str) -> None:
        self.logger = logging.getLogger(name)
        self.was = self.logger.level
        self.logger.setLevel(logging.CRITICAL + 1)  # children without a level inherit it

    def restore(self) -> None:
        self.logger.setLevel(self.was)


def tail(path: Path, lines: int = 200) -> list[str]:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64_000))
            return f.read().decode(errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def last_error(paths: Sequence[Path]) -> str:
    """The most telling line of a service's logs, for a one-line error message."""
    for path in paths:
        for line in reversed(tail(path)):
            if any(w in line for w in ("ERROR", "Exception", "Error:", "error:", "<Error>", "FATAL")):
                return line.strip()[:300]
    return ""
