"""A real Dramatiq worker on the real RabbitMQ, with Weir's middleware, for policy tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import dramatiq
import pytest
import redis
from dramatiq import Worker

from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterStore
from queues.lanes import Lane
from tests.support.rabbit import RABBITMQ_URL
from throttling import KeyedLock
from throttling.lean_redis import LeanRedis
from workers.middleware import EntityLocks, RetryPolicy


def key_from_first_argument(message: dramatiq.broker.MessageProxy) -> str | None:
    """Test messages name their entity as their first argument."""
    return str(message.args[0]) if message.args else None


@pytest.fixture
def build_policy_broker(
    namespace: str, redis_client: redis.Redis, lean_redis: LeanRedis
) -> Iterator[Callable[..., LaneBroker]]:
    built: list[LaneBroker] = []

    def build(reasons_client: redis.Redis = redis_client) -> LaneBroker:
        middleware = [
            EntityLocks(
                KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=30_000),
                key_from_first_argument,
            ),
            RetryPolicy(
                DeadLetterStore(reasons_client, prefix=f"{namespace}:dead:"),
                describe=lambda message: {"lane": "critical", "entity_id": key_from_first_argument(message)},
                deferral_delay_ms=10,
                reason_retry_delay_ms=50,
            ),
        ]
        broker = build_broker(RABBITMQ_URL, namespace, middleware=middleware, lanes=[Lane.CRITICAL])
        built.append(broker)
        return broker

    yield build
    for broker in built:
        broker.close()


@pytest.fixture
def run_worker() -> Iterator[Callable[[LaneBroker], Worker]]:
    workers: list[Worker] = []

    def run(broker: LaneBroker, threads: int = 2) -> Worker:
        worker = Worker(broker, worker_threads=threads, worker_timeout=100)
        worker.start()
        workers.append(worker)
        return worker

    yield run
    for worker in workers:
        worker.stop()
