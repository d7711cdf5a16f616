"""What each lane is doing, recorded by a real worker in the real Redis."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import dramatiq
import pytest
import redis
from dramatiq import Worker

from erp.errors import ErpGateClosed
from queues.activity import activity_keys
from queues.broker import LaneBroker, build_broker
from queues.dead import dead_letter_store
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.support.net import eventually
from tests.support.rabbit import RABBITMQ_URL
from throttling.background import BackgroundWrites
from throttling.lean_redis import LeanRedis
from workers.middleware import LaneActivity, RetryPolicy


@pytest.fixture
def broker(namespace: str, redis_client: redis.Redis, lean_redis: LeanRedis) -> Iterator[LaneBroker]:
    writes = BackgroundWrites(lean_redis)
    middleware = [
        LaneActivity(writes, namespace, lease_ms=60_000),
        RetryPolicy(dead_letter_store(redis_client, namespace), describe=lambda message: {}),
    ]
    broker = build_broker(RABBITMQ_URL, namespace, middleware=middleware, lanes=[Lane.BULK])
    yield broker
    broker.close()
    writes.close()


def declare(broker: LaneBroker, namespace: str, body: Callable[[str], None]) -> dramatiq.Actor[..., None]:
    queue = lane_queues(namespace, Lane.BULK).ready
    return dramatiq.actor(actor_name="noted", queue_name=queue, broker=broker, max_failures=0)(body)


def test_a_message_being_processed_counts_as_in_flight_until_it_finishes(
    broker: LaneBroker, namespace: str, redis_client: redis.Redis
) -> None:
    started, release = threading.Event(), threading.Event()

    def body(name: str) -> None:
        started.set()
        release.wait(10)

    declare(broker, namespace, body).send("x")
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    keys = activity_keys(namespace, Lane.BULK.value)
    try:
        assert started.wait(10)
        eventually(lambda: redis_client.zcard(keys.inflight) == 1, what="the message in flight")
        release.set()
        eventually(lambda: redis_client.zcard(keys.inflight) == 0, what="the message to finish")
    finally:
        release.set()
        worker.stop()
    assert sum(int(count) for count in redis_client.hvals(keys.done)) == 1
    assert redis_client.hget(keys.heads, Lane.BULK.value) is not None


def test_a_deferred_message_counts_as_delayed_not_as_done(
    broker: LaneBroker, namespace: str, redis_client: redis.Redis
) -> None:
    def body(name: str) -> None:
        raise ErpGateClosed("closed", delay_ms=60_000)

    declare(broker, namespace, body).send("x")
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    keys = activity_keys(namespace, Lane.BULK.value)
    try:
        eventually(lambda: redis_client.zcard(keys.delayed) == 1, what="the message to wait out its delay")
    finally:
        worker.stop()
    assert redis_client.hvals(keys.done) == []
    assert redis_client.zcard(keys.inflight) == 0


def test_a_deferred_message_back_in_the_lane_no_longer_counts_as_delayed(
    broker: LaneBroker, namespace: str, redis_client: redis.Redis
) -> None:
    # Given a worker with one thread that defers "later" for 200 ms, then is held by "hold"
    attempts: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def body(name: str) -> None:
        attempts.append(name)
        if name == "later" and attempts.count("later") == 1:
            raise ErpGateClosed("closed", delay_ms=200)
        if name == "hold":
            holding.set()
            release.wait(10)

    actor = declare(broker, namespace, body)
    actor.send("later")
    keys = activity_keys(namespace, Lane.BULK.value)
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        eventually(lambda: redis_client.zcard(keys.delayed) == 1, what="the deferral to be recorded")
        actor.send("hold")
        assert holding.wait(10)

        # When its delay is over, Dramatiq moves it back to the lane's queue, where it waits
        # (the only thread is held, so it cannot have started)
        # Then it counts as ready only
        eventually(lambda: redis_client.zcard(keys.delayed) == 0, what="the deferral to leave the delayed set")
        assert attempts.count("later") == 1
    finally:
        release.set()
        worker.stop()


def test_delayed_ids_long_past_due_are_dropped_with_the_next_deferral(
    broker: LaneBroker, namespace: str, redis_client: redis.Redis
) -> None:
    keys = activity_keys(namespace, Lane.BULK.value)
    redis_client.zadd(keys.delayed, {"purged-long-ago": 1_000})

    def body(name: str) -> None:
        raise ErpGateClosed("closed", delay_ms=60_000)

    declare(broker, namespace, body).send("x")
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        eventually(lambda: redis_client.zscore(keys.delayed, "purged-long-ago") is None, what="the stale id to go")
        assert redis_client.zcard(keys.delayed) == 1
    finally:
        worker.stop()


def test_a_dead_lettered_message_counts_as_done(broker: LaneBroker, namespace: str, redis_client: redis.Redis) -> None:
    def body(name: str) -> None:
        raise ValueError("broken")

    declare(broker, namespace, body).send("x")
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    keys = activity_keys(namespace, Lane.BULK.value)
    try:
        eventually(lambda: redis_client.hvals(keys.done) == [b"1"], what="the dead letter to count as done")
    finally:
        worker.stop()
