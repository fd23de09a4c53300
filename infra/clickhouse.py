"""The local ClickHouse server, run as our own process with our own config (not the system service).

The binary is the one installed on the machine (`clickhouse-server`, or the newer single
`clickhouse` binary); if there is none and we are root, Debian's `clickhouse-server` package is
installed. config.xml and users.xml are generated from infra/templates/ on every start, with
data, logs and tmp under `<state>/clickhouse/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from string import Template
from xml.sax.saxutils import escape

from hotline.config import Settings
from hotline.errors import HotlineError
from hotline.log import get_logger
from infra import procs
from sinks.clickhouse import client  # the one place ClickHouse connections are built

log = get_logger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
STOP_TIMEOUT = 30.0
# Where Debian and the upstream packages put the binary, when it is not on PATH (sbin).
KNOWN_BINARIES = ("/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server", "/usr/bin/clickhouse")


class Paths:
    def __init__(self, settings: Settings) -> None:
        self.root = settings.state_path / "clickhouse"
        self.data = self.root / "data"
        self.tmp = self.root / "tmp"
        self.user_files = self.root / "user_files"
        self.format_schemas = self.root / "format_schemas"
        self.logs = self.root / "logs"
        self.config = self.root / "config.xml"
        self.users = self.root / "users.xml"
        self.pid = self.root / "clickhouse.pid"
        self.stdout = self.logs / "stdout.log"
        self.server_log = self.logs / "clickhouse-server.log"
        self.err_log = self.logs / "clickhouse-server.err.log"


def is_local(settings: Settings) -> bool:
    return procs.is_loopback(settings.clickhouse_host)


def find_binary(settings: Settings) -> list[str] | None:
    """The argv prefix that runs a ClickHouse server, or None if none is installed."""
    if settings.clickhouse_binary:
        path = Path(settings.clickhouse_binary).expanduser()
        if not path.exists():
            raise HotlineError(f"HOTLINE_CLICKHOUSE_BINARY={settings.clickhouse_binary} does not exist; fix it or leave it empty")
        return [str(path), "server"] if path.name == "clickhouse" else [str(path)]
    for name in ("clickhouse-server", "clickhouse"):
        found = shutil.which(name)
        if found:
            return [found, "server"] if name == "clickhouse" else [found]
    for known in KNOWN_BINARIES:
        if Path(known).exists():
            return [known, "server"] if known.endswith("/clickhouse") else [known]
    return None


def install() -> None:
    """Install Debian's clickhouse-server package (root only); its system service stays off."""
    apt = shutil.which("apt-get")
    if os.geteuid() != 0 or not apt:
        raise HotlineError("ClickHouse server not found; install it (sudo apt-get install -y clickhouse-server) or set HOTLINE_CLICKHOUSE_BINARY")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = [apt, "install", "-y", "-q", "--no-install-recommends", "clickhouse-server"]
    log.info("infra.clickhouse.install", command=" ".join(cmd))
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0:  # a fresh machine may have no package lists yet
        subprocess.run([apt, "update", "-q"], env=env, stdin=subprocess.DEVNULL, capture_output=True)
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["apt-get failed"])[-1]
        raise HotlineError(f"installing clickhouse-server failed ({last}); install it by hand or set HOTLINE_CLICKHOUSE_BINARY")
    # The package may have started the system service on our ports; we run our own.
    for stop_cmd in (["systemctl", "stop", "clickhouse-server"], ["service", "clickhouse-server", "stop"]):
        if shutil.which(stop_cmd[0]):
            subprocess.run(stop_cmd, stdin=subprocess.DEVNULL, capture_output=True)
            break
    log.info("infra.clickhouse.installed", seconds=round(time.monotonic() - started, 1))


