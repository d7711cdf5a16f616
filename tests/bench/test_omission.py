"""wrk's correction for coordinated omission, applied to a Python generator's latencies."""

from __future__ import annotations

from bench.omission import corrected_latencies


def test_latencies_under_twice_the_expected_interval_are_left_alone() -> None:
    # One connection, 4 requests in 40 ms: one every 10 ms is expected.
    latencies = [10.0, 10.0, 10.0, 19.0]

    assert corrected_latencies(latencies, connections=1, seconds=0.04) == latencies


def test_a_stall_adds_the_requests_that_would_have_waited_behind_it() -> None:
    # One connection, 4 requests in 100 ms: one every 25 ms. A request sent 25 ms into the
    # 70 ms stall would have waited 45 ms; a closed loop never sent it.
    latencies = [10.0, 10.0, 10.0, 70.0]

    assert sorted(corrected_latencies(latencies, connections=1, seconds=0.1)) == [10.0, 10.0, 10.0, 45.0, 70.0]


def test_no_latencies_give_none() -> None:
    assert corrected_latencies([], connections=64, seconds=10) == []
