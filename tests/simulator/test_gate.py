"""Every ERP request meets the programmed limits; admin requests never do.

Latency is programmed long (60 s) and ended with ``release``, so a test can look at requests
while they are held without depending on how fast this machine is.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually

HELD = {"kind": "fixed", "ms": 60_000}


@pytest.fixture
def erp(simulator: RunningSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=simulator.url, timeout=30) as client:
        yield client


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=16) as executor:
        yield executor


def test_over_the_rate_limit_the_erp_answers_429_with_retry_after(
    erp: httpx.Client, simulator: RunningSimulator
) -> None:
    # A token every 100 s: the third request cannot be admitted, however slow this machine is.
    simulator.control.set_policy(rate_limit={"per_second": 0.01, "burst": 2})

    statuses = [erp.get("/orders/none").status_code for _ in range(2)]
    refused = erp.get("/orders/none")

    assert statuses == [404, 404]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 100
    assert simulator.stats().throttled == 1


def test_over_the_concurrency_limit_the_erp_answers_400_sss_request_limit_exceeded(
    erp: httpx.Client, simulator: RunningSimulator, pool: ThreadPoolExecutor
) -> None:
    simulator.control.set_policy(concurrency_limit=1, latency=HELD)
    held = pool.submit(erp.get, "/orders/none")
    eventually(lambda: simulator.stats().admitted == 1, timeout=10, what="the first request to be held")

    refused = erp.get("/orders/none")
    simulator.control.release()

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "SSS_REQUEST_LIMIT_EXCEEDED"
    assert held.result(timeout=10).status_code == 404
    assert simulator.stats().limit_errors == 1


def test_a_request_is_answered_only_once_its_latency_is_over(
    erp: httpx.Client, simulator: RunningSimulator, pool: ThreadPoolExecutor
) -> None:
    simulator.control.set_policy(latency=HELD)

    held = pool.submit(erp.put, "/customers/shop:1", json={"id": "1", "name": "Jane"})
    eventually(lambda: simulator.stats().admitted == 1, timeout=10, what="the request to be held")

    assert not held.done()
    assert simulator.stats().customers == 0
    assert simulator.control.release() == 1
    assert held.result(timeout=10).status_code == 200


def test_latency_holds_requests_side_by_side_without_blocking_the_erp(
    erp: httpx.Client, simulator: RunningSimulator, pool: ThreadPoolExecutor
) -> None:
    simulator.control.set_policy(latency=HELD)

    held = [pool.submit(erp.get, "/orders/none") for _ in range(12)]
    eventually(lambda: simulator.stats().admitted == 12, timeout=10, what="12 requests held at once")
    simulator.control.release()

    assert [future.result(timeout=10).status_code for future in held] == [404] * 12
    assert simulator.stats().max_concurrency == 12


def test_an_unavailable_outage_answers_503_until_cleared(erp: httpx.Client, simulator: RunningSimulator) -> None:
    simulator.control.add_outage("unavailable")

    assert erp.get("/orders/none").status_code == 503
    simulator.control.clear_outages()
    assert erp.get("/orders/none").status_code == 404


def test_an_outage_with_a_duration_ends_by_itself(erp: httpx.Client, simulator: RunningSimulator) -> None:
    simulator.control.add_outage("unavailable", duration_seconds=0.3)

    eventually(lambda: erp.get("/orders/none").status_code == 404, timeout=10, what="the outage to end")

    assert simulator.admin("GET", "outages").json() == []


def test_a_throttle_storm_answers_every_request_429_with_its_retry_after(
    erp: httpx.Client, simulator: RunningSimulator
) -> None:
    simulator.control.add_storm(7)

    answers = [erp.put("/customers/shop:1", json={"id": "1", "name": "J"}) for _ in range(3)]
    simulator.control.clear_storms()

    assert [(answer.status_code, answer.headers["Retry-After"]) for answer in answers] == [(429, "7")] * 3
    assert erp.get("/orders/none").status_code == 404
    assert simulator.stats().refused == {"storm": 3}


def test_a_throttle_storm_with_a_duration_ends_by_itself(erp: httpx.Client, simulator: RunningSimulator) -> None:
    simulator.control.add_storm(2, duration_seconds=0.3)

    eventually(lambda: erp.get("/orders/none").status_code == 404, timeout=10, what="the storm to end")


def test_an_error_rate_fails_that_share_of_requests_with_500_the_same_way_for_a_seed(
    erp: httpx.Client, simulator: RunningSimulator
) -> None:
    simulator.control.set_policy(error_rate=0.5, seed=11)
    first = [erp.get("/orders/none").status_code for _ in range(40)]
    simulator.control.set_policy(error_rate=0.5, seed=11)
    second = [erp.get("/orders/none").status_code for _ in range(40)]

    assert set(first) == {404, 500}
    assert second == first


def test_admin_requests_are_never_limited_nor_counted(simulator: RunningSimulator) -> None:
    simulator.control.set_policy(concurrency_limit=1, rate_limit={"per_second": 0.01})
    simulator.control.add_storm(5)
    simulator.control.add_outage("unavailable")

    answers = [httpx.get(f"{simulator.url}/_admin/policy", timeout=10).status_code for _ in range(5)]

    assert answers == [200] * 5
    assert simulator.stats().requests == 0


def test_a_policy_that_makes_no_sense_is_refused_with_422(simulator: RunningSimulator) -> None:
    answer = simulator.admin("PUT", "policy", {"error_rate": 2})

    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_body"
