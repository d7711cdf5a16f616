"""The high-water mark per key, on the real Redis."""

from __future__ import annotations

import pytest
import redis

from tests.support.net import free_port
from throttling import GateUnavailable, HighWaterMark
from throttling.background import BackgroundWrites
from throttling.lean_redis import LeanRedis


@pytest.fixture
def marks(lean_redis: LeanRedis, namespace: str) -> HighWaterMark:
    return HighWaterMark(lean_redis, prefix=f"{namespace}:mark:", ttl_ms=60_000)


def test_a_mark_that_was_never_raised_reads_as_none(marks: HighWaterMark) -> None:
    assert marks.read("order-1") is None


def test_a_mark_only_rises(marks: HighWaterMark) -> None:
    assert marks.raise_to("order-1", 200) is True
    assert marks.raise_to("order-1", 100) is False
    assert marks.raise_to("order-1", 200) is False

    assert marks.read("order-1") == 200
    assert marks.raise_to("order-1", 300) is True
    assert marks.read("order-1") == 300


def test_a_mark_is_kept_for_its_ttl_from_its_last_raise(
    marks: HighWaterMark, redis_client: redis.Redis, namespace: str
) -> None:
    marks.raise_to("order-1", 100)

    ttl_ms = redis_client.pttl(f"{namespace}:mark:order-1")

    assert 50_000 < ttl_ms <= 60_000


def test_an_unreachable_redis_is_reported_as_an_unavailable_gate() -> None:
    client = LeanRedis(f"redis://127.0.0.1:{free_port()}/0", timeout=1)
    marks = HighWaterMark(client, prefix="x:", ttl_ms=1000)

    with pytest.raises(GateUnavailable):
        marks.read("order-1")
    with pytest.raises(GateUnavailable):
        marks.raise_to("order-1", 1)
    client.close()


def test_a_mark_raised_later_has_risen_once_the_background_writes_are_sent(
    lean_redis: LeanRedis, namespace: str
) -> None:
    background = BackgroundWrites(lean_redis)
    marks = HighWaterMark(lean_redis, prefix=f"{namespace}:mark:", ttl_ms=60_000, background=background)

    marks.raise_later("order-1", 200)
    background.close()

    assert marks.read("order-1") == 200
