"""Entities' lines behind their dead letters, on the real Redis."""

from __future__ import annotations

import pytest
import redis

from queues.dead.holds import EntityHolds, HoldsUnavailable, HoldVerdict, entity_holds
from tests.support.net import free_port

ENTITY = "shop-us:order:1001"


@pytest.fixture
def holds(redis_client: redis.Redis, namespace: str) -> EntityHolds:
    return entity_holds(redis_client, namespace)


def test_an_entity_with_nothing_held_runs_its_events_and_keeps_no_line(holds: EntityHolds) -> None:
    assert holds.check(ENTITY, "m1") == HoldVerdict("free")
    assert holds.line(ENTITY) == []


def test_after_a_dead_letter_the_entitys_later_events_park_behind_it_in_order(holds: EntityHolds) -> None:
    holds.block(ENTITY, "dead")

    assert holds.check(ENTITY, "m2") == HoldVerdict("park", "dead")
    assert holds.check(ENTITY, "m3") == HoldVerdict("park", "dead")
    assert holds.check(ENTITY, "m2") == HoldVerdict("park", "dead")
    assert holds.line(ENTITY) == ["dead", "m2", "m3"]
    assert holds.check("shop-us:order:1002", "other") == HoldVerdict("free")


def test_a_released_blocker_runs_first_and_its_followers_wait_their_turn(holds: EntityHolds) -> None:
    holds.block(ENTITY, "dead")
    holds.check(ENTITY, "m2")
    holds.check(ENTITY, "m3")

    assert holds.release(ENTITY, "dead") is True
    assert holds.check(ENTITY, "m3") == HoldVerdict("wait", "dead")
    assert holds.check(ENTITY, "dead") == HoldVerdict("head")

    holds.leave(ENTITY, "dead")
    assert holds.check(ENTITY, "m3") == HoldVerdict("wait", "m2")
    assert holds.check(ENTITY, "m2") == HoldVerdict("head")
    holds.leave(ENTITY, "m2")
    assert holds.check(ENTITY, "m3") == HoldVerdict("head")
    holds.leave(ENTITY, "m3")
    assert holds.check(ENTITY, "m4") == HoldVerdict("free")


def test_a_released_blocker_that_dies_again_blocks_again(holds: EntityHolds) -> None:
    holds.block(ENTITY, "dead")
    holds.check(ENTITY, "m2")
    holds.release(ENTITY, "dead")

    holds.block(ENTITY, "dead")

    assert holds.check(ENTITY, "m2") == HoldVerdict("park", "dead")
    assert holds.line(ENTITY) == ["dead", "m2"]


def test_a_follower_that_dies_in_its_turn_blocks_those_behind_it(holds: EntityHolds) -> None:
    holds.block(ENTITY, "dead")
    holds.check(ENTITY, "m2")
    holds.check(ENTITY, "m3")
    holds.release(ENTITY, "dead")
    holds.leave(ENTITY, "dead")

    holds.block(ENTITY, "m2")

    assert holds.blocker(ENTITY) == "m2"
    assert holds.check(ENTITY, "m3") == HoldVerdict("park", "m2")


def test_a_purged_blocker_leaves_the_line_and_says_its_followers_may_go(holds: EntityHolds) -> None:
    holds.block(ENTITY, "dead")
    holds.check(ENTITY, "m2")

    assert holds.leave(ENTITY, "dead") is True
    assert holds.leave(ENTITY, "m2") is False
    assert holds.line(ENTITY) == []
    assert holds.blocker(ENTITY) is None


def test_an_unreachable_redis_is_reported() -> None:
    client = redis.Redis(port=free_port(), socket_connect_timeout=1)
    holds = EntityHolds(client, prefix="x:")

    with pytest.raises(HoldsUnavailable):
        holds.check(ENTITY, "m1")
    client.close()
