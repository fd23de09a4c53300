"""The pipeline's Kafka topics, declared once, and the code that makes a cluster match them.

`ensure_topics` creates what is missing and only *reports* what differs on topics that exist
(fewer partitions, another retention...): changing partitions re-routes keys and shortening
retention deletes data, so that is an operator's decision, never a side effect of `up`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hotline.config import Settings, get_settings
from hotline.errors import HotlineError
from hotline.log import get_logger

log = get_logger(__name__)

DAY_MS = 24 * 3600 * 1000
FOREVER = -1


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int = 1
    retention_ms: int = FOREVER
    cleanup_policy: str = "delete"
    why: str = ""
    extra_config: dict[str, str] = field(default_factory=dict)

    def configs(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy, **self.extra_config}


def pipeline_topics(settings: Settings | None = None) -> list[TopicSpec]:
    """THE list of the pipeline's topics (names and sizes come from settings)."""
    s = settings or get_settings()
    rf = s.replication_factor
    return [
        TopicSpec(s.topic_calls, s.calls_partitions, rf, FOREVER, why="the log of record: every call event, kept forever so tables can be rebuilt by replay"),
        TopicSpec(s.topic_enriched, s.calls_partitions, rf, 30 * DAY_MS, why="scrubbed, classified calls; re-derivable from the calls topic"),
        TopicSpec(s.topic_feed, 3, rf, FOREVER, why="the ministry aggregate feed"),
        TopicSpec(s.topic_alerts, 1, rf, FOREVER, why="adverse-effect spike alerts, in order"),
        TopicSpec(s.topic_deadletter, 3, rf, 90 * DAY_MS, why="invalid input with its reason and original bytes"),
        TopicSpec(s.topic_unmatched, 3, rf, 90 * DAY_MS, why="questions the classifier could not place"),
    ]


@dataclass
class TopicResult:
    name: str
    action: str  # "created", "ok" or "differs"
    differences: list[str] = field(default_factory=list)

    def line(self) -> str:
        tail = ": " + "; ".join(self.differences) if self.differences else ""
        return f"{self.name}: {self.action}{tail}"


def _admin(bootstrap: str):
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        return KafkaAdminClient(bootstrap_servers=bootstrap, client_id="hotline-topics", request_timeout_ms=30000, bootstrap_timeout_ms=10000)
    except (KafkaError, OSError) as exc:
        raise HotlineError(f"cannot reach Kafka at {bootstrap} ({type(exc).__name__}); start it with `hotline infra up` or fix HOTLINE_KAFKA_BOOTSTRAP") from None


def ensure_topics(bootstrap: str | None = None, specs: Iterable[TopicSpec] | None = None,
                  extra: Iterable[TopicSpec] | None = None) -> list[TopicResult]:
    """Create missing topics of `specs` (default: the pipeline's) plus `extra`; report differences."""
    from kafka.admin import ConfigResource, ConfigResourceType
    from kafka.errors import KafkaError

    wanted = list(pipeline_topics() if specs is None else specs) + list(extra or [])
    if not wanted:
        return []
    admin = _admin(bootstrap or get_settings().kafka_bootstrap)
    try:
        existing = {t["name"]: t for t in admin.describe_topics([s.name for s in wanted]) if t.get("error_code", 0) == 0}
        missing = [s for s in wanted if s.name not in existing]
        results: dict[str, TopicResult] = {}
        if missing:
            response = admin.create_topics(
                {s.name: {"num_partitions": s.partitions, "replication_factor": s.replication_factor, "configs": s.configs()} for s in missing},
                raise_errors=False, wait_for_metadata=True,
            )
            for t in response["topics"]:
                code = t["error_code"]
                if code == 36:  # TOPIC_ALREADY_EXISTS: created concurrently by another process
                    existing[t["name"]] = {"partitions": None}
                    continue
                if code != 0:
                    raise HotlineError(f"creating topic {t['name']} failed: {t.get('error_message') or code}; check HOTLINE_REPLICATION_FACTOR against the number of brokers")
                results[t["name"]] = TopicResult(t["name"], "created")
                log.info("infra.topic.created", topic=t["name"])
        present = [s for s in wanted if s.name in existing]
        if present:
            described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, s.name) for s in present], config_filter="all")
            per_topic = next(iter(described.values()), {}) if isinstance(described, dict) else {}
            for s in present:
                results[s.name] = _compare(s, existing[s.name], per_topic.get(s.name, {}))
    except KafkaError as exc:
        raise HotlineError(f"Kafka admin request failed ({type(exc).__name__}: {exc}); is the broker at {bootstrap} healthy? see `hotline infra status`") from None
    finally:
        admin.close()
    for r in results.values():
        if r.action == "differs":
            log.warning("infra.topic.differs", topic=r.name, differences="; ".join(r.differences))
    return [results[s.name] for s in wanted]


def _compare(spec: TopicSpec, meta: dict, configs: dict) -> TopicResult:
    diffs: list[str] = []
    partitions = meta.get("partitions")
    if partitions is not None and len(partitions) != spec.partitions:
        diffs.append(f"{len(partitions)} partitions, declared {spec.partitions}")
    if partitions:
        rf = len(partitions[0].get("replicas", []))
        if rf and rf != spec.replication_factor:
            diffs.append(f"replication factor {rf}, declared {spec.replication_factor}")
    for key, want in spec.configs().items():
        have = configs.get(key, {}).get("value") if isinstance(configs.get(key), dict) else configs.get(key)
        if have is not None and str(have) != want:
            diffs.append(f"{key}={have}, declared {want}")
    return TopicResult(spec.name, "differs" if diffs else "ok", diffs)
