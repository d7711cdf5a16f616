"""The fleet-wide lock per key, on the real Redis."""

from __future__ import annotations

import pytest
import redis

from tests.support.net import eventually, free_port
from throttling import GateUnavailable, KeyedLock
from throttling.lean_redis import LeanRedis


@pytest.fixture
def lock(lean_redis: LeanRedis, namespace: str) -> KeyedLock:
    return KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=60_000)


def test_only_one_holder_at_a_time(lock: KeyedLock) -> None:
    token = lock.acquire("order-1")

    assert token is not None
    assert lock.acquire("order-1") is None
    assert lock.acquire("order-2") is not None


def test_releasing_lets_the_next_holder_in(lock: KeyedLock) -> None:
    token = lock.acquire("order-1")
    assert token is not None and lock.release("order-1", token)

    assert lock.acquire("order-1") is not None


def test_a_stale_token_cannot_release_someone_elses_lock(lock: KeyedLock) -> None:
    assert lock.acquire("order-1") is not None

    assert lock.release("order-1", "not-my-token") is False
    assert lock.acquire("order-1") is None


def test_a_dead_holders_lock_ends_with_its_lease(lean_redis: LeanRedis, namespace: str) -> None:
    short = KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=50)
    assert short.acquire("order-1") is not None

    eventually(lambda: short.acquire("order-1"), timeout=5, what="the lease to end")


def test_an_unreachable_redis_is_reported_as_an_unavailable_gate() -> None:
    client = LeanRedis(f"redis://127.0.0.1:{free_port()}/0", timeout=1)
    lock = KeyedLock(client, prefix="x:", lease_ms=1000)

    with pytest.raises(GateUnavailable):
        lock.acquire("order-1")
    client.close()


def test_a_live_holder_keeps_its_lock_by_extending_the_lease(
    lean_redis: LeanRedis, redis_client: redis.Redis, namespace: str
) -> None:
    short = KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=200)
    token = short.acquire("order-1")
    assert token is not None

    assert short.extend("order-1", token)
    assert redis_client.pttl(f"{namespace}:lock:order-1") > 100
    assert short.extend("order-1", "someone-else") is False
