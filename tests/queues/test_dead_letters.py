"""Dead-letter reasons in the real Redis: kept by message id, bounded in number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis

from queues.dead_letters import DeadLetterReason, DeadLetterStore, ReasonStoreUnavailable
from tests.support.net import free_port
from weir.settings import RedisSettings
from weir.stores import sync_redis

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def reason(message_id: str, minutes: int = 0) -> DeadLetterReason:
    return DeadLetterReason(
        message_id=message_id,
        queue="weir.critical",
        lane="critical",
        channel="shop-us",
        topic="order.created",
        entity_id="1001",
        event_id="e1",
        correlation_id="c1",
        error_class="UnknownSku",
        error_message="unknown SKU SKU-0099",
        classification="permanent",
        attempts=1,
        first_failure_at=NOW,
        last_failure_at=NOW,
        dead_lettered_at=NOW + timedelta(minutes=minutes),
    )


def test_a_reason_is_kept_by_message_id(redis_client: redis.Redis, namespace: str) -> None:
    store = DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")
    store.record(reason("m1"))

    assert store.get("m1") == reason("m1")
    assert store.get("m2") is None


def test_beyond_its_size_the_store_drops_the_oldest_reasons(redis_client: redis.Redis, namespace: str) -> None:
    store = DeadLetterStore(redis_client, prefix=f"{namespace}:dead:", max_entries=3)
    for minute in range(5):
        store.record(reason(f"m{minute}", minute))

    assert [store.get(f"m{minute}") is not None for minute in range(5)] == [False, False, True, True, True]


def test_an_unreachable_redis_is_reported() -> None:
    client = sync_redis(RedisSettings(url=f"redis://127.0.0.1:{free_port()}/0", timeout_seconds=1))
    with pytest.raises(ReasonStoreUnavailable):
        DeadLetterStore(client, prefix="x:").record(reason("m1"))
    client.close()
