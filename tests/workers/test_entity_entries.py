"""Entering an entity in one round trip, on the real Redis: the same lock, line and mark as
asking each of them in turn."""

from __future__ import annotations

import pytest
import redis

from queues.dead.holds import EntityHolds, HoldVerdict, entity_holds
from tests.support.net import free_port
from throttling import GateUnavailable, HighWaterMark, KeyedLock
from throttling.lean_redis import LeanRedis
from workers.entity_entries import EntityEntries, Entry

ENTITY = "shop-us:order:1001"
TWIN = "shop-us:order:1002"


@pytest.fixture
def lock(lean_redis: LeanRedis, namespace: str) -> KeyedLock:
    return KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=30_000)


@pytest.fixture
def holds(redis_client: redis.Redis, namespace: str) -> EntityHolds:
    return entity_holds(redis_client, namespace)


@pytest.fixture
def marks(lean_redis: LeanRedis, namespace: str) -> HighWaterMark:
    return HighWaterMark(lean_redis, prefix=f"{namespace}:mark:", ttl_ms=60_000)


@pytest.fixture
def entries(lean_redis: LeanRedis, lock: KeyedLock, holds: EntityHolds, marks: HighWaterMark) -> EntityEntries:
    return EntityEntries(lean_redis, lock=lock, holds=holds, marks=marks)


def test_entering_a_free_entity_takes_its_lock_and_reads_its_mark(
    entries: EntityEntries, lock: KeyedLock, marks: HighWaterMark
) -> None:
    marks.raise_to(ENTITY, 1_795_425_300_000)

    entry = entries.enter(ENTITY, "m1")

    assert entry is not None
    assert entry.hold == HoldVerdict("free")
    assert entry.mark == 1_795_425_300_000
    assert lock.acquire(ENTITY) is None
    assert lock.release(ENTITY, entry.token) is True


def test_an_entity_without_a_mark_enters_with_none(entries: EntityEntries) -> None:
    entry = entries.enter(ENTITY, "m1")

    assert entry is not None
    assert entry.mark is None


def test_a_locked_entity_is_not_entered_and_its_line_is_left_alone(
    entries: EntityEntries, lock: KeyedLock, holds: EntityHolds
) -> None:
    holds.block(ENTITY, "dead")
    assert lock.acquire(ENTITY) is not None

    assert entries.enter(ENTITY, "m2") is None
    assert holds.line(ENTITY) == ["dead"]


def test_entering_answers_what_the_line_answers_in_every_state_of_it(
    entries: EntityEntries, lock: KeyedLock, holds: EntityHolds
) -> None:
    def both(message_id: str) -> tuple[HoldVerdict, HoldVerdict]:
        entry = entries.enter(ENTITY, message_id)
        assert entry is not None
        lock.release(ENTITY, entry.token)
        return entry.hold, holds.check(TWIN, message_id)

    for entity in (ENTITY, TWIN):
        holds.block(entity, "dead")
    assert both("m2") == (HoldVerdict("park", "dead"),) * 2
    assert both("m3") == (HoldVerdict("park", "dead"),) * 2

    for entity in (ENTITY, TWIN):
        holds.release(entity, "dead")
    assert both("m3") == (HoldVerdict("wait", "dead"),) * 2
    assert both("dead") == (HoldVerdict("head"),) * 2

    for entity in (ENTITY, TWIN):
        holds.leave(entity, "dead")
        holds.leave(entity, "m2")
        holds.leave(entity, "m3")
    assert both("m4") == (HoldVerdict("free"),) * 2
    assert holds.line(ENTITY) == holds.line(TWIN) == []


def test_without_redis_entering_is_unavailable(holds: EntityHolds, marks: HighWaterMark) -> None:
    nowhere = LeanRedis(f"redis://127.0.0.1:{free_port()}", timeout=0.5)
    lock = KeyedLock(nowhere, prefix="x:", lease_ms=1_000)

    with pytest.raises(GateUnavailable):
        EntityEntries(nowhere, lock=lock, holds=holds, marks=marks).enter(ENTITY, "m1")


def test_entering_several_entities_at_once_gives_each_its_own_entry(entries: EntityEntries, lock: KeyedLock) -> None:
    held = lock.acquire(TWIN)

    free, busy = entries.enter_many([(ENTITY, "m1"), (TWIN, "m2")])

    assert isinstance(free, Entry)
    assert busy is None
    assert lock.release(ENTITY, free.token) is True
    assert held is not None
    assert lock.release(TWIN, held) is True
