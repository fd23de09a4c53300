"""All configuration, in one place: environment variables with documented defaults.

Every setting is read from ``HOTLINE_<NAME>`` (e.g. ``HOTLINE_KAFKA_BOOTSTRAP``).
``hotline config`` prints the effective values; ``hotline config --markdown`` prints the
table that the README carries, so the docs cannot drift from the code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(RuntimeError):
    """A bad environment value; the message names the variable and what is expected."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore", frozen=True)

    # --- general -----------------------------------------------------------------------
    state_dir: Path = Field(Path(".hotline"), description="Folder holding all local state: broker logs, ClickHouse data, pid files, service logs.")
    mode: str = Field("production", description="`production`, `demo` or `test`. Outside production a built-in caller-hash key is allowed.")
    log_format: str = Field("text", description="`text` (key=value) or `json` log lines on stderr.")
    log_level: str = Field("INFO", description="Python log level.")
    timezone: str = Field("Africa/Casablanca", description="Local time zone of reports and of daily windows.")

    # --- Kafka -------------------------------------------------------------------------
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers (host:port[,host:port]).")
    kafka_controller_port: int = Field(9093, description="Port of the local KRaft controller listener.")
    kafka_version: str = Field("4.1.1", description="Apache Kafka version fetched from Maven Central for the local broker.")
    kafka_heap: str = Field("-Xms512m -Xmx1g", description="JVM heap options of the local broker.")
    infra_start_timeout: float = Field(120.0, description="Seconds `hotline infra up` waits for each local service to answer.")
    topic_calls: str = Field("hotline.calls", description="Raw call events, keyed by call id.")
    topic_enriched: str = Field("hotline.calls.enriched", description="Validated, scrubbed, classified calls.")
    topic_feed: str = Field("hotline.ministry.feed", description="Aggregates for the ministry (small cells suppressed).")
    topic_alerts: str = Field("hotline.alerts", description="Adverse-effect spike alerts.")
    topic_deadletter: str = Field("hotline.deadletter", description="Invalid input with the reason and the original bytes.")
    topic_unmatched: str = Field("hotline.questions.unmatched", description="Questions the classifier could not place, for growing the catalog.")
    calls_partitions: int = Field(6, description="Partitions of the calls and enriched topics.")
    replication_factor: int = Field(1, description="Replication factor of created topics (1 on the local single broker).")

    # --- ClickHouse --------------------------------------------------------------------
    clickhouse_host: str = Field("127.0.0.1", description="ClickHouse host.")
    clickhouse_port: int = Field(9000, description="ClickHouse native-protocol port.")
    clickhouse_http_port: int = Field(8123, description="ClickHouse HTTP port.")
    clickhouse_database: str = Field("hotline", description="Database of the analytics tables.")
    clickhouse_user: str = Field("default", description="ClickHouse user of the pipeline (writer).")
    clickhouse_password: str = Field("", description="Password of that user.")
    clickhouse_binary: str = Field("", description="Path of the clickhouse server binary; empty = find it on PATH or install Debian's package.")
    clickhouse_analyst_user: str = Field("analyst", description="Read-only ClickHouse user for analysts (created by `hotline infra up` with readonly=1).")
    clickhouse_analyst_password: str = Field("analyst", description="Password of the read-only analyst user.")

    # --- privacy -----------------------------------------------------------------------
    caller_hash_key: str = Field("", description="Secret key of the HMAC that replaces caller numbers. Required in production mode.")
    min_cell_size: int = Field(5, description="Ministry feed cells with fewer calls than this are suppressed.")

    # --- stream processing -------------------------------------------------------------
    worker_id: str = Field("hotline-worker", description="Faust app id (the consumer group of the workers).")
    worker_web_port: int = Field(6066, description="Port of the Faust worker's web endpoint (0 disables it).")
    classifier_threshold: float = Field(0.4, description="Below this confidence a question is `other` and goes to the unmatched topic (off-topic subjects of the catalog's [other] section are rejected at any confidence).")
    catalog_path: Path | None = Field(None, description="Question catalog TOML file; empty = the catalog shipped in schemas/catalog.toml.")
    window_grace_seconds: int = Field(3600, description="Late events within this grace period still update their window.")
    service_level_seconds: int = Field(20, description="Answered within this many seconds counts toward the service level.")
    poison_ratio: float = Field(0.5, description="Stop the worker when more than this share of the last `poison_window` records is invalid.")
    poison_window: int = Field(1000, description="How many recent records the poison-burst check looks at.")
    worker_idle_flush_seconds: float = Field(5.0, description="After this many seconds without new calls the worker publishes its open windows (the end of a replay); 0 disables.")

    # --- sink --------------------------------------------------------------------------
    sink_group: str = Field("hotline-sink", description="Consumer group of the ClickHouse sink.")
    sink_batch_rows: int = Field(20000, description="Flush a batch to ClickHouse at this many calls...")
    sink_batch_seconds: float = Field(2.0, description="...or after this many seconds, whichever comes first.")

    # --- report and staffing -----------------------------------------------------------
    service_level_target: float = Field(0.8, gt=0, lt=1, description="Share of calls to answer within `service_level_seconds` (report staffing).")
    staffing_max_occupancy: float = Field(0.85, gt=0, le=1, description="Erlang C staffing keeps agent occupancy at or below this share.")
    staffing_shrinkage: float = Field(0.3, ge=0, lt=1, description="Share of paid time agents are off the phones (breaks, training); scheduled = needed / (1 - shrinkage).")

    # --- ingest ------------------------------------------------------------------------
    ingest_host: str = Field("127.0.0.1", description="Bind address of `hotline ingest`.")
    ingest_port: int = Field(8080, description="Port of `hotline ingest`.")
    ingest_max_body_bytes: int = Field(5_000_000, description="Larger request bodies get 413.")
    producer_compression: str = Field("gzip", description="Compression of the records producers write: `gzip` (needs no extra package), `lz4`/`zstd` (need the `lz4`/`zstandard` packages here and `cramjam` in the Faust workers), or `none`.")

    @field_validator("mode")
    @classmethod
    def _mode(cls, v: str) -> str:
        if v not in {"production", "demo", "test"}:
            raise ValueError("must be one of production, demo, test")
        return v

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, v: str) -> str:
        if v not in {"text", "json"}:
            raise ValueError("must be text or json")
        return v

    @property
    def state_path(self) -> Path:
        """The state folder as an absolute path (created on demand by the callers)."""
        return self.state_dir.expanduser().resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once; a bad value becomes one clear ConfigError."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "HOTLINE_" + str(err["loc"][0]).upper() if err["loc"] else "HOTLINE_*"
            lines.append(f"{name}: {err['msg']} (got {err.get('input')!r})")
        raise ConfigError("bad configuration: " + "; ".join(lines)) from None


def markdown_table() -> str:
    """The README's configuration table, generated from the fields above."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        rows.append(f"| `HOTLINE_{name.upper()}` | {shown} | {field.description or ''} |")
    return "\n".join(rows)
