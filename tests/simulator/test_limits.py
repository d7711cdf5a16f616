"""The limits refuse in a fixed order, and only admitted requests count or spend tokens."""

from __future__ import annotations

from simulator.latency import FixedLatency
from simulator.limits import Limits
from simulator.policy import OutagePlan, Policy, StormPlan
from simulator.refusals import LIMIT_CODE


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limits(**policy: object) -> tuple[Limits, Clock]:
    clock = Clock()
    limits = Limits(seed=1, clock=clock)
    limits.apply(Policy.model_validate(policy))
    return limits, clock


def test_no_policy_admits_everything_at_once() -> None:
    unlimited, _ = limits()

    assert [unlimited.refusal() for _ in range(100)] == [None] * 100
    assert unlimited.delay_seconds() == 0.0
    assert not unlimited.fails()


def test_over_the_rate_a_request_gets_429_with_whole_seconds_to_wait() -> None:
    limited, clock = limits(rate_limit={"per_second": 0.4, "burst": 1})

    assert limited.refusal() is None
    refusal = limited.refusal()
    clock.now += 2.0

    assert refusal is not None
    assert (refusal.status, refusal.headers, refusal.reason) == (429, {"Retry-After": "3"}, "rate_limit")
    assert limited.refusal() is not None
    clock.now += 0.5
    assert limited.refusal() is None


def test_retry_after_is_at_least_one_second() -> None:
    limited, _ = limits(rate_limit={"per_second": 1000})

    limited.refusal()
    refusal = limited.refusal()

    assert refusal is not None
    assert refusal.headers == {"Retry-After": "1"}


def test_over_the_concurrency_limit_a_request_gets_netsuite_s_400() -> None:
    limited, _ = limits(concurrency_limit=2)
    limited.enter()
    limited.enter()

    refusal = limited.refusal()
    limited.leave()

    assert refusal is not None
    assert refusal.status == 400
    assert refusal.body["error"]["code"] == LIMIT_CODE
    assert limited.refusal() is None


def test_a_request_refused_for_concurrency_spends_no_token() -> None:
    limited, _ = limits(concurrency_limit=1, rate_limit={"per_second": 0.001, "burst": 1})
    limited.enter()

    assert limited.refusal() is not None
    limited.leave()

    assert limited.refusal() is None


def test_an_outage_comes_first_then_a_storm_then_the_limits() -> None:
    limited, clock = limits(concurrency_limit=1)
    limited.enter()
    limited.plan_storm(StormPlan(retry_after_seconds=9, duration_seconds=10))
    limited.plan_outage(OutagePlan(mode="unavailable", duration_seconds=5))

    reasons = []
    for _ in range(3):
        refusal = limited.refusal()
        reasons.append(refusal and (refusal.reason, refusal.status, refusal.headers.get("Retry-After")))
        clock.now += 6
    assert reasons == [("outage", 503, None), ("storm", 429, "9"), ("concurrency", 400, None)]


def test_a_refuse_outage_is_left_to_the_front() -> None:
    limited, _ = limits()
    limited.plan_outage(OutagePlan(mode="refuse"))

    assert limited.refusal() is None


def test_an_error_rate_fails_that_fraction_of_requests_and_a_seed_repeats_them() -> None:
    limited, _ = limits(error_rate=0.25, seed=4)
    first = [limited.fails() for _ in range(4000)]
    limited.apply(Policy(error_rate=0.25, seed=4))

    assert 800 < sum(first) < 1200
    assert [limited.fails() for _ in range(4000)] == first


def test_reset_lifts_every_limit_and_window() -> None:
    limited, _ = limits(concurrency_limit=1, latency=FixedLatency(ms=5), error_rate=1.0)
    limited.plan_outage(OutagePlan())
    limited.enter()

    limited.reset()

    assert limited.refusal() is None
    assert (limited.delay_seconds(), limited.fails()) == (0.0, False)
    assert limited.admitted == 1
