"""A token bucket: the simulator's rate limit.

>>> bucket = TokenBucket(per_second=2, burst=1, now=0.0)
>>> bucket.take(0.0), bucket.take(0.0)
(0.0, 0.5)
"""

from __future__ import annotations

__all__ = ["TokenBucket"]


class TokenBucket:
    """Admits ``per_second`` requests a second on average and up to ``burst`` at once.

    Times are :func:`time.monotonic` seconds, passed in so tests can drive the clock. The
    bucket starts full.
    """

    def __init__(self, *, per_second: float, burst: int, now: float) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("a token bucket needs per_second > 0 and burst >= 1")
        self._rate = per_second
        self._burst = float(burst)
        self._tokens = float(burst)
        self._last = now

    def take(self, now: float) -> float:
        """Take a token if there is one and return 0; otherwise the seconds until there is one."""
        self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self._rate
