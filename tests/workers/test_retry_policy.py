"""Retries, deferrals and dead letters, on a real worker and the real RabbitMQ and Redis."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import dramatiq
import pytest
import redis
from dramatiq import Worker

from erp.errors import ErpServerError, ErpThrottled, ErpUnavailable, UnknownSku
from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterStore
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.support.net import eventually, free_port
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe
from throttling import KeyedLock
from throttling.lean_redis import LeanRedis
from weir.settings import RedisSettings
from weir.stores import sync_redis
from workers.errors import GateClosed
from workers.middleware import EntityLocks, RetryPolicy

POLICY = {"max_failures": 3, "min_backoff_ms": 5, "max_backoff_ms": 50}


class Script:
    """An actor body that raises the scripted errors in turn, then succeeds; it counts calls."""

    def __init__(self, *errors: BaseException) -> None:
        self._errors = list(errors)
        self.calls: Counter[str] = Counter()
        self.done = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, entity: str) -> None:
        with self._lock:
            self.calls[entity] += 1
            error = self._errors.pop(0) if self._errors else None
        if error is not None:
            raise error
        self.done.set()


def declare(
    broker: LaneBroker, namespace: str, body: Callable[[str], None], **options: Any
) -> dramatiq.Actor[Any, Any]:
    queue = lane_queues(namespace, Lane.CRITICAL).ready
    return dramatiq.actor(actor_name="scripted", queue_name=queue, broker=broker, **{**POLICY, **options})(body)


def dead(store: DeadLetterStore, message_id: str) -> Any:
    return store.get(message_id)


@pytest.fixture
def reasons(redis_client: redis.Redis, namespace: str) -> DeadLetterStore:
    return DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")


def test_a_real_failure_is_retried_until_it_succeeds(
    build_policy_broker: Callable[..., LaneBroker],
    run_worker: Callable[..., Worker],
    namespace: str,
    rabbit: RabbitProbe,
) -> None:
    broker = build_policy_broker()
    script = Script(ErpServerError("500"), ErpServerError("500 again"))
    declare(broker, namespace, script).send("order-1")

    run_worker(broker)

    assert script.done.wait(10)
    assert script.calls["order-1"] == 3
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0


def test_a_permanent_failure_is_dead_lettered_at_once_with_its_reason(
    build_policy_broker: Callable[..., LaneBroker],
    run_worker: Callable[..., Worker],
    namespace: str,
    rabbit: RabbitProbe,
    reasons: DeadLetterStore,
) -> None:
    broker = build_policy_broker()
    script = Script(UnknownSku(["SKU-0099"]))
    message = declare(broker, namespace, script).send("order-2")

    run_worker(broker)

    reason = eventually(lambda: dead(reasons, message.message_id), timeout=10, what="the dead-letter reason")
    assert (reason.classification, reason.error_class, reason.attempts) == ("permanent", "UnknownSku", 1)
    assert reason.error_message == "unknown SKU SKU-0099"
    assert (reason.lane, reason.entity_id) == ("critical", "order-2")
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, timeout=10, what="the XQ")
    assert script.calls["order-2"] == 1


def test_real_failures_past_the_limit_are_dead_lettered_as_exhausted_with_their_history(
    build_policy_broker: Callable[..., LaneBroker],
    run_worker: Callable[..., Worker],
    namespace: str,
    rabbit: RabbitProbe,
    reasons: DeadLetterStore,
) -> None:
    broker = build_policy_broker()
    script = Script(*(ErpServerError(f"failed {n}", status=500) for n in range(10)))
    message = declare(broker, namespace, script).send("order-3")

    run_worker(broker)

    reason = eventually(lambda: dead(reasons, message.message_id), timeout=10, what="the dead-letter reason")
    assert (reason.classification, reason.attempts, reason.erp_status) == ("exhausted", 4, 500)
    assert [record.error for record in reason.history] == [f"ErpServerError: failed {n}" for n in range(4)]
    assert script.calls["order-3"] == 4
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, timeout=10, what="the XQ")


def test_an_erp_that_is_down_defers_its_messages_without_spending_retries(
    build_policy_broker: Callable[..., LaneBroker],
    run_worker: Callable[..., Worker],
    namespace: str,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
) -> None:
    broker = build_policy_broker()
    script = Script(*(ErpUnavailable("connection refused") for _ in range(6)))
    declare(broker, namespace, script).send("order-9")

    run_worker(broker)

    assert script.done.wait(30)
    assert script.calls["order-9"] == 7
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0


def test_deferrals_spend_no_retry(
    build_policy_broker: Callable[..., LaneBroker],
    run_worker: Callable[..., Worker],
    namespace: str,
    rabbit: RabbitProbe,
) -> None:
    broker = build_policy_broker()
    # Twenty deferrals against a budget of three real failures.
    script = Script(*(GateClosed("ERP busy", delay_ms=5) for _ in range(20)))
    declare(broker, namespace, script).send("order-4")

    run_worker(broker)

    assert script.done.wait(20)
    assert script.calls["order-4"] == 21
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0


def test_when_the_reason_cannot_be_kept_the_message_waits_instead_of_dying_without_one(
    build_policy_broker: Callable[..., LaneBroker],
    run_worker: Callable[..., Worker],
    namespace: str,
    rabbit: RabbitProbe,
    reasons: DeadLetterStore,
) -> None:
    proxy = TcpProxy("127.0.0.1", 6379)
    port = proxy.start()
    reasons_client = sync_redis(RedisSettings(url=f"redis://127.0.0.1:{port}/0", timeout_seconds=1))
    try:
        proxy.cut()
        broker = build_policy_broker(reasons_client)
        script = Script(*(UnknownSku(["SKU-0099"]) for _ in range(1000)))
        message = declare(broker, namespace, script).send("order-5")
        run_worker(broker)

        # While Redis is away the message keeps coming back rather than entering the XQ.
        eventually(lambda: script.calls["order-5"] >= 3, timeout=10, what="the message to come back")
        assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0

        proxy.restore()
        reason = eventually(lambda: dead(reasons, message.message_id), timeout=10, what="the reason")
    finally:
        proxy.stop()
        reasons_client.close()
    assert reason.classification == "permanent"
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, timeout=10, what="the XQ")


def test_one_entity_is_never_applied_by_two_workers_at_once(
    build_policy_broker: Callable[..., LaneBroker], run_worker: Callable[..., Worker], namespace: str
) -> None:
    broker = build_policy_broker()
    running: Counter[str] = Counter()
    overlaps: list[str] = []
    finished: Counter[str] = Counter()
    guard = threading.Lock()
    release = threading.Event()

    def body(entity: str) -> None:
        with guard:
            running[entity] += 1
            if running[entity] > 1:
                overlaps.append(entity)
        release.wait(0.05)
        with guard:
            running[entity] -= 1
            finished[entity] += 1

    actor = declare(broker, namespace, body)
    for entity in ["a", "a", "a", "b", "b", "a"]:
        actor.send(entity)

    run_worker(broker, threads=4)

    eventually(lambda: finished == Counter({"a": 4, "b": 2}), timeout=20, what="every message to finish")
    assert overlaps == []


def test_a_slow_event_keeps_its_entity_locked_beyond_one_lease(
    namespace: str, redis_client: redis.Redis, lean_redis: LeanRedis, run_worker: Callable[..., Worker]
) -> None:
    # Given a lease of 300 ms and an event that takes four times as long
    locks = EntityLocks(KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=300), lambda m: str(m.args[0]))
    policy = RetryPolicy(
        DeadLetterStore(redis_client, prefix=f"{namespace}:dead:"), describe=lambda m: {}, deferral_delay_ms=20
    )
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[locks, policy], lanes=[Lane.CRITICAL])
    running, overlaps, finished = Counter[str](), [], threading.Semaphore(0)
    guard = threading.Lock()

    def slow(entity: str) -> None:
        with guard:
            running[entity] += 1
            overlaps.append(running[entity] > 1)
        threading.Event().wait(1.2)
        with guard:
            running[entity] -= 1
        finished.release()

    actor = declare(broker, namespace, slow)
    actor.send("order-6")
    actor.send("order-6")
    run_worker(broker, threads=2)

    # Then the second never runs while the first still holds the entity
    assert finished.acquire(timeout=20) and finished.acquire(timeout=20)
    assert overlaps == [False, False]
    broker.close()


def test_a_message_throttled_a_hundred_times_is_not_dead_lettered_and_spends_no_retry(
    build_policy_broker: Callable[..., LaneBroker],
    run_worker: Callable[..., Worker],
    namespace: str,
    rabbit: RabbitProbe,
) -> None:
    broker = build_policy_broker()
    script = Script(*(ErpThrottled("429 from the ERP", retry_after=0.001) for _ in range(100)))
    declare(broker, namespace, script).send("order-7")

    run_worker(broker)

    assert script.done.wait(60)
    assert script.calls["order-7"] == 101
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0


def test_a_message_older_than_its_lanes_maximum_age_is_dead_lettered_as_expired(
    namespace: str, redis_client: redis.Redis, run_worker: Callable[..., Worker], rabbit: RabbitProbe
) -> None:
    reasons = DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")
    policy = RetryPolicy(reasons, describe=lambda m: {}, max_age_ms=lambda m: 60_000, deferral_delay_ms=10)
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[policy], lanes=[Lane.CRITICAL])
    script = Script(*(ErpThrottled("busy", retry_after=0.001) for _ in range(10)))
    actor = declare(broker, namespace, script)
    # Given an event received two minutes ago
    message = actor.message_with_options(args=("order-8",)).copy(message_timestamp=int(time.time() * 1000) - 120_000)
    broker.enqueue(message)

    run_worker(broker)

    reason = eventually(lambda: reasons.get(message.message_id), timeout=10, what="the reason")
    assert (reason.classification, reason.error_class) == ("expired", "ErpThrottled")
    assert script.calls["order-8"] == 1
    broker.close()


def test_without_redis_entities_are_locked_in_the_process_and_work_goes_on(
    namespace: str, run_worker: Callable[..., Worker], redis_client: redis.Redis
) -> None:
    nowhere = LeanRedis(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2)
    locks = EntityLocks(KeyedLock(nowhere, prefix="x:", lease_ms=1_000), lambda m: str(m.args[0]))
    policy = RetryPolicy(
        DeadLetterStore(redis_client, prefix=f"{namespace}:dead:"), describe=lambda m: {}, deferral_delay_ms=10
    )
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[locks, policy], lanes=[Lane.CRITICAL])
    running: Counter[str] = Counter()
    overlaps: list[bool] = []
    finished = threading.Semaphore(0)
    guard = threading.Lock()

    def body(entity: str) -> None:
        with guard:
            running[entity] += 1
            overlaps.append(running[entity] > 1)
        threading.Event().wait(0.05)
        with guard:
            running[entity] -= 1
        finished.release()

    actor = declare(broker, namespace, body)
    for entity in ["a", "a", "b", "a"]:
        actor.send(entity)
    run_worker(broker, threads=3)

    assert all(finished.acquire(timeout=20) for _ in range(4))
    assert not any(overlaps)
    broker.close()
    nowhere.close()
