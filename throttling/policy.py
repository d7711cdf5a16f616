"""What a fleet-wide gate enforces: a rate, a concurrency ceiling, tier shares, and a breaker."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GatePolicy"]


@dataclass(frozen=True)
class GatePolicy:
    """The limits one gate enforces for every process that shares it.

    ``rate_per_second`` and ``concurrency`` are ceilings for the whole fleet (0 means none);
    ``burst`` is how many calls may go at once after an idle spell; a fraction lets a call go that
    part of an interval early, so a slot a caller came a little late for is not lost. ``tier_shares`` are the
    minimum shares of the rate for tiers 2..n (tier 1 has the rest and the first claim on
    anything left idle). A lease (ms) bounds how long a call whose process died still counts
    as in flight.

    After a throttle the rate halves (not below ``min_factor`` of the ceiling) and climbs back
    linearly, from ``min_factor`` to the ceiling in ``ramp_seconds``; a breaker that closes
    restarts from ``min_factor`` too. The breaker opens when, over its window, at least
    ``breaker_min_calls`` calls were made and ``breaker_failure_rate`` of them failed; it stays
    open ``breaker_cooldown_ms``, then lets ``breaker_probes`` calls through at a time.
    """

    rate_per_second: float
    concurrency: int
    burst: float = 1.0
    tier_shares: tuple[float, ...] = ()
    lease_ms: int = 60_000
    min_factor: float = 0.1
    ramp_seconds: float = 20.0
    breaker_window_seconds: int = 10
    breaker_min_calls: int = 10
    breaker_failure_rate: float = 0.5
    breaker_cooldown_ms: int = 5_000
    breaker_probes: int = 2
    default_pause_ms: int = 1_000
    probe_wait_ms: int = 250

    def __post_init__(self) -> None:
        if self.rate_per_second < 0 or self.concurrency < 0 or self.burst < 1:
            raise ValueError("rate and concurrency must not be negative, burst at least 1")
        if sum(self.tier_shares) > 1 or any(share < 0 for share in self.tier_shares):
            raise ValueError("tier shares must be fractions that add up to at most 1")
        if not 0 < self.min_factor <= 1 or self.ramp_seconds <= 0:
            raise ValueError("min_factor must be in (0, 1] and ramp_seconds positive")

    @property
    def ramp_per_ms(self) -> float:
        """How much of the ceiling the rate regains per millisecond after a cut."""
        return (1 - self.min_factor) / (self.ramp_seconds * 1000)

    @property
    def unmetered(self) -> bool:
        """No rate and no concurrency ceiling: only the breaker and pauses can hold calls back."""
        return self.rate_per_second == 0 and self.concurrency == 0

    @property
    def tiers(self) -> int:
        return len(self.tier_shares) + 1
