"""The fallback gate a process uses alone when Redis is gone."""

from __future__ import annotations

from throttling import GatePolicy
from throttling.local_gate import LocalGate


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_fallback_keeps_to_its_share_of_the_rate() -> None:
    clock = Clock()
    gate = LocalGate(GatePolicy(rate_per_second=100, concurrency=0), share=1 / 8, clock=clock)
    granted = 0
    for _ in range(10_000):  # ten seconds, in millisecond steps
        admission = gate.admit()
        if admission.granted:
            granted += 1
            gate.settle()
        clock.now += 0.001

    assert granted in range(124, 127)


def test_the_fallback_keeps_at_least_one_call_in_flight() -> None:
    gate = LocalGate(GatePolicy(rate_per_second=0, concurrency=4), share=1 / 8)

    first, second = gate.admit(), gate.admit()

    assert (first.granted, second.granted, second.cause) == (True, False, "concurrency")
    gate.settle()
    assert gate.admit().granted


def test_taking_over_from_the_fleet_waits_one_interval_before_the_first_call() -> None:
    # The fleet's gate may have let a call go just now: the fallback does not add one at once.
    clock = Clock()
    gate = LocalGate(GatePolicy(rate_per_second=100, concurrency=0), share=1 / 4, clock=clock)

    gate.take_over()

    assert not gate.admit().granted
    clock.now += 0.04
    assert gate.admit().granted
