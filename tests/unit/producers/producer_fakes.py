"""A stand-in for kafka-python's KafkaProducer: records what is sent, acknowledges on demand."""

from __future__ import annotations

from typing import Any

from kafka.errors import KafkaTimeoutError, NotLeaderForPartitionError


class FakeFuture:
    def __init__(self) -> None:
        self.value: Any = None
        self.exception: BaseException | None = None
        self.is_done = False
        self._callbacks: list = []
        self._errbacks: list = []

    def add_callback(self, fn: Any) -> FakeFuture:
        self._callbacks.append(fn)
        if self.is_done and self.exception is None:
            fn(self.value)
        return self

    def add_errback(self, fn: Any) -> FakeFuture:
        self._errbacks.append(fn)
        if self.is_done and self.exception is not None:
            fn(self.exception)
        return self

    def resolve(self, error: BaseException | None) -> None:
        if self.is_done:
            return
        self.is_done = True
        self.exception = error
        for fn in self._errbacks if error else self._callbacks:
            fn(error if error else "metadata")

    def get(self, timeout: float | None = None) -> Any:
        if not self.is_done:
            raise KafkaTimeoutError(f"Timeout after waiting for {timeout} secs.")
        if self.exception:
            raise self.exception
        return self.value


class FakeKafkaProducer:
    """`fail_every`: every n-th record is refused by the broker; `hold`: never acknowledge."""

    instances: list[FakeKafkaProducer] = []
    fail_every = 0
    hold = False
    auto_ack = True

    def __init__(self, **config: Any) -> None:
        self.config = config
        self.sent: list[tuple[str, bytes | None, bytes]] = []
        self.futures: list[FakeFuture] = []
        self.closed = False
        FakeKafkaProducer.instances.append(self)

    def send(self, topic: str, key: bytes | None = None, value: bytes | None = None) -> FakeFuture:
        self.sent.append((topic, key, value))
        future = FakeFuture()
        self.futures.append(future)
        if self.auto_ack:
            self._settle(len(self.futures) - 1, future)
        return future

    def _settle(self, index: int, future: FakeFuture) -> None:
        if self.hold:
            return
        failed = self.fail_every and (index + 1) % self.fail_every == 0
        future.resolve(NotLeaderForPartitionError("broker refused") if failed else None)

    def flush(self, timeout: float | None = None) -> None:
        for i, f in enumerate(self.futures):
            self._settle(i, f)
        if self.hold:
            raise KafkaTimeoutError("Timeout waiting for future")

    def close(self, timeout: float | None = None) -> None:
        self.closed = True
