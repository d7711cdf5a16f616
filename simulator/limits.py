"""The policy in force: for each ERP request, whether it is refused, how long it waits, whether
it fails.

Checks run in this order, the first that refuses answers: an ``unavailable`` outage (503), a
throttle storm (429), the concurrency limit (400 ``SSS_REQUEST_LIMIT_EXCEEDED``), the rate limit
(429). Refusals are answered at once; only admitted requests wait out their latency, and only
they spend a rate-limit token. ``refuse`` outages act on the TCP listener, not here (see
:mod:`simulator.outages`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from simulator import refusals
from simulator.bucket import TokenBucket
from simulator.policy import OutageMode, OutagePlan, Policy, StormPlan
from simulator.refusals import Refusal
from simulator.schedule import Schedule

__all__ = ["Limits"]


class Limits:
    """Enforces a :class:`Policy` and the scheduled outages and storms.

    ``seed`` seeds the draws of latencies and errors (None: from the OS); ``clock`` returns
    monotonic seconds. Not thread-safe: the simulator runs on one event loop.
    """

    def __init__(self, *, seed: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.outages = Schedule[OutageMode]()
        self.storms = Schedule[int]()
        self.admitted = 0
        self._clock = clock
        self._rng = random.Random(seed)
        self._policy = Policy()
        self._bucket: TokenBucket | None = None

    @property
    def policy(self) -> Policy:
        return self._policy

    def now(self) -> float:
        """The limits' clock, in monotonic seconds."""
        return self._clock()

    def apply(self, policy: Policy) -> None:
        """Enforce ``policy`` from now on; the rate limit starts with a full bucket."""
        self._policy = policy
        rate = policy.rate_limit
        now = self._clock()
        self._bucket = None if rate is None else TokenBucket(per_second=rate.per_second, burst=rate.burst, now=now)
        if policy.seed is not None:
            self._rng.seed(policy.seed)

    def plan_outage(self, plan: OutagePlan) -> None:
        self.outages.add(plan.mode, now=self._clock(), start_in=plan.start_in_seconds, duration=plan.duration_seconds)

    def plan_storm(self, plan: StormPlan) -> None:
        self.storms.add(
            plan.retry_after_seconds, now=self._clock(), start_in=plan.start_in_seconds, duration=plan.duration_seconds
        )

    def reset(self) -> None:
        """No limits, no outages, no storms. Requests admitted before still count until answered."""
        self.apply(Policy())
        self.outages.clear()
        self.storms.clear()

    def refusal(self) -> Refusal | None:
        """How to refuse the request arriving now, or None to admit it (then call :meth:`enter`)."""
        now = self._clock()
        if "unavailable" in self.outages.active(now):
            return refusals.unavailable()
        storms = self.storms.active(now)
        if storms:
            return refusals.throttled(max(storms), reason="storm")
        limit = self._policy.concurrency_limit
        if limit is not None and self.admitted >= limit:
            return refusals.over_concurrency(limit)
        wait = self._bucket.take(now) if self._bucket is not None else 0.0
        return refusals.throttled(wait) if wait > 0 else None

    def enter(self) -> None:
        self.admitted += 1

    def leave(self) -> None:
        self.admitted -= 1

    def delay_seconds(self) -> float:
        """How long the next admitted request waits before it is served."""
        return self._policy.latency.sample(self._rng)

    def fails(self) -> bool:
        """Whether the next admitted request is answered 500 instead of served."""
        rate = self._policy.error_rate
        return rate > 0 and self._rng.random() < rate
