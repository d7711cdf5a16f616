"""Latency distributions the simulator draws each admitted request's delay from.

All parameters are in milliseconds, as the admin API takes them; :meth:`sample` returns seconds,
as :func:`asyncio.sleep` takes them.

    >>> FixedLatency(ms=20).sample(random.Random())
    0.02
"""

from __future__ import annotations

import math
import random
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["FixedLatency", "Latency", "LogNormalLatency", "UniformLatency"]

# The standard normal quantile at 0.99: a lognormal's p99 is exp(mu + Z_99 * sigma).
_Z_99 = 2.3263478740408408


class _Distribution(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FixedLatency(_Distribution):
    """Every request waits ``ms`` milliseconds."""

    kind: Literal["fixed"] = "fixed"
    ms: float = Field(default=0.0, ge=0)

    def sample(self, rng: random.Random) -> float:
        """The delay of one request, in seconds."""
        return self.ms / 1000


class UniformLatency(_Distribution):
    """Delays spread evenly between ``min_ms`` and ``max_ms``."""

    kind: Literal["uniform"]
    min_ms: float = Field(ge=0)
    max_ms: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max_ms < self.min_ms:
            raise ValueError("max_ms must not be below min_ms")
        return self

    def sample(self, rng: random.Random) -> float:
        """The delay of one request, in seconds."""
        return rng.uniform(self.min_ms, self.max_ms) / 1000


class LogNormalLatency(_Distribution):
    """A long-tailed distribution, as real ERPs show: half the delays are under ``median_ms``,
    99 % under ``p99_ms``."""

    kind: Literal["lognormal"]
    median_ms: float = Field(gt=0)
    p99_ms: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.p99_ms < self.median_ms:
            raise ValueError("p99_ms must not be below median_ms")
        return self

    def sample(self, rng: random.Random) -> float:
        """The delay of one request, in seconds."""
        sigma = math.log(self.p99_ms / self.median_ms) / _Z_99
        return rng.lognormvariate(math.log(self.median_ms), sigma) / 1000


#: Any latency distribution, told apart by ``kind``.
Latency = Annotated[FixedLatency | UniformLatency | LogNormalLatency, Field(discriminator="kind")]
