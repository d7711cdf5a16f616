"""The ERP's budget and breaker, shared by the whole fleet: enforced by workers, shown by on-call."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from throttling.policy import GatePolicy

__all__ = ["BreakerSettings", "BudgetSettings", "gate_policy"]


class BudgetSettings(BaseSettings):
    """``WEIR_BUDGET_*``: the ERP's budget, one for the whole fleet however many workers run.

    ``RATE`` (ERP requests per second, 0 = unlimited), ``BURST`` (requests that may go at once
    after an idle spell; 1.5 lets a request go half an interval early, so the budget loses no
    slot a worker thread woke a little late for), ``CONCURRENCY`` (requests in flight, 0 = unlimited);
    ``STANDARD_SHARE``, ``BULK_SHARE``, ``REPLAY_SHARE`` and ``RECONCILE_SHARE``: the minimum shares those lanes keep
    when critical is busy (critical has the rest, and first claim on anything idle); ``FLOOR``: the lowest a
    throttle or a breaker's slow start cuts the rate to, as a fraction; ``RAMP_SECONDS``: how
    long the climb from the floor back to the full rate takes; ``FALLBACK_PROCESSES``: the most
    worker processes the fleet runs, so that without Redis each keeps to 1/that of the budget;
    ``MAX_WAIT_MS``: the longest a worker thread waits for a slot (its turn among its process's
    threads included) before it parks the message.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_BUDGET_", extra="ignore")

    rate: float = Field(default=20.0, ge=0)
    burst: float = Field(default=1.0, ge=1)
    concurrency: int = Field(default=4, ge=0)
    standard_share: float = Field(default=0.3, ge=0, le=1)
    bulk_share: float = Field(default=0.1, ge=0, le=1)
    replay_share: float = Field(default=0.05, ge=0, le=1)
    reconcile_share: float = Field(default=0.05, ge=0, le=1)
    floor: float = Field(default=0.1, gt=0, le=1)
    ramp_seconds: float = Field(default=20.0, gt=0)
    fallback_processes: int = Field(default=8, ge=1)
    max_wait_ms: int = Field(default=2_000, ge=0)

    @model_validator(mode="after")
    def _shares_fit(self) -> BudgetSettings:
        if self.standard_share + self.bulk_share + self.replay_share + self.reconcile_share > 1:
            raise ValueError("the standard, bulk, replay and reconcile shares must not add up to more than 1")
        return self


class BreakerSettings(BaseSettings):
    """``WEIR_BREAKER_*``: the fleet's circuit breaker in front of the ERP.

    It opens when, within ``WINDOW_SECONDS``, at least ``MIN_CALLS`` ERP calls were made and
    ``FAILURE_RATE`` of them failed (5xx, timeouts, refused connections); it stays open
    ``COOLDOWN_SECONDS``, then lets ``PROBES`` calls through at a time; one success closes it.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_BREAKER_", extra="ignore")

    window_seconds: int = Field(default=10, ge=1)
    min_calls: int = Field(default=10, ge=1)
    failure_rate: float = Field(default=0.5, gt=0, le=1)
    cooldown_seconds: float = Field(default=5.0, gt=0)
    probes: int = Field(default=2, ge=1)


def gate_policy(budget: BudgetSettings, breaker: BreakerSettings, *, lease_ms: int) -> GatePolicy:
    """The fleet gate's policy: tiers are the lanes in order (critical, standard, bulk, replay,
    reconcile)."""
    return GatePolicy(
        rate_per_second=budget.rate,
        concurrency=budget.concurrency,
        burst=budget.burst,
        tier_shares=(budget.standard_share, budget.bulk_share, budget.replay_share, budget.reconcile_share),
        lease_ms=lease_ms,
        min_factor=budget.floor,
        ramp_seconds=budget.ramp_seconds,
        breaker_window_seconds=breaker.window_seconds,
        breaker_min_calls=breaker.min_calls,
        breaker_failure_rate=breaker.failure_rate,
        breaker_cooldown_ms=int(breaker.cooldown_seconds * 1000),
        breaker_probes=breaker.probes,
    )
