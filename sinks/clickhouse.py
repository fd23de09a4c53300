"""ClickHouse connections from settings, and the names of the two databases.

Analytics tables live in `clickhouse_database`; dead letters live in `<that>_private`, which
the analyst user is not allowed to read (users.xml `allow_databases` on ClickHouse 18.16 has
no finer grain than a database).
"""

from __future__ import annotations

from typing import Any, Protocol

from hotline.config import Settings, get_settings


class SqlRunner(Protocol):
    """What migrations need from a connection: run one statement, get rows back."""

    def __call__(self, sql: str) -> list[tuple[Any, ...]]: ...


def private_database(database: str) -> str:
    """The database of data analysts must not read (raw dead-letter bytes)."""
    return f"{database}_private"


def client(settings: Settings | None = None, database: str | None = None, **kwargs: Any) -> Any:
    """A clickhouse-driver Client for the pipeline's writer user.

    `database=None` connects to `default`, so that `hotline migrate` can create the database.
    """
    from clickhouse_driver import Client

    s = settings or get_settings()
    return Client(
        host=s.clickhouse_host,
        port=s.clickhouse_port,
        user=s.clickhouse_user,
        password=s.clickhouse_password,
        database=database or "default",
        connect_timeout=5,
        send_receive_timeout=60,
        client_name="hotline",
        **kwargs,
    )


def runner(cli: Any) -> SqlRunner:
    """Adapt a clickhouse-driver Client to `SqlRunner`."""

    def run(sql: str) -> list[tuple[Any, ...]]:
        return list(cli.execute(sql))

    return run


def quote(value: str) -> str:
    """A ClickHouse string literal (migrations write their own bookkeeping rows as SQL text)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
