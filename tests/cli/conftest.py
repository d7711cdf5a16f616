"""Running ``weir`` commands in-process against the real RabbitMQ and Redis of a test namespace."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import redis
from typer.testing import CliRunner, Result

from cli import app
from queues.dead import DeadLetterStore, dead_letter_store
from tests.support.dead_letters import DeadLetterSeeder

Weir = Callable[..., Result]


@pytest.fixture
def weir(namespace: str) -> Weir:
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None, columns: int = 200) -> Result:
        env = {"WEIR_NAMESPACE": namespace, "WEIR_BUDGET_RATE": "10", "COLUMNS": str(columns)}
        return runner.invoke(app, list(args), env=env, input=stdin)

    return run


@pytest.fixture
def store(redis_client: redis.Redis, namespace: str) -> DeadLetterStore:
    return dead_letter_store(redis_client, namespace)


@pytest.fixture
def seeder(namespace: str, store: DeadLetterStore) -> Iterator[DeadLetterSeeder]:
    seeder = DeadLetterSeeder(namespace, store)
    yield seeder
    seeder.close()
