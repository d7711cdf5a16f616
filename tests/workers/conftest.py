"""A real Dramatiq worker on the real RabbitMQ, with Weir's middleware, for policy tests; and
the workers' own configuration, for tests that build the whole stack with :func:`workers.app.build`
against the ERP simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import dramatiq
import pytest
import redis
from dramatiq import Worker

from erp.settings import ErpSettings
from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterSettings, DeadLetterStore
from queues.lanes import Lane
from queues.settings import BrokerSettings
from tests.fixtures.simulator import RunningSimulator
from tests.support.rabbit import RABBITMQ_URL
from throttling import KeyedLock
from throttling.budget import BreakerSettings, BudgetSettings
from throttling.lean_redis import LeanRedis
from weir.settings import RedisSettings, ServiceSettings
from workers.app import WorkerConfig
from workers.middleware import EntityLocks, RetryPolicy
from workers.settings import WorkerSettings


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


@pytest.fixture
def worker_config(
    service: ServiceSettings,
    broker_settings: BrokerSettings,
    redis_settings: RedisSettings,
    simulator: RunningSimulator,
) -> WorkerConfig:
    return WorkerConfig(
        service=service,
        worker=WorkerSettings(),
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        broker=broker_settings,
        redis=redis_settings,
        erp=ErpSettings(kind="simulator", url=simulator.url),
        dead=DeadLetterSettings(),
    )


@pytest.fixture
def run_workers() -> Iterator[Callable[[LaneBroker], Worker]]:
    running: list[tuple[Worker, LaneBroker]] = []

    def run(broker: LaneBroker) -> Worker:
        worker = Worker(broker, worker_threads=2, worker_timeout=100)
        worker.start()
        running.append((worker, broker))
        return worker

    yield run
    for worker, broker in running:
        worker.stop()
        broker.close()
