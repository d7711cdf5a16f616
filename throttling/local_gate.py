"""The gate a process falls back to when the fleet's shared gate cannot be reached.

Without Redis a process cannot know what the others do, so it takes a fixed, conservative
share of the fleet's limits: ``rate x share`` calls per second and ``concurrency x share`` (at
least one) in flight. Sized for the most processes the fleet runs, the fleet stays within its
budget even when every process has lost Redis.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from throttling.gate import Admission
from throttling.policy import GatePolicy

__all__ = ["LocalGate"]


class LocalGate:
    """A GCRA and a semaphore in this process only; same answers as :class:`FleetGate`.

    ``clock`` returns monotonic seconds (tests replace it).
    """

    def __init__(self, policy: GatePolicy, share: float, clock: Callable[[], float] = time.monotonic) -> None:
        if not 0 < share <= 1:
            raise ValueError("share must be in (0, 1]")
        self._interval = 1 / (policy.rate_per_second * share) if policy.rate_per_second else 0.0
        self._slots = max(1, math.floor(policy.concurrency * share)) if policy.concurrency else 0
        self._clock = clock
        self._lock = threading.Lock()
        self._tat = 0.0
        self._in_flight = 0

    def admit(self) -> Admission:
        """Ask to make one call now (tiers are not told apart in the fallback)."""
        with self._lock:
            now = self._clock()
            if self._slots and self._in_flight >= self._slots:
                return Admission(False, 5, "concurrency")
            tat = max(self._tat, now)
            if tat > now:
                return Admission(False, max(1, math.ceil((tat - now) * 1000)), "rate")
            self._tat = tat + self._interval
            self._in_flight += 1
            return Admission(True, 0, "ok", ticket="local")

    def take_over(self) -> None:
        """Start from now as if this process had just made a call: the fleet's gate may have let
        calls go this very interval, and a process that has only just lost Redis must not add
        one of its own on top at once (with every process doing so, the fleet would)."""
        with self._lock:
            self._tat = max(self._tat, self._clock() + self._interval)

    def settle(self) -> None:
        """Free the slot of a call admitted here."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
