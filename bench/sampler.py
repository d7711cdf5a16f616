"""Samples the fleet once a second: lane backlogs in RabbitMQ and the ERP gate's state in Redis."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pika
import pika.exceptions
import redis

from queues.lanes import Lane
from queues.topology import lane_queues

__all__ = ["Sample", "Sampler"]


@dataclass(frozen=True)
class Sample:
    """The fleet at Unix second ``at``: messages waiting per lane (ready and delayed), the
    breaker (``closed``/``open``/``half``) and the rate the gate allows now (calls/s)."""

    at: int
    backlog: dict[Lane, int]
    breaker: str
    allowed_rate: float


@dataclass
class Sampler:
    """Samples every second in a thread until stopped."""

    namespace: str
    budget: float
    ramp_per_s: float
    broker_url: str
    redis_url: str
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        self._connection = pika.BlockingConnection(pika.URLParameters(self.broker_url))
        self._channel = self._connection.channel()
        client = redis.Redis.from_url(self.redis_url)
        try:
            while not self._stop.wait(1 - time.time() % 1):
                self.samples.append(self._sample(client))
        finally:
            self._connection.close()
            client.close()

    def _sample(self, client: redis.Redis) -> Sample:
        backlog = {}
        for lane in Lane:
            queues = lane_queues(self.namespace, lane)
            backlog[lane] = sum(self._depth(name) for name in (queues.ready, queues.delayed))
        state = {key.decode(): value.decode() for key, value in client.hgetall(f"{self.namespace}:erp:state").items()}
        now_ms = time.time() * 1000
        return Sample(int(now_ms // 1000), backlog, state.get("breaker", "closed"), self._allowed(state, now_ms))

    def _depth(self, queue: str) -> int:
        try:
            return int(self._channel.queue_declare(queue, passive=True).method.message_count)
        except pika.exceptions.ChannelClosedByBroker:
            # A queue nobody declared yet closes the channel; count it empty and reopen.
            self._channel = self._connection.channel()
            return 0

    def _allowed(self, state: dict[str, str], now_ms: float) -> float:
        if state.get("breaker") == "open" or float(state.get("paused_until", 0)) > now_ms:
            return 0.0
        since = max(0.0, now_ms - float(state.get("factor_at", now_ms)))
        return self.budget * min(1.0, float(state.get("factor", 1)) + self.ramp_per_s * since / 1000)
