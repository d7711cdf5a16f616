"""One channel's listing calls, made through the channel's fleet-wide gate and retried here.

Reconciliation runs in a process of its own, not in a worker, so a call the gate or the channel
holds back is waited for in place: a 429 waits the ``Retry-After`` the channel asked for (or
``pause_ms``) and asks again, spending no attempt; a failure of the channel's own (5xx, no answer)
is tried again after a doubling backoff, ``attempts`` times at most. A channel that keeps failing,
refuses (a revoked token), or throttles past ``max_waits`` ends the run for that channel with
:class:`~reconcile.errors.ChannelUnreachable`: no page is skipped, the cursor stays where it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from reconcile.errors import ChannelUnreachable
from tasks.channel_gate import call_admitted
from tasks.errors import ChannelApiDeferred, ChannelApiError, ChannelApiTransient
from throttling import Admission, FleetGate, GateUnavailable
from throttling.gate import Outcome

__all__ = ["GatedCalls"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class GatedCalls:
    """Calls ``channel``'s API through ``gate`` (the one the workers' lookups share; ``None``:
    unlimited). ``backoff_ms`` is the first wait after a failure, ``pause_ms`` the wait after a
    429 that says none; ``sleep`` takes seconds."""

    def __init__(
        self,
        channel: str,
        gate: FleetGate | None,
        *,
        attempts: int = 4,
        backoff_ms: int = 1_000,
        pause_ms: int = 2_000,
        max_waits: int = 60,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if attempts < 1 or backoff_ms < 0 or pause_ms < 0 or max_waits < 0:
            raise ValueError("attempts must be positive, waits not negative")
        self._channel = channel
        self._gate = gate
        self._attempts = attempts
        self._backoff_ms = backoff_ms
        self._pause_ms = pause_ms
        self._max_waits = max_waits
        self._sleep = sleep
        #: 429s waited out and failures retried since this object was made.
        self.throttled = 0
        self.retried = 0

    def call(self, what: str, send: Callable[[], T]) -> T:
        """``send()``'s answer, once the gate lets it go and the channel gives one.

        Raises:
            ChannelUnreachable: the channel failed ``attempts`` times, refused the call, or kept
                answering 429 ``max_waits`` times.
        """
        failures = waits = 0
        while True:
            try:
                return self._gated(send)
            except ChannelApiDeferred as exc:
                waits += 1
                self.throttled += 1
                if waits > self._max_waits:
                    raise ChannelUnreachable(f"{self._channel} kept asking to slow down for {what}: {exc}") from exc
                delay = exc.delay_ms if exc.delay_ms is not None else self._pause_ms
                logger.info("Channel %s asked to wait %d ms before %s.", self._channel, delay, what)
                self._sleep(delay / 1000)
            except ChannelApiTransient as exc:
                failures += 1
                if failures >= self._attempts:
                    raise ChannelUnreachable(f"{self._channel} failed {failures} times for {what}: {exc}") from exc
                self.retried += 1
                delay = self._backoff_ms * 2 ** (failures - 1)
                logger.warning("Channel %s failed %s (%s); trying again in %d ms.", self._channel, what, exc, delay)
                self._sleep(delay / 1000)
            except ChannelApiError as exc:
                # A refusal (a revoked token, a 4xx), or no credentials to be had.
                raise ChannelUnreachable(f"{self._channel} refused {what}: {exc}") from exc

    def _gated(self, send: Callable[[], T]) -> T:
        gate = self._gate
        admission = None if gate is None else self._admitted(gate)
        if gate is None or admission is None:
            return send()
        # The channel's pause after a 429 holds the whole fleet's calls to it, the workers' lookups too.
        return call_admitted(admission, send, partial(self._settle, gate))

    def _admitted(self, gate: FleetGate) -> Admission | None:
        """A slot of the channel's rate, waited for; ``None`` when Redis does not answer (the
        limit cannot be shared then; a listing is a few calls a run, and the channel's own 429s
        still hold it back)."""
        while True:
            try:
                admission = gate.admit(tier=1)
            except GateUnavailable:
                return None
            if admission.granted:
                return admission
            self._sleep(admission.wait_ms / 1000)

    def _settle(
        self,
        gate: FleetGate,
        admission: Admission,
        outcome: Outcome,
        *,
        pause_ms: int = 0,
        latency_ms: float | None = None,
    ) -> None:
        try:
            gate.settle(admission, outcome, pause_ms=pause_ms, latency_ms=latency_ms)
        except GateUnavailable as exc:
            logger.warning("Could not report a call of %s to its gate (its lease will end): %s", self._channel, exc)
