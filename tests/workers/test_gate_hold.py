"""While the ERP's gate is closed to everyone, workers hold their messages instead of taking more."""

from __future__ import annotations

import threading
from collections.abc import Callable

import dramatiq
import redis
from dramatiq import Worker

from queues.broker import build_broker
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.support.net import eventually
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe
from throttling import FleetGate, GatePolicy
from workers.middleware import GateHold


def open_breaker(gate: FleetGate) -> None:
    for _ in range(gate.policy.breaker_min_calls):
        gate.settle(gate.admit(1), "failure")


def test_messages_wait_in_rabbitmq_while_the_breaker_is_open_and_flow_when_it_probes(
    redis_client: redis.Redis, namespace: str, run_worker: Callable[..., Worker], rabbit: RabbitProbe
) -> None:
    # Given an open breaker with a three-second cooldown
    policy = GatePolicy(rate_per_second=0, concurrency=0, breaker_min_calls=2, breaker_cooldown_ms=3_000)
    gate = FleetGate(redis_client, prefix=f"{namespace}:erp:", policy=policy)
    open_breaker(gate)
    hold = GateHold(gate.state, poll_ms=100, cache_ms=50)
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[hold], lanes=[Lane.CRITICAL])
    applied: list[int] = []
    done = threading.Event()

    def apply(number: int) -> None:
        applied.append(number)
        if len(applied) == 20:
            done.set()

    queue = lane_queues(namespace, Lane.CRITICAL).ready
    actor = dramatiq.actor(actor_name="apply", queue_name=queue, broker=broker)(apply)
    for number in range(20):
        actor.send(number)

    # When a worker with two threads starts
    run_worker(broker, threads=2)

    # Then nothing runs while the breaker is open, and most messages stay in RabbitMQ
    eventually(lambda: rabbit.count(queue) <= 16, timeout=10, what="the worker to prefetch")
    assert applied == []
    assert rabbit.count(queue) >= 12
    # And once the cooldown ends, everything flows
    assert done.wait(20)
    broker.close()
