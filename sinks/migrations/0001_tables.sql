-- Analytics tables of the hotline, written only by `hotline sink`.
--
-- Runs on ClickHouse 18.16 (Debian) and on modern ClickHouse: no LowCardinality, DateTime64,
-- TTL or codecs. `{db}` is the analytics database, `{private_db}` the database analysts
-- cannot read (dead letters keep raw bytes that may hold personal data).
--
-- Rules that keep the sink exactly-once (docs/clickhouse.md):
--   * every table is partitioned by a date that is a pure function of the record (the call's
--     local day, the feed window's day, the Kafka timestamp), never by insertion time, so a
--     replayed record lands in the same partition and one record's rows land in one part;
--   * every sort key starts with that date and then the record's identity (event_id,
--     record_id + revision, topic + partition + offset), so the sink's "already there?"
--     lookup before each insert reads a few index granules.

CREATE TABLE IF NOT EXISTS {db}.calls
(
    event_id         UUID,
    call_id          String,
    source           String,
    line             String,
    site             String,
    agent_id         Nullable(String),
    caller_hash      Nullable(String),
    region           Nullable(String),
    language         String,
    disposition      String,
    queued_at        DateTime('UTC'),
    answered_at      Nullable(DateTime('UTC')),
    ended_at         DateTime('UTC'),
    local_date       Date,
    local_hour       UInt8,
    wait_seconds     Float32,
    handle_seconds   Nullable(Float32),
    questions        UInt16,
    redactions       UInt32,
    catalog_version  String,
    schema_version   UInt16,
    processed_at     DateTime('UTC'),
    kafka_partition  UInt32,
    kafka_offset     UInt64,
    inserted_at      DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(local_date)
ORDER BY (local_date, event_id);

CREATE TABLE IF NOT EXISTS {db}.questions
(
    event_id         UUID,
    seq              UInt16,
    local_date       Date,
    local_hour       UInt8,
    queued_at        DateTime('UTC'),
    family           String,
    question_id      Nullable(String),
    language         String,
    confidence       Float32,
    question         String,
    answer           String,
    topic_tag        Nullable(String),
    vaccine          Nullable(String),
    symptoms         Array(String),
    site             String,
    region           Nullable(String),
    catalog_version  String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(local_date)
ORDER BY (local_date, event_id, seq);

CREATE TABLE IF NOT EXISTS {db}.adverse_effect_mentions
(
    event_id         UUID,
    seq              UInt16,
    local_date       Date,
    queued_at        DateTime('UTC'),
    vaccine          String,
    symptom          String,
    language         String,
    region           Nullable(String)
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(local_date)
ORDER BY (local_date, event_id, seq, symptom);

CREATE TABLE IF NOT EXISTS {db}.service_figures
(
    record_id                     String,
    revision                      UInt32,
    window                        String,
    window_start                  DateTime('UTC'),
    window_end                    DateTime('UTC'),
    local_date                    Date,
    offered                       UInt32,
    answered                      UInt32,
    abandoned                     UInt32,
    transferred                   UInt32,
    out_of_hours                  UInt32,
    asa_seconds                   Nullable(Float32),
    aht_seconds                   Nullable(Float32),
    service_level                 Nullable(Float32),
    service_level_target_seconds  UInt32,
    max_wait_seconds              Nullable(Float32),
    suppressed                    UInt8,
    published_at                  DateTime('UTC'),
    kafka_partition               UInt32,
    kafka_offset                  UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(local_date)
ORDER BY (local_date, record_id, revision);

CREATE TABLE IF NOT EXISTS {db}.ministry_feed
(
    record_id        String,
    revision         UInt32,
    window           String,
    window_start     DateTime('UTC'),
    window_end       DateTime('UTC'),
    local_date       Date,
    dimension        String,
    key              String,
    calls            Nullable(UInt32),
    questions        Nullable(UInt32),
    suppressed       UInt8,
    catalog_version  String,
    published_at     DateTime('UTC'),
    kafka_partition  UInt32,
    kafka_offset     UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(local_date)
ORDER BY (local_date, record_id, revision);

CREATE TABLE IF NOT EXISTS {db}.alerts
(
    alert_id         String,
    revision         UInt32,
    local_date       Date,
    vaccine          String,
    symptom          String,
    observed         UInt32,
    baseline_mean    Float64,
    baseline_sd      Float64,
    statistic        Float64,
    threshold        Float64,
    method           String,
    published_at     DateTime('UTC'),
    kafka_partition  UInt32,
    kafka_offset     UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(local_date)
ORDER BY (local_date, alert_id, revision);

CREATE DATABASE IF NOT EXISTS {private_db};

-- One row per dead letter. log_* is where the sink read it (the dead-letter topic, or the
-- topic of a record the sink itself rejected); log_date is that record's Kafka timestamp
-- day, so a replay lands in the same partition.
CREATE TABLE IF NOT EXISTS {private_db}.dead_letters
(
    stage             String,
    kind              String,
    reason            String,
    details           Array(String),
    source_topic      Nullable(String),
    source_partition  Nullable(Int32),
    source_offset     Nullable(Int64),
    key               Nullable(String),
    original          String,
    failed_at         DateTime('UTC'),
    log_topic         String,
    log_partition     UInt32,
    log_offset        UInt64,
    log_date          Date
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(log_date)
ORDER BY (log_date, log_topic, log_partition, log_offset);
