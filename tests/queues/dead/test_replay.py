"""Replaying and purging dead letters on the real RabbitMQ and Redis: planned, audited, and
never losing a message on the way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from queues.dead import (
    DeadLetterFilter,
    DeadLetterQueue,
    DeadLetterReason,
    DeadLetterStore,
    Replayer,
    audit_log,
    dead_letter_store,
)
from queues.dead.holds import EntityHolds, entity_holds
from queues.lanes import Lane
from queues.topology import lane_queues, quarantine_queue
from tests.support.dead_letters import DeadLetterSeeder
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe


@pytest.fixture
def store(redis_client: redis.Redis, namespace: str) -> DeadLetterStore:
    return dead_letter_store(redis_client, namespace)


@pytest.fixture
def seeder(namespace: str, store: DeadLetterStore) -> Iterator[DeadLetterSeeder]:
    seeder = DeadLetterSeeder(namespace, store)
    yield seeder
    seeder.close()


@pytest.fixture
def replayer(
    namespace: str, store: DeadLetterStore, redis_client: redis.Redis, seeder: DeadLetterSeeder
) -> Iterator[Replayer]:
    queues = DeadLetterQueue(RABBITMQ_URL)
    yield Replayer(
        store,
        queues,
        audit_log(redis_client, namespace),
        replay_queue=lane_queues(namespace, Lane.REPLAY).ready,
        quarantine_queue=quarantine_queue(namespace),
        replay_limit=2,
        replay_rate_per_second=5,
    )
    queues.close()


def test_the_plan_counts_what_a_replay_would_move_and_its_eta_at_the_replay_share(
    replayer: Replayer, seeder: DeadLetterSeeder
) -> None:
    for _ in range(11):
        seeder.seed()
    seeder.seed(replays=2)

    plan = replayer.plan(DeadLetterFilter())

    assert (plan.replay, plan.quarantine, plan.eta_seconds) == (11, 1, 3)
    assert replayer.plan(DeadLetterFilter(), force=True).replay == 12


def test_a_replayed_dead_letter_moves_to_the_replay_lane_starting_over_with_its_replay_counted(
    replayer: Replayer, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe, store: DeadLetterStore
) -> None:
    chosen = seeder.seed()
    other = seeder.seed(error_message="unknown SKU SKU-0042")

    outcome = replayer.replay(DeadLetterFilter(ids=frozenset({chosen.message_id})), who="ana", why="SKU added")

    assert (outcome.done, outcome.quarantined, outcome.missing) == (1, 0, [])
    [message] = rabbit.messages(lane_queues(namespace, Lane.REPLAY).ready)
    assert message["message_id"] == chosen.message_id
    assert message["queue_name"] == lane_queues(namespace, Lane.REPLAY).ready
    assert message["options"] == {"weir_replays": 1}
    assert [m["message_id"] for m in rabbit.messages(lane_queues(namespace, Lane.CRITICAL).dead)] == [other.message_id]
    assert store.get(chosen.message_id) is None
    assert store.get(other.message_id) is not None


def test_a_dead_letter_replayed_past_the_limit_is_quarantined_instead(
    replayer: Replayer, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe, store: DeadLetterStore
) -> None:
    tired = seeder.seed(replays=2)

    outcome = replayer.replay(DeadLetterFilter(), who="ana", why="again")

    assert (outcome.done, outcome.quarantined) == (0, 1)
    assert rabbit.count(lane_queues(namespace, Lane.REPLAY).ready) == 0
    assert [m["message_id"] for m in rabbit.messages(quarantine_queue(namespace))] == [tired.message_id]
    assert store.get(tired.message_id).state == "quarantined"  # type: ignore[union-attr]


def test_a_quarantined_dead_letter_stays_put_unless_the_replay_is_forced(
    replayer: Replayer, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe, store: DeadLetterStore
) -> None:
    tired = seeder.seed(replays=2)
    replayer.replay(DeadLetterFilter(), who="ana", why="again")

    unforced = replayer.replay(DeadLetterFilter(state="quarantined"), who="ana", why="again")
    forced = replayer.replay(DeadLetterFilter(state="quarantined"), who="ana", why="fixed for real", force=True)

    assert (unforced.done, unforced.missing) == (0, [])
    assert forced.done == 1
    [message] = rabbit.messages(lane_queues(namespace, Lane.REPLAY).ready)
    assert (message["message_id"], message["options"]["weir_replays"]) == (tired.message_id, 3)
    assert rabbit.count(quarantine_queue(namespace)) == 0
    assert store.get(tired.message_id) is None


def test_purge_deletes_the_messages_and_their_reasons(
    replayer: Replayer, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe, store: DeadLetterStore
) -> None:
    doomed = seeder.seed(channel="pos-eu")
    kept = seeder.seed()

    outcome = replayer.purge(DeadLetterFilter(channel="pos-eu"), who="bo", why="test orders")

    assert outcome.done == 1
    assert [m["message_id"] for m in rabbit.messages(lane_queues(namespace, Lane.CRITICAL).dead)] == [kept.message_id]
    assert store.get(doomed.message_id) is None


def test_replays_and_purges_are_audited_with_who_what_and_why(
    replayer: Replayer, seeder: DeadLetterSeeder, redis_client: redis.Redis, namespace: str
) -> None:
    seeder.seed()
    seeder.seed(channel="pos-eu")

    replayer.replay(DeadLetterFilter(channel="shop-us"), who="ana", why="SKU added")
    replayer.purge(DeadLetterFilter(channel="pos-eu"), who="bo", why="test orders")

    entries = audit_log(redis_client, namespace).read()
    assert [(e.who, e.action, e.count, e.selection, e.why) for e in entries] == [
        ("bo", "purge", 1, {"channel": "pos-eu"}, "test orders"),
        ("ana", "replay", 1, {"channel": "shop-us"}, "SKU added"),
    ]


def test_a_dead_letter_gone_from_its_queue_is_reported_missing_and_forgotten(
    replayer: Replayer, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe, store: DeadLetterStore
) -> None:
    ghost = seeder.seed()
    rabbit.purge(lane_queues(namespace, Lane.CRITICAL).dead)

    outcome = replayer.replay(DeadLetterFilter(), who="ana", why="retry")

    assert (outcome.done, outcome.missing) == (0, [ghost.message_id])
    assert store.get(ghost.message_id) is None


def test_progress_is_reported_message_by_message(replayer: Replayer, seeder: DeadLetterSeeder) -> None:
    for _ in range(3):
        seeder.seed()
    ticks: list[int] = []

    replayer.replay(DeadLetterFilter(), who="ana", why="retry", progress=ticks.append)

    assert ticks == [1, 1, 1]


ENTITY = "shop-us:order:1001"


@pytest.fixture
def holds(redis_client: redis.Redis, namespace: str) -> EntityHolds:
    return entity_holds(redis_client, namespace)


@pytest.fixture
def holding_replayer(
    namespace: str, store: DeadLetterStore, redis_client: redis.Redis, holds: EntityHolds, seeder: DeadLetterSeeder
) -> Iterator[Replayer]:
    queues = DeadLetterQueue(RABBITMQ_URL)
    yield Replayer(
        store,
        queues,
        audit_log(redis_client, namespace),
        replay_queue=lane_queues(namespace, Lane.REPLAY).ready,
        quarantine_queue=quarantine_queue(namespace),
        replay_limit=2,
        replay_rate_per_second=None,
        holds=holds,
    )
    queues.close()


def blocked(seeder: DeadLetterSeeder, holds: EntityHolds, followers: int) -> tuple[DeadLetterReason, list[str]]:
    """A dead letter blocking ENTITY, and ``followers`` events parked behind it, in order."""
    dead = seeder.seed(entity_key=ENTITY)
    holds.block(ENTITY, dead.message_id)
    parked = []
    for _ in range(followers):
        follower = seeder.seed(
            classification="parked",
            error_class="EntityParked",
            error_message=f"waits behind dead letter {dead.message_id}",
            entity_key=ENTITY,
            blocked_by=dead.message_id,
        )
        holds.check(ENTITY, follower.message_id)
        parked.append(follower.message_id)
    return dead, parked


def test_replaying_a_blocker_sends_its_parked_events_right_after_it_in_their_order(
    holding_replayer: Replayer, seeder: DeadLetterSeeder, holds: EntityHolds, rabbit: RabbitProbe, namespace: str
) -> None:
    dead, parked = blocked(seeder, holds, followers=2)
    chosen = DeadLetterFilter(ids=frozenset({dead.message_id}))

    assert holding_replayer.plan(chosen).released == 2
    outcome = holding_replayer.replay(chosen, who="test", why="fixed")

    assert (outcome.done, outcome.released) == (1, 2)
    replayed = rabbit.messages(lane_queues(namespace, Lane.REPLAY).ready)
    assert [message["message_id"] for message in replayed] == [dead.message_id, *parked]
    assert holds.blocker(ENTITY) is None
    assert holds.line(ENTITY) == [dead.message_id, *parked]


def test_a_parked_event_gone_from_its_queue_leaves_its_line_when_released(
    holding_replayer: Replayer,
    seeder: DeadLetterSeeder,
    holds: EntityHolds,
    store: DeadLetterStore,
    namespace: str,
) -> None:
    # Given a blocker with two parked events, one of which someone took out of RabbitMQ
    dead, [kept, gone] = blocked(seeder, holds, followers=2)
    queues = DeadLetterQueue(RABBITMQ_URL)
    try:
        queues.take(lane_queues(namespace, Lane.CRITICAL).dead, {gone}, lambda *_: True)
    finally:
        queues.close()

    # When the blocker is purged
    outcome = holding_replayer.purge(DeadLetterFilter(ids=frozenset({dead.message_id})), who="test", why="junk")

    # Then the one still there is released, and the line does not wait for the one that is gone
    assert (outcome.done, outcome.released, outcome.missing) == (1, 1, [gone])
    assert holds.line(ENTITY) == [kept]
    assert store.select() == []


def test_a_dead_letter_of_the_outbound_lane_is_replayed_into_the_outbound_lane(
    replayer: Replayer, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe
) -> None:
    # Its actors tell channels and run only in the outbound workers, not in the replay lane's.
    chosen = seeder.seed(lane=Lane.OUTBOUND, error_class="ChannelApiRejected", error_message="token refused")

    outcome = replayer.replay(DeadLetterFilter(ids=frozenset({chosen.message_id})), who="ana", why="token fixed")

    assert outcome.done == 1
    assert rabbit.count(lane_queues(namespace, Lane.OUTBOUND).ready) == 1
    assert rabbit.count(lane_queues(namespace, Lane.REPLAY).ready) == 0
