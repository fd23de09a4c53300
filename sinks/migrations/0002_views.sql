-- Views for what analysts ask most. Plain views (not materialized): they read the tables at
-- query time, so they are exact whatever happened during inserts, and a partial insert
-- cannot double-feed them. Tables hold each record once (the sink filters replays), so
-- counts need no FINAL.

-- Calls per local day and hour: offered, outcome, agents on duty, waiting and talk times.
CREATE VIEW IF NOT EXISTS {db}.calls_hourly AS
SELECT
    local_date,
    local_hour,
    count() AS offered,
    countIf(disposition IN ('answered', 'transferred')) AS answered,
    countIf(disposition = 'abandoned') AS abandoned,
    countIf(disposition = 'transferred') AS transferred,
    countIf(disposition = 'out_of_hours') AS out_of_hours,
    uniqExact(agent_id) AS agents,
    avgIf(wait_seconds, disposition IN ('answered', 'transferred')) AS asa_seconds,
    avgIf(handle_seconds, disposition IN ('answered', 'transferred')) AS aht_seconds,
    max(wait_seconds) AS max_wait_seconds
FROM {db}.calls
GROUP BY local_date, local_hour;

-- Questions and calls per local day and question family.
CREATE VIEW IF NOT EXISTS {db}.daily_family_volume AS
SELECT
    local_date,
    family,
    count() AS questions,
    uniqExact(event_id) AS calls
FROM {db}.questions
GROUP BY local_date, family;

-- Questions and calls per local day and catalog question (family other excluded).
CREATE VIEW IF NOT EXISTS {db}.daily_question_volume AS
SELECT
    local_date,
    family,
    question_id,
    count() AS questions,
    uniqExact(event_id) AS calls,
    avg(confidence) AS avg_confidence
FROM {db}.questions
WHERE family != 'other' AND question_id IS NOT NULL
GROUP BY local_date, family, question_id;

-- Catalog questions over all days, most asked first.
CREATE VIEW IF NOT EXISTS {db}.top_questions AS
SELECT
    question_id,
    family,
    count() AS questions,
    uniqExact(event_id) AS calls,
    min(local_date) AS first_date,
    max(local_date) AS last_date
FROM {db}.questions
WHERE family != 'other' AND question_id IS NOT NULL
GROUP BY question_id, family
ORDER BY questions DESC, question_id;

-- Questions no catalog entry fits, grouped by their (lower-cased) text per local day.
CREATE VIEW IF NOT EXISTS {db}.unmatched_questions AS
SELECT
    local_date,
    lowerUTF8(question) AS question_text,
    count() AS asked,
    uniqExact(event_id) AS calls,
    groupUniqArray(language) AS languages,
    max(confidence) AS best_confidence
FROM {db}.questions
WHERE family = 'other'
GROUP BY local_date, question_text;

-- Adverse-effect mentions per local day, vaccine and symptom.
CREATE VIEW IF NOT EXISTS {db}.adverse_effects_daily AS
SELECT
    local_date,
    vaccine,
    symptom,
    count() AS mentions,
    uniqExact(event_id) AS calls
FROM {db}.adverse_effect_mentions
GROUP BY local_date, vaccine, symptom;

-- Hourly call-centre figures of the stream worker, latest revision of each window.
CREATE VIEW IF NOT EXISTS {db}.service_hourly AS
SELECT
    local_date,
    window_start,
    window_end,
    record_id,
    revision,
    offered,
    answered,
    abandoned,
    transferred,
    out_of_hours,
    asa_seconds,
    aht_seconds,
    service_level,
    service_level_target_seconds,
    max_wait_seconds,
    suppressed,
    published_at
FROM {db}.service_figures
WHERE window = 'hour'
  AND (record_id, revision) IN (SELECT record_id, max(revision) FROM {db}.service_figures GROUP BY record_id);

-- The ministry feed as it stands: latest revision of every cell.
CREATE VIEW IF NOT EXISTS {db}.ministry_feed_current AS
SELECT
    record_id,
    revision,
    window,
    window_start,
    window_end,
    local_date,
    dimension,
    key,
    calls,
    questions,
    suppressed,
    catalog_version,
    published_at
FROM {db}.ministry_feed
WHERE (record_id, revision) IN (SELECT record_id, max(revision) FROM {db}.ministry_feed GROUP BY record_id);

-- Spike alerts, latest revision of each (day, vaccine, symptom).
CREATE VIEW IF NOT EXISTS {db}.alerts_current AS
SELECT
    alert_id,
    revision,
    local_date,
    vaccine,
    symptom,
    observed,
    baseline_mean,
    baseline_sd,
    statistic,
    threshold,
    method,
    published_at
FROM {db}.alerts
WHERE (alert_id, revision) IN (SELECT alert_id, max(revision) FROM {db}.alerts GROUP BY alert_id);
