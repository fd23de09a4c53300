"""Local Kafka and ClickHouse for development, tests and the demo.

Other code calls `infra.services`: `up()`, `down()`, `status()`, and per service
`start_kafka / stop_kafka / restart_kafka`, `start_clickhouse / stop_clickhouse /
restart_clickhouse`. Topics: `infra.topics.ensure_topics(bootstrap, specs=None, extra=None)`
with `TopicSpec` and the declared list `pipeline_topics()`.
"""
