"""On-call's view of a test namespace on the real RabbitMQ and Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oncall.fleet import OnCall, OnCallConfig
from oncall.settings import OnCallSettings
from queues.dead import DeadLetterSettings
from queues.settings import BrokerSettings
from tests.support.dead_letters import DeadLetterSeeder
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings


@pytest.fixture
def oncall_config(
    service: ServiceSettings, broker_settings: BrokerSettings, redis_settings: RedisSettings
) -> OnCallConfig:
    return OnCallConfig(
        service=service,
        redis=redis_settings,
        broker=broker_settings,
        budget=BudgetSettings(rate=100, concurrency=0),
        breaker=BreakerSettings(),
        dead=DeadLetterSettings(replay_limit=2),
        oncall=OnCallSettings(slo_critical_seconds=60, worker_threads_critical=4),
    )


@pytest.fixture
def oncall(oncall_config: OnCallConfig) -> Iterator[OnCall]:
    oncall = OnCall(oncall_config)
    yield oncall
    oncall.close()


@pytest.fixture
def seeder(namespace: str, oncall: OnCall) -> Iterator[DeadLetterSeeder]:
    seeder = DeadLetterSeeder(namespace, oncall.store)
    yield seeder
    seeder.close()
