"""The ERP's gate in a worker: lanes as tiers, short waits slept, long ones deferred, and a
local fallback when Redis is gone."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from erp.errors import ErpGateClosed
from queues.lanes import Lane
from tests.support.net import free_port
from throttling import Admission, FleetGate, GatePolicy
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


class CountingGate(FleetGate):
    """The fleet's gate, counting the admissions asked of it."""

    asked = 0

    def admit(self, tier: int) -> Admission:
        self.asked += 1
        return super().admit(tier)


def test_one_thread_of_a_process_asks_the_gate_at_a_time_while_the_others_wait_their_turn(
    redis_client: redis.Redis, namespace: str
) -> None:
    # Given eight threads that each want one call at 50 calls/s
    policy = GatePolicy(rate_per_second=50, concurrency=0)
    fleet = CountingGate(redis_client, prefix=f"{namespace}:erp:", policy=policy)
    gate = BudgetGate(fleet, LocalGate(policy, share=1), sleep=time.sleep)
    tickets: list[object] = []

    def call() -> None:
        tickets.append(gate.enter())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    # Then every call went, and each asked at most twice: refused once, granted when told to
    # come back (eight threads polling together would ask about 8 + 7 + ... + 1 = 36 times)
    assert len(tickets) == 8
    assert fleet.asked <= 2 * 8


def test_a_thread_that_waits_too_long_for_its_turn_defers_its_message(fleet: FleetGate) -> None:
    # Given a thread that holds its process's turn, asleep until a slot frees
    sleeping, wake = threading.Event(), threading.Event()

    def sleep(seconds: float) -> None:
        sleeping.set()
        wake.wait(10)

    gate = BudgetGate(fleet, LocalGate(POLICY, share=1), max_wait_ms=200, sleep=sleep)
    gate.exit(gate.enter(), "ok", 0)
    holder = threading.Thread(target=gate.enter)
    holder.start()
    assert sleeping.wait(10)

    # When another thread of the process asks for a call, it waits its turn, then defers
    try:
        with pytest.raises(ErpGateClosed) as deferred:
            gate.enter()
    finally:
        wake.set()
        holder.join(10)
    assert deferred.value.deferral and deferred.value.delay_ms == 200


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
    # The fallback's first call waits one interval (40 ms): the fleet may have just let one go.
    gate = BudgetGate(fleet, fallback, max_wait_ms=100)

    ticket = gate.enter()
    with pytest.raises(ErpGateClosed):
        gate.enter()  # the local share allows one call in flight
    gate.exit(ticket, "ok", 0)
    unreachable.close()
