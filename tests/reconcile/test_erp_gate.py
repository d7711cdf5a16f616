"""Reconciliation's sale lookups pass the ERP's fleet-wide gate at the reconcile lane's tier,
waiting in place for a slot, and give up on a gate that stays closed."""

from __future__ import annotations

import time

import pytest
import redis

from erp.errors import ErpGateClosed
from reconcile.erp_gate import RECONCILE_TIER, ReconcileGate
from throttling import FleetGate
from throttling.budget import BreakerSettings, BudgetSettings, gate_policy


@pytest.fixture
def fleet(redis_client: redis.Redis, namespace: str) -> FleetGate:
    policy = gate_policy(BudgetSettings(rate=50, concurrency=1), BreakerSettings(), lease_ms=10_000)
    return FleetGate(redis_client, prefix=f"{namespace}:erp:", policy=policy)


def test_the_reconcile_lane_is_the_last_tier_of_the_erp_s_gate(fleet: FleetGate) -> None:
    assert fleet.policy.tiers == RECONCILE_TIER


def test_a_lookup_waits_in_place_for_the_slot_a_call_in_flight_holds(
    fleet: FleetGate, redis_client: redis.Redis, namespace: str
) -> None:
    # Given the one slot taken by a worker's call
    held = fleet.admit(tier=1)
    slept: list[float] = []

    def release_after_a_wait(seconds: float) -> None:
        if not slept:
            fleet.settle(held, "ok")
        slept.append(seconds)
        time.sleep(seconds)

    # When reconciliation asks for a slot
    ticket = ReconcileGate(fleet, sleep=release_after_a_wait).enter()

    # Then it slept until the slot was free, asking as the reconcile tier
    assert ticket is not None and ticket.granted
    assert slept and slept[0] > 0
    assert redis_client.hget(f"{namespace}:erp:state", f"hungry:{RECONCILE_TIER}") is None


def test_a_gate_paused_longer_than_the_wait_allowed_stops_the_lookup(fleet: FleetGate) -> None:
    gate = ReconcileGate(fleet, max_wait_ms=1_000, sleep=lambda seconds: None)
    gate.exit(gate.enter(), "throttled", 30_000)

    with pytest.raises(ErpGateClosed, match="held reconciliation back"):
        gate.enter()