def _write_configs(settings: Settings, paths: Paths) -> None:
    for d in (paths.data, paths.tmp, paths.user_files, paths.format_schemas, paths.logs):
        d.mkdir(parents=True, exist_ok=True)
    x = lambda v: escape(str(v))  # noqa: E731 - values go into XML text
    config = Template((TEMPLATES / "clickhouse-config.xml").read_text()).substitute(
        logs=x(paths.logs), host=x(settings.clickhouse_host), tcp_port=settings.clickhouse_port,
        http_port=settings.clickhouse_http_port, data=x(paths.data), tmp=x(paths.tmp),
        user_files=x(paths.user_files), format_schemas=x(paths.format_schemas), users_config=x(paths.users),
    )
    writer = ""
    if settings.clickhouse_user not in ("default", settings.clickhouse_analyst_user):
        writer = (f"        <{x(settings.clickhouse_user)}>\n"
                  f"            <password>{x(settings.clickhouse_password)}</password>\n"
                  "            <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>\n"
                  "            <profile>default</profile>\n            <quota>default</quota>\n"
                  f"        </{x(settings.clickhouse_user)}>")
    users = Template((TEMPLATES / "clickhouse-users.xml").read_text()).substitute(
        default_password=x(settings.clickhouse_password if settings.clickhouse_user == "default" else ""),
        writer_user=writer, analyst_user=x(settings.clickhouse_analyst_user),
        analyst_password=x(settings.clickhouse_analyst_password), database=x(settings.clickhouse_database),
    )
    paths.config.write_text(config)
    paths.users.write_text(users)


def pid(settings: Settings) -> int | None:
    """The pid of our running server (re-adopted if its pid file was lost), or None."""
    paths = Paths(settings)
    return procs.service_pid(paths.pid, str(paths.config), settings.clickhouse_port, "clickhouse")


def healthy(settings: Settings) -> bool:
    """A real protocol check: `SELECT 1` over the native port."""
    from clickhouse_driver.errors import Error as ClickHouseError

    quiet = procs.QuietLogger("clickhouse_driver")  # refused connections while it boots are expected
    c = client(settings)
    try:
        return c.execute("SELECT 1") == [(1,)]
    except (ClickHouseError, OSError, EOFError):
        return False
    finally:
        c.disconnect()
        quiet.restore()


def start(settings: Settings) -> str:
    """Start our server if it is not running; returns started, running, external or remote."""
    if not is_local(settings):
        return "remote"
    paths = Paths(settings)
    paths.root.mkdir(parents=True, exist_ok=True)
    if pid(settings):
        return "running"
    ports = [(settings.clickhouse_port, "HOTLINE_CLICKHOUSE_PORT"), (settings.clickhouse_http_port, "HOTLINE_CLICKHOUSE_HTTP_PORT")]
    if procs.claim_ports(settings.clickhouse_host, ports, "ClickHouse", lambda: healthy(settings)):
        return "external"
    binary = find_binary(settings)
    if binary is None:
        install()
        binary = find_binary(settings)
        if binary is None:
            raise HotlineError("clickhouse-server was installed but no server binary was found; set HOTLINE_CLICKHOUSE_BINARY")
    _write_configs(settings, paths)
    argv = [*binary, f"--config-file={paths.config}"]
    new_pid = procs.start_detached(argv, paths.pid, paths.stdout, cwd=paths.root)
    log.info("infra.clickhouse.starting", pid=new_pid, port=settings.clickhouse_port, http_port=settings.clickhouse_http_port)
    return "started"


def wait_ready(settings: Settings, timeout: float | None = None) -> None:
    """Block until `SELECT 1` answers; a server that died or hangs is a HotlineError."""
    paths = Paths(settings)
    procs.wait_answering(
        "ClickHouse", f"{settings.clickhouse_host}:{settings.clickhouse_port}", lambda: healthy(settings),
        procs.read_pid(paths.pid) if is_local(settings) else None, str(paths.config),
        [paths.stdout, paths.err_log], settings.infra_start_timeout if timeout is None else timeout,
    )


def create_database(settings: Settings) -> None:
    c = client(settings)
    try:
        c.execute(f"CREATE DATABASE IF NOT EXISTS `{settings.clickhouse_database}`")
    finally:
        c.disconnect()


def stop(settings: Settings) -> str:
    """Stop our server (SIGTERM, then SIGKILL after 30 s); returns stopped, killed, not running or remote."""
    if not is_local(settings):
        return "remote"
    paths = Paths(settings)
    return procs.stop_service(paths.pid, str(paths.config), settings.clickhouse_port, "clickhouse", STOP_TIMEOUT)
