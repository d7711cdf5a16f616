"""The client classifies what the real simulator answers when it refuses, fails or is down."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from erp.errors import ErpError, ErpServerError, ErpThrottled, ErpUnavailable
from erp.simulator import SimulatorClient, SimulatorErp
from events.order import Customer
from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually

HELD = {"kind": "fixed", "ms": 60_000}
JANE = Customer(id="1", name="Jane")


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=2) as executor:
        yield executor


def failure(erp: SimulatorErp) -> ErpError:
    with pytest.raises(ErpError) as caught:
        erp.upsert_customer("test", JANE)
    return caught.value


def test_over_the_rate_limit_the_call_is_throttled_for_retry_after(
    simulator_erp: SimulatorErp, simulator: RunningSimulator
) -> None:
    simulator.control.set_policy(rate_limit={"per_second": 0.01})
    simulator_erp.upsert_customer("test", JANE)

    error = failure(simulator_erp)

    assert isinstance(error, ErpThrottled)
    assert error.status == 429
    assert error.retry_after is not None and 1 <= error.retry_after <= 100
    assert "rate_limited" in (error.excerpt or "")


def test_a_throttle_storm_is_throttled_for_the_storm_s_retry_after(
    simulator_erp: SimulatorErp, simulator: RunningSimulator
) -> None:
    simulator.control.add_storm(7)

    error = failure(simulator_erp)

    assert isinstance(error, ErpThrottled)
    assert error.retry_after == 7


def test_over_the_concurrency_limit_the_call_is_throttled_without_retry_after(
    simulator_erp: SimulatorErp, simulator: RunningSimulator, pool: ThreadPoolExecutor
) -> None:
    simulator.control.set_policy(concurrency_limit=1, latency=HELD)
    held = pool.submit(simulator_erp.upsert_customer, "test", JANE)
    eventually(lambda: simulator.stats().admitted == 1, timeout=10, what="the first call to be held")

    error = failure(simulator_erp)
    simulator.control.release()

    assert isinstance(error, ErpThrottled)
    assert (error.status, error.retry_after) == (400, None)
    assert "SSS_REQUEST_LIMIT_EXCEEDED" in (error.excerpt or "")
    assert held.result(timeout=10) > 0


def test_an_outage_answering_503_is_unavailable(simulator_erp: SimulatorErp, simulator: RunningSimulator) -> None:
    simulator.control.add_outage("unavailable")

    error = failure(simulator_erp)

    assert type(error) is ErpUnavailable
    assert error.status == 503
    assert "unavailable" in (error.excerpt or "")


def test_a_refused_connection_is_unavailable_and_the_next_call_after_it_works(
    simulator_erp: SimulatorErp, simulator: RunningSimulator
) -> None:
    simulator_erp.upsert_customer("test", JANE)
    simulator.control.add_outage("refuse")

    error = failure(simulator_erp)
    simulator.control.clear_outages()

    assert type(error) is ErpUnavailable
    assert error.status is None
    assert simulator_erp.upsert_customer("test", JANE) > 0


def test_an_injected_server_error_is_a_real_failure(simulator_erp: SimulatorErp, simulator: RunningSimulator) -> None:
    simulator.control.set_policy(error_rate=1.0)

    error = failure(simulator_erp)

    assert type(error) is ErpServerError
    assert error.status == 500


def test_an_answer_slower_than_the_timeout_is_unavailable(simulator: RunningSimulator) -> None:
    simulator.control.set_policy(latency=HELD)
    erp = SimulatorErp(SimulatorClient(simulator.url, timeout_seconds=0.2))
    try:
        error = failure(erp)
    finally:
        erp.close()
        simulator.control.release()

    assert type(error) is ErpUnavailable
    assert "timed out after 0.2 s" in str(error)
