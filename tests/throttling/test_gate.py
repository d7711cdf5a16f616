"""The fleet-wide gate's decisions, on the real Redis with a clock the tests move by hand.

A simulated fleet asks the gate for slots millisecond by millisecond: each tier either always
wants more (saturated) or wants a fixed number of calls per second; a refused caller comes back
exactly when the gate said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import redis

from throttling import FleetGate, GatePolicy
from throttling.lean_redis import LeanRedis

START = 1_800_000_000_000


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["redis-py", "lean"])
def make_gate(
    request: pytest.FixtureRequest, redis_client: redis.Redis, lean_redis: LeanRedis, namespace: str, clock: Clock
) -> Iterator[object]:
    """Gates that admit through redis-py, or through the workers' lean client: one decision."""
    lean = lean_redis if request.param == "lean" else None

    def make(**overrides: object) -> FleetGate:
        options = {"rate_per_second": 100, "concurrency": 0, "tier_shares": (0.3, 0.1), **overrides}
        policy = GatePolicy(**options)  # type: ignore[arg-type]
        prefix = f"{namespace}:gate:"
        return FleetGate(redis_client, prefix=prefix, policy=policy, clock=clock, state_cache_ms=0, lean=lean)

    yield make


def simulate(gate: FleetGate, clock: Clock, demand: dict[int, float | None], seconds: float) -> Counter[int]:
    """Calls granted per tier; ``None`` demand means the tier always wants another call."""
    granted: Counter[int] = Counter()
    retry_at = dict.fromkeys(demand, clock.now)
    wanted_at = dict.fromkeys(demand, clock.now)
    end = clock.now + int(seconds * 1000)
    while clock.now < end:
        for tier, rate in demand.items():
            if clock.now < max(retry_at[tier], wanted_at[tier]):
                continue
            admission = gate.admit(tier)
            if admission.granted:
                granted[tier] += 1
                gate.settle(admission, "ok")
                if rate is not None:
                    wanted_at[tier] += int(1000 / rate)
            else:
                retry_at[tier] = clock.now + admission.wait_ms
        clock.now += 1
    return granted


