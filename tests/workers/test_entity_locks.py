"""Entity locks taken as messages arrive, on the real Redis: a burst enters in one round trip,
processing finds its entity entered, and what is not processed gives its entity back."""

from __future__ import annotations

import pytest
import redis
from dramatiq.broker import MessageProxy
from dramatiq.message import Message

from queues.dead.holds import entity_holds
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.workers.conftest import key_from_first_argument
from throttling import HighWaterMark, KeyedLock
from throttling.lean_redis import LeanRedis
from workers.entity_entries import EntityEntries
from workers.errors import EntityBusy
from workers.middleware import EntityLocks


@pytest.fixture
def lock(lean_redis: LeanRedis, namespace: str) -> KeyedLock:
    return KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=30_000)


@pytest.fixture
def locks(lean_redis: LeanRedis, redis_client: redis.Redis, namespace: str, lock: KeyedLock) -> EntityLocks:
    entries = EntityEntries(
        lean_redis,
        lock=lock,
        holds=entity_holds(redis_client, namespace),
        marks=HighWaterMark(lean_redis, prefix=f"{namespace}:mark:", ttl_ms=60_000),
    )
    return EntityLocks(lock, key_from_first_argument, entries=entries)


def arrived(namespace: str, entity: str) -> MessageProxy:
    queue = lane_queues(namespace, Lane.CRITICAL).ready
    return MessageProxy(Message(queue_name=queue, actor_name="apply_event", args=(entity,), kwargs={}, options={}))


def is_locked(lock: KeyedLock, entity: str) -> bool:
    token = lock.acquire(entity)
    if token is not None:
        lock.release(entity, token)
    return token is None


def test_a_message_entered_on_arrival_is_processed_under_that_entry(
    locks: EntityLocks, lock: KeyedLock, namespace: str
) -> None:
    message = arrived(namespace, "order:1")

    locks.after_receive_messages(None, [message])  # type: ignore[arg-type]
    entry = locks.entry_of(message)
    locks.before_process_message(None, message)  # type: ignore[arg-type]

    assert entry is not None
    assert locks.entry_of(message) is entry
    assert is_locked(lock, "order:1")
    locks.after_process_message(None, message)  # type: ignore[arg-type]
    assert not is_locked(lock, "order:1")


def test_the_second_arrival_for_one_entity_in_a_burst_is_busy(locks: EntityLocks, namespace: str) -> None:
    first, second = arrived(namespace, "order:1"), arrived(namespace, "order:1")

    locks.after_receive_messages(None, [first, second])  # type: ignore[arg-type]
    locks.before_process_message(None, first)  # type: ignore[arg-type]

    with pytest.raises(EntityBusy):
        locks.before_process_message(None, second)  # type: ignore[arg-type]
    locks.after_process_message(None, second, exception=EntityBusy("busy"))  # type: ignore[arg-type]
    assert locks.entry_of(first) is not None


def test_an_arrival_whose_entity_another_worker_holds_is_busy(
    locks: EntityLocks, lock: KeyedLock, namespace: str
) -> None:
    token = lock.acquire("order:1")
    message = arrived(namespace, "order:1")

    locks.after_receive_messages(None, [message])  # type: ignore[arg-type]

    with pytest.raises(EntityBusy):
        locks.before_process_message(None, message)  # type: ignore[arg-type]
    assert token is not None
    assert lock.release("order:1", token) is True


def test_messages_dropped_before_processing_give_their_entities_back(
    locks: EntityLocks, lock: KeyedLock, namespace: str
) -> None:
    message = arrived(namespace, "order:1")
    locks.after_receive_messages(None, [message])  # type: ignore[arg-type]

    locks.after_drop_messages(None, [message])  # type: ignore[arg-type]

    assert not is_locked(lock, "order:1")
    assert locks.entry_of(message) is None


def test_a_message_stopped_by_an_earlier_hook_gives_its_entity_back(
    locks: EntityLocks, lock: KeyedLock, namespace: str
) -> None:
    message = arrived(namespace, "order:1")
    locks.after_receive_messages(None, [message])  # type: ignore[arg-type]

    # A hook before this one raised, so before_process_message never ran; the after-hooks do.
    locks.after_process_message(None, message, exception=RuntimeError("deferred"))  # type: ignore[arg-type]

    assert not is_locked(lock, "order:1")
    locks.before_process_message(None, message)  # type: ignore[arg-type]
    assert is_locked(lock, "order:1")
    locks.after_process_message(None, message)  # type: ignore[arg-type]


def test_a_worker_that_stops_gives_back_the_entities_of_messages_it_never_processed(
    locks: EntityLocks, lock: KeyedLock, namespace: str
) -> None:
    started, waiting = arrived(namespace, "order:1"), arrived(namespace, "order:2")
    locks.after_receive_messages(None, [started, waiting])  # type: ignore[arg-type]
    locks.before_process_message(None, started)  # type: ignore[arg-type]

    locks.before_worker_shutdown(None, None)  # type: ignore[arg-type]

    assert is_locked(lock, "order:1")
    assert not is_locked(lock, "order:2")
    locks.after_process_message(None, started)  # type: ignore[arg-type]
