"""The stats count ERP requests per second, by status, and the concurrency they reached."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually


def test_requests_are_counted_per_unix_second_received_and_succeeded(simulator: RunningSimulator) -> None:
    first_second = int(time.time())
    with httpx.Client(base_url=simulator.url, timeout=10) as erp:
        for number in range(10):
            erp.put(f"/customers/shop:{number}", json={"id": str(number), "name": "J"})
        for _ in range(20):
            erp.get("/orders/none")
    last_second = int(time.time())

    stats = simulator.stats()

    assert sum(stats.received_per_second.values()) == stats.requests == 30
    assert sum(stats.succeeded_per_second.values()) == 10
    assert set(stats.received_per_second) <= set(range(first_second, last_second + 1))
    assert stats.by_status == {200: 10, 404: 20}
    assert stats.customers == 10


def test_the_highest_concurrency_is_kept_after_the_requests_end(simulator: RunningSimulator) -> None:
    simulator.control.set_policy(latency={"kind": "fixed", "ms": 60_000})
    with ThreadPoolExecutor(max_workers=5) as pool, httpx.Client(base_url=simulator.url, timeout=30) as erp:
        held = [pool.submit(erp.get, "/orders/none") for _ in range(5)]
        eventually(lambda: simulator.stats().in_flight == 5, timeout=10, what="5 requests in flight")
        simulator.control.release()
        for future in held:
            future.result(timeout=10)

    stats = simulator.stats()

    assert (stats.in_flight, stats.admitted) == (0, 0)
    assert (stats.max_in_flight, stats.max_concurrency) == (5, 5)


def test_refused_requests_count_in_flight_but_not_against_the_concurrency(simulator: RunningSimulator) -> None:
    simulator.control.add_storm(1)
    with httpx.Client(base_url=simulator.url, timeout=10) as erp:
        erp.get("/orders/none")

    stats = simulator.stats()

    assert (stats.max_in_flight, stats.max_concurrency) == (1, 0)
    assert stats.by_status == {429: 1}


def test_counters_can_be_zeroed_without_losing_records(simulator: RunningSimulator) -> None:
    httpx.put(f"{simulator.url}/customers/shop:1", json={"id": "1", "name": "J"}, timeout=10)

    simulator.control.reset_stats()
    stats = simulator.stats()

    assert (stats.requests, stats.by_status, stats.customers) == (0, {}, 1)
