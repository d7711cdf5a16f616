"""Weir on three hosts over a three-node RabbitMQ cluster and Redis under Sentinel, on this
machine: a RabbitMQ node and the Redis master are killed under load (bench.cluster, smaller)."""

from __future__ import annotations

import argparse

import pytest

from bench.cluster import busiest_second, lost, run


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_losing_a_rabbitmq_node_and_the_redis_master_loses_no_order_and_keeps_the_budget() -> None:
    args = argparse.Namespace(
        seconds=40,
        rate=12.0,
        budget=25.0,
        concurrency=8,
        burst=1.5,
        threads=4,
        kill_rabbit_at=None,
        kill_redis_at=None,
        drain_seconds=300,
        log_level="WARNING",
    )

    drivers, events, outcome, received, _, _ = run(args)

    assert events.rabbit_killed and events.redis_failed_over
    assert sum(len(driver.accepted_at["orders"]) for driver in drivers) == outcome.accepted > 0
    assert lost(outcome) == 0
    assert outcome.landed == outcome.accepted
    assert busiest_second(received) <= args.budget + 1
