"""What the admin API programs: the policy document and the windows of outages and storms.

These are the JSON bodies of ``/_admin/policy``, ``/_admin/outages`` and ``/_admin/storms``;
:mod:`simulator.limits` enforces them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simulator.latency import FixedLatency, Latency

__all__ = ["OutageMode", "OutagePlan", "Policy", "RateLimit", "StormPlan"]

#: ``unavailable`` answers 503; ``refuse`` closes the public port, so connections are refused.
OutageMode = Literal["unavailable", "refuse"]


class _Document(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RateLimit(_Document):
    """``per_second`` requests a second on average, ``burst`` at once (a token bucket)."""

    per_second: float = Field(gt=0)
    burst: int = Field(default=1, ge=1)


class Policy(_Document):
    """The limits every ERP request meets. Every field defaults to "none": an unlimited, instant ERP.

    ``concurrency_limit`` bounds the requests admitted and not yet answered (their latency
    included). ``error_rate`` is the fraction of admitted requests answered 500 instead of
    served. ``seed``, when given, reseeds the draws of latencies and errors.
    """

    rate_limit: RateLimit | None = None
    concurrency_limit: int | None = Field(default=None, ge=1)
    latency: Latency = FixedLatency()
    error_rate: float = Field(default=0.0, ge=0, le=1)
    seed: int | None = None


class _Window(_Document):
    start_in_seconds: float = Field(default=0.0, ge=0)
    duration_seconds: float | None = Field(default=None, gt=0)


class OutagePlan(_Window):
    """An outage from ``start_in_seconds`` from now, for ``duration_seconds`` (None: until cleared)."""

    mode: OutageMode = "unavailable"


class StormPlan(_Window):
    """A throttle storm: every ERP request gets 429 with ``Retry-After: retry_after_seconds``."""

    retry_after_seconds: int = Field(ge=1)
