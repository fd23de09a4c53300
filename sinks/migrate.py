"""Versioned, idempotent schema migrations recorded in `<database>.schema_migrations`.

Files `sinks/migrations/NNNN_name.sql` are applied in version order. Each file holds one or
more statements ending with `;` at the end of a line; `{db}` and `{private_db}` are replaced
by the configured database names (the checksum is taken before that, so the same file has
the same checksum in every database). A file is recorded only after all its statements ran,
so every statement must be idempotent (`IF NOT EXISTS`): a crash half-way through a file is
repaired by running `hotline migrate` again. Editing an applied file is refused: add a new one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from hotline.errors import HotlineError
from hotline.log import get_logger
from sinks.clickhouse import SqlRunner, private_database, quote

log = get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    checksum: str
    text: str

    def statements(self, database: str) -> list[str]:
        return split_statements(self.text.replace("{db}", database).replace("{private_db}", private_database(database)))


def split_statements(text: str) -> list[str]:
    """Statements separated by `;` at the end of a line; `--` comment lines are dropped.

    clickhouse-driver sends one statement per query, so a file is split here.
    """
    statements, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("--"):
            continue
        stripped = line.rstrip()
        if stripped.endswith(";"):
            current.append(stripped[:-1])
            sql = "\n".join(current).strip()
            if sql:
                statements.append(sql)
            current = []
        else:
            current.append(line)
    rest = "\n".join(current).strip()
    if rest:
        statements.append(rest)
    return statements


def load(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """All migration files in version order; a malformed name or a repeated version is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise HotlineError(f"migration file {path.name} is not named NNNN_name.sql; rename it")
        version = int(m.group(1))
        if version in found:
            raise HotlineError(f"two migrations have version {version:04d}; renumber one of them")
        raw = path.read_bytes()
        found[version] = Migration(version, path.stem, hashlib.sha256(raw).hexdigest(), raw.decode("utf-8"))
    return [found[v] for v in sorted(found)]


def applied(run: SqlRunner, database: str) -> dict[int, tuple[str, str]]:
    """version -> (name, checksum) of the migrations recorded in the database."""
    rows = run(f"SELECT version, name, checksum FROM {database}.schema_migrations ORDER BY version")
    return {int(v): (str(n), str(c)) for v, n, c in rows}


def applied_if_any(run: SqlRunner, database: str) -> dict[int, tuple[str, str]]:
    """Like `applied`, but empty when the database or its bookkeeping table does not exist yet."""
    exists = run(
        "SELECT count() FROM system.tables WHERE database = "
        f"{quote(database)} AND name = 'schema_migrations'"
    )[0][0]
    return applied(run, database) if exists else {}


def migrate(run: SqlRunner, database: str, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply the pending migrations in order; returns those applied (empty on a re-run)."""
    if not _DB_NAME.match(database):
        raise HotlineError(f"database name {database!r} is not a plain identifier; use letters, digits and _")
    migrations = load() if migrations is None else migrations
    run(f"CREATE DATABASE IF NOT EXISTS {database}")
    run(
        f"CREATE TABLE IF NOT EXISTS {database}.schema_migrations "
        "(version UInt32, name String, checksum String, applied_at DateTime('UTC')) "
        "ENGINE = MergeTree() ORDER BY version"
    )
    done = applied(run, database)
    known = {m.version for m in migrations}
    for version in sorted(set(done) - known):
        log.warning("migrate.unknown_version", database=database, version=version, name=done[version][0])
    newly = []
    for m in migrations:
        if m.version in done:
            name, checksum = done[m.version]
            if checksum != m.checksum:
                raise HotlineError(
                    f"migration {m.name}.sql was changed after it was applied to {database} "
                    f"(recorded checksum {checksum[:12]}, file {m.checksum[:12]}); "
                    "restore the file and put the change in a new migration"
                )
            continue
        statements = m.statements(database)
        for sql in statements:
            run(sql)
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        # INSERT ... SELECT, not VALUES: over the native protocol an INSERT with inline VALUES
        # makes 18.16 wait for data blocks the runner never sends.
        run(
            f"INSERT INTO {database}.schema_migrations (version, name, checksum, applied_at) "
            f"SELECT {m.version}, {quote(m.name)}, {quote(m.checksum)}, toDateTime({quote(now)}, 'UTC')"
        )
        log.info("migrate.applied", database=database, version=m.version, name=m.name, statements=len(statements))
        newly.append(m)
    if not newly:
        log.info("migrate.up_to_date", database=database, version=max(done, default=0))
    return newly
