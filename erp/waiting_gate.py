"""The ERP's fleet-wide gate for a process that is no worker: a call it holds back is waited for.

Reconciliation's sale lookups and the outbound process's reads spend the ERP's budget like the
workers' calls do, at a low tier of :func:`~throttling.budget.gate_policy` (the last one), so they
take that tier's share and what the live lanes leave idle, never the critical lane's slots. Such
a process has no delay queue to park a call in: a call the gate holds back is waited for in place,
up to ``max_wait_ms``, then refused with :class:`~erp.errors.ErpGateClosed`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from erp.errors import ErpGateClosed
from erp.health import Health
from throttling import Admission, FleetGate, GateUnavailable

__all__ = ["WaitingGate"]

logger = logging.getLogger(__name__)


class WaitingGate:
    """:class:`erp.gated.CallGate` over the fleet's ERP gate ``fleet`` at ``tier``, for ``who``
    (named in logs and errors). Without Redis, calls go one at a time, ``fallback_interval_ms``
    apart. ``sleep`` takes seconds."""

    def __init__(
        self,
        fleet: FleetGate,
        *,
        tier: int,
        who: str,
        max_wait_ms: int = 60_000,
        fallback_interval_ms: int = 1_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._fleet = fleet
        self._tier = tier
        self._who = who
        self._max_wait_ms = max_wait_ms
        self._fallback_interval_ms = fallback_interval_ms
        self._sleep = sleep

    def enter(self) -> Admission | None:
        waited = 0
        while True:
            try:
                admission = self._fleet.admit(self._tier)
            except GateUnavailable as exc:
                logger.warning("Redis is unreachable; %s reads the ERP slowly: %s", self._who, exc)
                self._sleep(self._fallback_interval_ms / 1000)
                return None
            if admission.granted:
                return admission
            if waited + admission.wait_ms > self._max_wait_ms:
                raise ErpGateClosed(
                    f"the ERP's gate held {self._who} back for over {self._max_wait_ms} ms ({admission.cause})",
                    delay_ms=admission.wait_ms,
                )
            self._sleep(admission.wait_ms / 1000)
            waited += admission.wait_ms

    def exit(self, ticket: object, health: Health, pause_ms: int, latency_ms: float | None = None) -> None:
        if not isinstance(ticket, Admission):
            return
        try:
            self._fleet.settle(ticket, health, pause_ms=pause_ms, latency_ms=latency_ms)
        except GateUnavailable as exc:
            logger.warning("Could not report an ERP call to the fleet's gate (its lease will end): %s", exc)