def test_when_every_lane_is_saturated_each_gets_its_share_and_no_slot_is_wasted(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    granted = simulate(make_gate(), clock, {1: None, 2: None, 3: None}, seconds=10)

    assert sum(granted.values()) in range(999, 1002)
    assert granted[2] >= 299 and granted[3] >= 99
    assert granted[1] >= 599


def test_a_lane_alone_borrows_the_whole_budget(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    granted = simulate(make_gate(), clock, {3: None}, seconds=10)

    assert granted[3] in range(999, 1002)


def test_critical_is_served_first_and_the_lower_lanes_keep_their_minimum_shares(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    granted = simulate(make_gate(), clock, {1: None, 3: None}, seconds=10)

    assert granted[3] in range(99, 102)
    assert granted[1] in range(898, 902)


def test_what_critical_leaves_idle_goes_to_standard_before_bulk(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    granted = simulate(make_gate(), clock, {1: 20, 2: None, 3: None}, seconds=10)

    assert granted[1] in range(199, 202)
    assert granted[3] in range(99, 102)
    assert granted[2] in range(698, 702)


def test_in_no_second_does_the_fleet_pass_more_than_rate_plus_burst(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=50, burst=1)
    stamps: list[int] = []
    retry_at = clock.now
    end = clock.now + 5_000
    while clock.now < end:
        if clock.now >= retry_at:
            admission = gate.admit(1)
            if admission.granted:
                stamps.append(clock.now)
                gate.settle(admission, "ok")
            else:
                retry_at = clock.now + admission.wait_ms
        clock.now += 1

    busiest = max(sum(1 for stamp in stamps if start <= stamp < start + 1000) for start in stamps)
    assert busiest <= 51


def calls_of_a_caller_late_by(gate: FleetGate, clock: Clock, lateness_ms: int, seconds: int) -> list[int]:
    """When each call went, for a caller that asks ``lateness_ms`` after every wait it is told."""
    stamps: list[int] = []
    retry_at, end = clock.now, clock.now + seconds * 1000
    while clock.now < end:
        if clock.now >= retry_at:
            admission = gate.admit(1)
            if admission.granted:
                stamps.append(clock.now)
                gate.settle(admission, "ok")
            else:
                retry_at = clock.now + admission.wait_ms + lateness_ms
        clock.now += 1
    return stamps


def test_a_fractional_burst_gives_back_the_slots_a_late_caller_would_lose(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    # Given a caller that always comes 3 ms after the slot it was told of (20 ms apart at 50/s)
    strict = calls_of_a_caller_late_by(make_gate(rate_per_second=50, burst=1), clock, 3, seconds=4)
    lenient = calls_of_a_caller_late_by(make_gate(rate_per_second=50, burst=1.5), clock, 3, seconds=4)

    # Then a burst of 1 loses the lateness on every call, and a burst of 1.5 keeps the full rate
    # without ever passing rate + 1 in a second
    assert len(strict) < 0.9 * 200
    assert len(lenient) >= 199
    busiest = max(sum(1 for stamp in lenient if start <= stamp < start + 1000) for start in lenient)
    assert busiest <= 51


def test_the_concurrency_ceiling_holds_and_a_settled_call_frees_its_slot(make_gate) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, concurrency=2)
    first, second, third = gate.admit(1), gate.admit(2), gate.admit(3)

    assert (first.granted, second.granted, third.granted) == (True, True, False)
    assert third.cause == "concurrency"
    gate.settle(first, "ok")
    assert gate.admit(3).granted


def test_a_slot_whose_holder_died_is_freed_when_its_lease_ends(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, concurrency=1, lease_ms=30_000)
    assert gate.admit(1).granted

    clock.now += 29_000
    assert gate.admit(1).cause == "concurrency"
    clock.now += 2_000
    assert gate.admit(1).granted


def test_a_throttle_pauses_every_tier_until_retry_after_then_halves_the_rate(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate()
    admission = gate.admit(1)

    gate.settle(admission, "throttled", pause_ms=10_000)

    refused = [gate.admit(tier) for tier in (1, 2, 3)]
    assert {(a.granted, a.cause) for a in refused} == {(False, "paused")}
    assert refused[0].wait_ms == 10_000
    clock.now += 10_000
    granted = simulate(gate, clock, {1: None}, seconds=1)
    assert granted[1] in range(50, 60)


def test_after_a_cut_the_rate_climbs_back_to_the_ceiling_within_the_ramp(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    # Given a cut to half the rate, and a ramp of 20 s from 10 % to the ceiling
    gate = make_gate(ramp_seconds=20, min_factor=0.1)
    gate.settle(gate.admit(1), "throttled", pause_ms=1_000)
    clock.now += 1_000

    # Then the climb from 50 % takes 20 s * 0.5 / 0.9, about 11 s
    assert simulate(gate, clock, {1: None}, seconds=1)[1] in range(50, 55)
    simulate(gate, clock, {1: None}, seconds=10)
    assert simulate(gate, clock, {1: None}, seconds=1)[1] in range(99, 102)


def test_throttles_of_calls_in_flight_together_cut_the_rate_once(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(concurrency=0)
    admissions = [gate.admit(1) for _ in range(1)] + [gate.admit(2)]
    clock.now += 20
    admissions.append(gate.admit(3))
    for admission in admissions:
        gate.settle(admission, "throttled", pause_ms=1_000)
    clock.now += 1_000

    assert simulate(gate, clock, {1: None}, seconds=1)[1] in range(50, 60)


def failures(gate: FleetGate, clock: Clock, count: int, outcome: str = "failure") -> None:
    """``count`` calls that each fail (or end with ``outcome``), spaced by the rate."""
    for _ in range(count):
        admission = gate.admit(1)
        assert admission.granted, admission
        gate.settle(admission, outcome)  # type: ignore[arg-type]
        clock.now += 20


def test_the_breaker_opens_on_the_failure_rate_once_enough_calls_were_made(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, breaker_min_calls=10, breaker_failure_rate=0.5)
    failures(gate, clock, 4, "ok")
    failures(gate, clock, 5)
    assert gate.state().breaker == "closed"

    failures(gate, clock, 1)

    assert gate.state().breaker == "open"
    refused = gate.admit(1)
    assert (refused.granted, refused.cause) == (False, "breaker_open")


def test_an_open_breaker_lets_a_bounded_number_of_probes_through_after_its_cooldown(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, breaker_min_calls=2, breaker_cooldown_ms=5_000, breaker_probes=2)
    failures(gate, clock, 2)
    assert gate.admit(1).cause == "breaker_open"

    clock.now += 5_000
    probes = [gate.admit(1) for _ in range(3)]

    assert [(a.granted, a.probe) for a in probes[:2]] == [(True, True), (True, True)]
    assert (probes[2].granted, probes[2].cause) == (False, "probing")


def test_a_failed_probe_reopens_the_breaker(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, breaker_min_calls=2, breaker_cooldown_ms=5_000)
    failures(gate, clock, 2)
    clock.now += 5_000

    assert gate.settle(gate.admit(1), "failure") == "open"
    assert gate.admit(1).cause == "breaker_open"


def test_a_successful_probe_closes_the_breaker_with_a_slow_start(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(breaker_min_calls=2, breaker_cooldown_ms=5_000, min_factor=0.1, ramp_seconds=20)
    failures(gate, clock, 2)
    clock.now += 5_000
    assert gate.settle(gate.admit(1), "ok") == "closed"

    first_second = simulate(gate, clock, {1: None}, seconds=1)[1]
    simulate(gate, clock, {1: None}, seconds=20)
    last_second = simulate(gate, clock, {1: None}, seconds=1)[1]
    assert first_second <= 20
    assert last_second in range(99, 102)


def test_the_breaker_state_says_how_long_the_fleet_is_blocked(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, breaker_min_calls=2, breaker_cooldown_ms=5_000)
    assert gate.state().blocked_for_ms == 0

    failures(gate, clock, 2)

    state = gate.state()
    assert (state.breaker, state.blocked_for_ms) == ("open", 5_000 - 20)


def test_recent_calls_count_the_last_full_seconds_with_their_average_latency(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, concurrency=0)
    for latency in (10, 30):
        gate.settle(gate.admit(1), "ok", latency_ms=latency)
    clock.now += 1_000
    gate.settle(gate.admit(1), "failure", latency_ms=200)
    clock.now += 1_000

    assert gate.recent_calls(1) == (1, 200.0)
    assert gate.recent_calls(60) == (3, 80.0)


def test_calls_older_than_two_minutes_are_forgotten_even_after_an_idle_spell(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, concurrency=0)
    gate.settle(gate.admit(1), "ok", latency_ms=10)
    clock.now += 600_000
    gate.settle(gate.admit(1), "ok", latency_ms=10)
    clock.now += 1_000

    assert gate.recent_calls(120) == (1, 10.0)
    assert gate.recent_calls(3600)[0] == 1


def test_the_counters_keep_every_outcome_and_a_cumulative_latency_histogram(make_gate) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(rate_per_second=0, concurrency=0)
    for outcome, latency in (("ok", 4), ("ok", 60), ("throttled", 60), ("failure", 20_000)):
        gate.settle(gate.admit(1), outcome, latency_ms=latency)

    counters = gate.counters()

    assert counters.outcomes == {"ok": 2, "throttled": 1, "failure": 1}
    assert (counters.buckets[5], counters.buckets[50], counters.buckets[75], counters.buckets[float("inf")]) == (
        1,
        1,
        3,
        4,
    )
    assert (counters.latency_count, counters.latency_sum_ms) == (4, 20_124)


def test_the_rate_factor_shows_a_throttle_s_cut_and_the_climb_back(make_gate, clock) -> None:  # type: ignore[no-untyped-def]
    gate = make_gate(min_factor=0.1, ramp_seconds=10)
    assert gate.factor() == 1.0

    gate.settle(gate.admit(1), "throttled", pause_ms=1_000)
    assert gate.factor() == pytest.approx(0.5)

    clock.now += 1_000 + 10_000
    assert gate.factor() == 1.0
