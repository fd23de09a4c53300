"""Structured logging: one line per event, `key=value` text or JSON, on stderr.

Use `log = get_logger(__name__)` then `log.info("sink.flush", rows=123, ms=4.5)`: the first
argument is a stable event name that can be grepped, the keywords are the fields.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any


class _Formatter(logging.Formatter):
    def __init__(self, fmt: str) -> None:
        super().__init__()
        self.json = fmt == "json"

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, "fields", {})
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        if self.json:
            out = {"ts": ts, "level": record.levelname.lower(), "logger": record.name, "event": record.getMessage(), **fields}
            if record.exc_info:
                out["exc"] = self.formatException(record.exc_info)
            return json.dumps(out, default=str, ensure_ascii=False)
        parts = [ts, record.levelname.lower(), record.name, record.getMessage()]
        parts += [f"{k}={_text(v)}" for k, v in fields.items()]
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _text(v: Any) -> str:
    s = str(v)
    return json.dumps(s, ensure_ascii=False) if (" " in s or not s) else s


class Logger:
    """A thin wrapper so that call sites pass fields as keywords."""

    def __init__(self, name: str) -> None:
        self._log = logging.getLogger(name)

    def _emit(self, level: int, event: str, exc_info: bool = False, **fields: Any) -> None:
        if self._log.isEnabledFor(level):
            self._log.log(level, event, extra={"fields": fields}, exc_info=exc_info)

    def debug(self, event: str, **fields: Any) -> None:
        self._emit(logging.DEBUG, event, **fields)

    def info(self, event: str, **fields: Any) -> None:
        self._emit(logging.INFO, event, **fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._emit(logging.WARNING, event, **fields)

    def error(self, event: str, exc_info: bool = False, **fields: Any) -> None:
        self._emit(logging.ERROR, event, exc_info=exc_info, **fields)


def get_logger(name: str) -> Logger:
    return Logger(name)


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Configure the root logger once, at command start."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Faust/aiokafka/kafka-python are chatty at INFO; keep their warnings.
    for noisy in ("kafka", "aiokafka", "faust", "mode", "clickhouse_driver"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


class Progress:
    """Logs `event` with a running count and rate at most every `every` seconds."""

    def __init__(self, log: Logger, event: str, total: int | None = None, every: float = 2.0) -> None:
        self.log, self.event, self.total, self.every = log, event, total, every
        self.count = 0
        self.start = self._last = time.monotonic()

    def add(self, n: int = 1, **fields: Any) -> None:
        self.count += n
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self._report(now, **fields)

    def done(self, **fields: Any) -> None:
        self._report(time.monotonic(), final=True, **fields)

    def _report(self, now: float, final: bool = False, **fields: Any) -> None:
        elapsed = max(now - self.start, 1e-9)
        extra: dict[str, Any] = {"count": self.count, "per_s": round(self.count / elapsed, 1)}
        if self.total:
            extra["of"] = self.total
            extra["pct"] = round(100 * self.count / self.total, 1)
        if final:
            extra["seconds"] = round(elapsed, 2)
        self.log.info(self.event + (".done" if final else ".progress"), **extra, **fields)
