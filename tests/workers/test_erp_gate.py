"""The ERP's gate in a worker: lanes as tiers, short waits slept, long ones deferred, and a
local fallback when Redis is gone."""

from __future__ import annotations

import time

import pytest
import redis

from erp.errors import ErpGateClosed
from queues.lanes import Lane
from tests.support.net import free_port
from throttling import FleetGate, GatePolicy
from throttling.local_gate import LocalGate
from weir.settings import RedisSettings
from weir.stores import sync_redis
from workers.erp_gate import BudgetGate, current_lane

POLICY = GatePolicy(rate_per_second=50, concurrency=2, tier_shares=(0.3, 0.1), breaker_min_calls=2)


@pytest.fixture
def fleet(redis_client: redis.Redis, namespace: str) -> FleetGate:
    return FleetGate(redis_client, prefix=f"{namespace}:erp:", policy=POLICY)


def test_a_short_wait_is_slept_in_the_thread(fleet: FleetGate) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    gate = BudgetGate(fleet, LocalGate(POLICY, share=1), sleep=sleep)

    first = gate.enter()
    second = gate.enter()

    assert first and second
    assert len(slept) >= 1 and all(0 < seconds <= 0.05 for seconds in slept)


def test_a_long_wait_defers_the_message_instead(fleet: FleetGate) -> None:
    gate = BudgetGate(fleet, LocalGate(POLICY, share=1), max_wait_ms=2_000, sleep=lambda seconds: None)
    ticket = gate.enter()

    gate.exit(ticket, "throttled", 30_000)

    with pytest.raises(ErpGateClosed) as deferred:
        gate.enter()
    assert deferred.value.deferral
    assert 29_000 <= (deferred.value.delay_ms or 0) <= 30_000


def test_failures_reported_through_the_gate_open_the_fleets_breaker(fleet: FleetGate) -> None:
    gate = BudgetGate(fleet, LocalGate(POLICY, share=1), sleep=time.sleep)
    for _ in range(2):
        gate.exit(gate.enter(), "failure", 0)

    assert fleet.state().breaker == "open"


def test_the_lane_being_processed_is_the_tier_asked_for(
    fleet: FleetGate, redis_client: redis.Redis, namespace: str
) -> None:
    gate = BudgetGate(fleet, LocalGate(POLICY, share=1), max_wait_ms=0, sleep=lambda seconds: None)
    token = current_lane.set(Lane.BULK)
    try:
        gate.exit(gate.enter(), "ok", 0)
        with pytest.raises(ErpGateClosed):
            gate.enter()
    finally:
        current_lane.reset(token)

    assert redis_client.hget(f"{namespace}:erp:state", "hungry:3") is not None


def test_without_redis_the_gate_falls_back_to_the_local_share() -> None:
    unreachable = sync_redis(RedisSettings(url=f"redis://127.0.0.1:{free_port()}/0", timeout_seconds=0.5))
    fleet = FleetGate(unreachable, prefix="x:", policy=POLICY)
    fallback = LocalGate(POLICY, share=1 / 2)
    gate = BudgetGate(fleet, fallback, max_wait_ms=0, sleep=lambda seconds: None)

    ticket = gate.enter()
    with pytest.raises(ErpGateClosed):
        gate.enter()  # the local share allows one call in flight
    gate.exit(ticket, "ok", 0)
    unreachable.close()
