"""Dead-letter reasons in the real Redis: kept by message id, bounded in number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis

from queues.dead import DeadLetterFilter, DeadLetterReason, DeadLetterStore, ReasonStoreUnavailable
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


def grouped(message_id: str, minutes: int = 0, **changes: object) -> DeadLetterReason:
    fields = reason(message_id, minutes).model_dump(exclude={"cause", "fingerprint"}) | changes
    return DeadLetterReason.grouped(**fields)


@pytest.fixture
def store(redis_client: redis.Redis, namespace: str) -> DeadLetterStore:
    return DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")


def test_the_message_s_copy_is_kept_with_its_reason(store: DeadLetterStore) -> None:
    store.record(grouped("m1"), b'{"message_id": "m1"}')

    assert store.body("m1") == b'{"message_id": "m1"}'


def test_selection_filters_by_lane_channel_topic_cause_state_and_time_newest_first(store: DeadLetterStore) -> None:
    store.record(grouped("old", 0))
    store.record(grouped("bulk", 1, lane="bulk", topic="inventory.updated"))
    store.record(grouped("eu", 2, channel="pos-eu"))
    store.record(grouped("other-cause", 3, error_message="unknown SKU SKU-0042"))

    def ids(**where: object) -> list[str]:
        return [found.message_id for found in store.select(DeadLetterFilter(**where))]  # type: ignore[arg-type]

    assert ids() == ["other-cause", "eu", "bulk", "old"]
    assert ids(lane="bulk") == ["bulk"]
    assert ids(channel="pos-eu") == ["eu"]
    assert ids(topic="order.created", channel="shop-us") == ["other-cause", "old"]
    assert ids(fingerprint=grouped("x").fingerprint) == ["eu", "bulk", "old"]
    assert ids(since=NOW + timedelta(minutes=2)) == ["other-cause", "eu"]
    assert ids(ids=frozenset({"old", "eu", "nope"})) == ["eu", "old"]
    assert ids(state="quarantined") == []


def test_dead_letters_group_by_cause_the_largest_group_first(store: DeadLetterStore) -> None:
    for n in range(3):
        store.record(grouped(f"sku99-{n}", n, entity_id=str(100_000 + n), channel=("shop-us", "pos-eu")[n % 2]))
    store.record(grouped("sku42", 5, error_message="unknown SKU SKU-0042"))

    groups = store.groups()

    assert [(group.count, group.cause) for group in groups] == [
        (3, "UnknownSku: unknown SKU SKU-0099"),
        (1, "UnknownSku: unknown SKU SKU-0042"),
    ]
    assert groups[0].newest.message_id == "sku99-2"
    assert groups[0].channels == ("pos-eu", "shop-us")


def test_removed_dead_letters_leave_no_trace_in_the_index_or_their_group(store: DeadLetterStore) -> None:
    store.record(grouped("m1"), b"1")
    store.record(grouped("m2", 1), b"2")

    store.remove(["m1"])

    assert (store.get("m1"), store.body("m1")) == (None, None)
    assert [found.message_id for found in store.select()] == ["m2"]
    assert [group.count for group in store.groups()] == [1]


def test_dead_letters_are_counted_from_a_moment_on(store: DeadLetterStore) -> None:
    for minute in range(4):
        store.record(grouped(f"m{minute}", minute))

    assert store.count_since(NOW + timedelta(minutes=2)) == 2


def test_a_quarantined_dead_letter_keeps_its_reason_with_its_new_state(store: DeadLetterStore) -> None:
    store.record(grouped("m1"))

    store.set_state(grouped("m1"), "quarantined")

    assert store.get("m1").state == "quarantined"  # type: ignore[union-attr]
    assert [found.message_id for found in store.select(DeadLetterFilter(state="quarantined"))] == ["m1"]
