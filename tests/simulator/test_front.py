"""A ``refuse`` outage closes the public port: connections are refused, open ones cut."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually


def refused(url: str) -> bool:
    try:
        httpx.get(f"{url}/orders/none", timeout=5)
    except (httpx.ConnectError, httpx.ReadError):
        # A request that connected just as a "refuse" outage began has its connection cut.
        return True
    return False


def test_connections_are_refused_during_the_outage_and_accepted_after(simulator: RunningSimulator) -> None:
    simulator.control.add_outage("refuse")

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{simulator.url}/orders/none", timeout=5)
    assert simulator.answers(simulator.admin_url)

    simulator.control.clear_outages()
    assert httpx.get(f"{simulator.url}/orders/none", timeout=5).status_code == 404


def test_the_outage_cuts_requests_in_progress(simulator: RunningSimulator) -> None:
    simulator.control.set_policy(latency={"kind": "fixed", "ms": 60_000})
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(httpx.get, f"{simulator.url}/orders/none", timeout=30)
        eventually(lambda: simulator.stats().admitted == 1, timeout=10, what="the request to be held")

        simulator.control.add_outage("refuse")

        with pytest.raises(httpx.TransportError):
            held.result(timeout=10)
    simulator.control.release()


def test_a_kept_alive_connection_does_not_outlive_the_outage(simulator: RunningSimulator) -> None:
    with httpx.Client(base_url=simulator.url, timeout=5) as client:
        assert client.get("/orders/none").status_code == 404
        simulator.control.add_outage("refuse")

        with pytest.raises(httpx.TransportError):
            client.get("/orders/none")

        simulator.control.clear_outages()
        assert client.get("/orders/none").status_code == 404


def test_a_scheduled_outage_starts_and_ends_on_its_own(simulator: RunningSimulator) -> None:
    simulator.control.add_outage("refuse", start_in_seconds=0.2, duration_seconds=1.0)

    eventually(lambda: refused(simulator.url), timeout=10, interval=0.02, what="the outage to start")
    eventually(lambda: not refused(simulator.url), timeout=10, interval=0.02, what="the outage to end")
