"""However many workers run, the ERP never sees more than its budget, and a throttling or failing
ERP makes the fleet wait instead of losing, dead-lettering or burning retries.

Real worker processes (``python -m workers <lane>``) apply events to the ERP simulator, on the
real RabbitMQ and Redis.
"""

from __future__ import annotations

import time
from pathlib import Path

import redis

from queues.lanes import Lane
from queues.tally import OutcomeTally
from queues.topology import lane_queues
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.events import customer_event, order_event, publish
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe
from throttling import FleetGate, GatePolicy


def complete_seconds(per_second: dict[int, int]) -> list[int]:
    """Counts of the seconds that were wholly inside the observation (first and last dropped)."""
    seconds = sorted(per_second)
    return [per_second[second] for second in seconds[1:-1]]


def dead_letters(rabbit: RabbitProbe, namespace: str) -> int:
    return sum(rabbit.count(lane_queues(namespace, lane).dead) for lane in Lane)


def test_the_budget_holds_across_several_worker_processes(
    namespace: str, simulator: RunningSimulator, tmp_path: Path, rabbit: RabbitProbe
) -> None:
    # Given an ERP that allows 20 requests a second, and a fleet budgeted at exactly that. Its
    # bucket holds four: calls the gate spaced 50 ms apart reach it bunched when six worker
    # processes share two cores (a thread admitted on time waits for the CPU), and that bunching
    # is the machine's, not the budget's; the per-second count below is what holds the budget.
    simulator.control.set_policy(rate_limit={"per_second": 20, "burst": 4}, latency={"kind": "fixed", "ms": 5})
    env = simulator_env(namespace, simulator.url, WEIR_BUDGET_RATE=20, WEIR_BUDGET_CONCURRENCY=0)
    fleet = Fleet(env=env, logs=tmp_path)
    publish(namespace, [customer_event(n, Lane.BULK) for n in range(400)])
    publish(namespace, [customer_event(1_000 + n, Lane.STANDARD) for n in range(200)])
    publish(namespace, [order_event(2_000 + n) for n in range(100)])
    try:
        # When six worker processes, two per lane, with far more threads than the budget needs
        for lane in ("critical", "critical", "standard", "standard", "bulk", "bulk"):
            fleet.worker(lane, threads=4)
        eventually(lambda: simulator.stats().requests >= 200, timeout=60, what="ten seconds of ERP traffic")
    finally:
        fleet.stop()

    # Then no second saw more than the budget, plus the one call of burst, and nothing was throttled
    stats = simulator.stats()
    assert max(complete_seconds(stats.received_per_second)) <= 21
    assert stats.throttled == 0
    assert dead_letters(rabbit, namespace) == 0


def test_a_retry_after_pauses_every_worker(
    namespace: str, simulator: RunningSimulator, tmp_path: Path, redis_client: redis.Redis, rabbit: RabbitProbe
) -> None:
    simulator.control.set_policy(latency={"kind": "fixed", "ms": 5})
    env = simulator_env(namespace, simulator.url, WEIR_BUDGET_RATE=40, WEIR_BUDGET_CONCURRENCY=0)
    fleet = Fleet(env=env, logs=tmp_path)
    publish(namespace, [customer_event(n, Lane.BULK) for n in range(200)])
    publish(namespace, [customer_event(1_000 + n, Lane.STANDARD) for n in range(200)])
    try:
        fleet.worker("bulk", threads=4)
        fleet.worker("standard", threads=4)
        eventually(lambda: simulator.stats().customers >= 20, timeout=60, what="the fleet to be busy")

        # When the ERP answers 429 with Retry-After: 4 for half a second
        storm_at = int(time.time())
        simulator.control.add_storm(retry_after_seconds=4, duration_seconds=0.5)
        eventually(lambda: simulator.stats().customers >= 400, timeout=90, what="every event applied")
    finally:
        fleet.stop()

    # Then the whole fleet held off: nothing reached the ERP during the pause
    received = simulator.stats().received_per_second
    assert received.get(storm_at + 2, 0) == 0
    assert received.get(storm_at + 3, 0) == 0
    tally = OutcomeTally(redis_client, f"{namespace}:tally").read()
    assert tally.get("retries", 0) == 0
    assert dead_letters(rabbit, namespace) == 0


def test_an_outage_opens_the_breaker_which_probes_and_closes_with_a_slow_start_spending_no_retry(
    namespace: str, simulator: RunningSimulator, tmp_path: Path, redis_client: redis.Redis, rabbit: RabbitProbe
) -> None:
    simulator.control.set_policy(latency={"kind": "fixed", "ms": 5})
    env = simulator_env(
        namespace,
        simulator.url,
        WEIR_BUDGET_RATE=50,
        WEIR_BUDGET_CONCURRENCY=0,
        WEIR_BUDGET_FLOOR=0.1,
        WEIR_BUDGET_RAMP_SECONDS=10,
        WEIR_BREAKER_MIN_CALLS=5,
        WEIR_BREAKER_WINDOW_SECONDS=5,
        WEIR_BREAKER_COOLDOWN_SECONDS=2,
        WEIR_BREAKER_PROBES=1,
    )
    fleet = Fleet(env=env, logs=tmp_path)
    gate = FleetGate(redis_client, prefix=f"{namespace}:erp:", policy=GatePolicy(rate_per_second=0, concurrency=0))
    publish(namespace, [customer_event(n, Lane.BULK) for n in range(500)])
    try:
        fleet.worker("bulk", threads=4)
        eventually(lambda: simulator.stats().customers >= 20, timeout=60, what="the fleet to be busy")

        # When the ERP answers 503 for five seconds
        simulator.control.add_outage("unavailable", duration_seconds=5)
        eventually(lambda: gate.state().breaker == "open", timeout=10, what="the breaker to open")
        during = simulator.stats().requests
        eventually(lambda: gate.state().breaker == "closed", timeout=30, what="the breaker to close")
        closed_at = int(time.time())
        probes = simulator.stats().requests - during

        eventually(lambda: simulator.stats().customers >= 500, timeout=120, what="every event applied")
    finally:
        fleet.stop()

    # Then the open breaker let only probes through, the fleet restarted slowly, and every event
    # landed with no retry spent and nothing dead-lettered.
    assert probes <= 6
    succeeded = simulator.stats().succeeded_per_second
    assert succeeded.get(closed_at + 1, 0) <= 50 * 0.35
    tally = OutcomeTally(redis_client, f"{namespace}:tally").read()
    assert tally.get("retries", 0) == 0
    assert dead_letters(rabbit, namespace) == 0
