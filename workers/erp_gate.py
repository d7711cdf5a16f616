"""The ERP's gate in a worker: the fleet-wide budget and breaker, per lane, with a local fallback.

Each HTTP call to the ERP asks the fleet's :class:`~throttling.FleetGate` for a slot in the
tier of the lane being processed (critical 1, standard 2, bulk 3, replay 4,
reconcile 5). Short waits are slept in the
worker thread, which keeps the ERP at its budget without churning messages; a wait longer than
``max_wait_ms`` (an open breaker, a long Retry-After) defers the message instead, spending no
retry. When Redis cannot be reached the process falls back to its conservative local share.

Within a process, one thread per tier asks the gate at a time; the others wait their turn on a
local lock. Every refused caller is told to come back when the next slot frees, so without the
turns every waiting thread of the fleet (8 processes x 8 threads: 64) would wake and ask Redis
for each slot, one would win and the rest ask again: thousands of round trips a second for a
budget of 100 calls, on the same cores that must send the winner's call on time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Literal, cast

from erp.errors import ErpGateClosed
from erp.health import Health
from queues.lanes import Lane
from throttling import Admission, FleetGate, GateUnavailable
from throttling.local_gate import LocalGate

__all__ = ["TIERS", "BudgetGate", "current_lane"]

logger = logging.getLogger(__name__)

#: The gate's tiers, by lane: critical is served first.
#: The outbound lane makes no ERP call; it is listed so every lane has a tier.
TIERS = {Lane.CRITICAL: 1, Lane.STANDARD: 2, Lane.BULK: 3, Lane.REPLAY: 4, Lane.RECONCILE: 5, Lane.OUTBOUND: 5}

#: The lane of the message this thread is processing (set by the LaneContext middleware).
current_lane: ContextVar[Lane] = ContextVar("current_lane", default=Lane.CRITICAL)

_Ticket = tuple[Literal["fleet", "local"], Admission]


class BudgetGate:
    """:class:`erp.gated.CallGate` over the fleet's gate, falling back to ``fallback``."""

    def __init__(
        self,
        fleet: FleetGate,
        fallback: LocalGate,
        *,
        max_wait_ms: int = 2_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._fleet = fleet
        self._fallback = fallback
        self._max_wait_ms = max_wait_ms
        self._sleep = sleep
        self._degraded = False
        self._turns = {tier: threading.Lock() for tier in TIERS.values()}

    def enter(self) -> _Ticket:
        tier = TIERS[current_lane.get()]
        if self._fleet.policy.unmetered:
            return self._wait_for_slot(tier, waited=0)  # nothing to queue for: calls go, or wait long and defer
        started = time.monotonic()
        turn = self._turns[tier]
        if not turn.acquire(timeout=self._max_wait_ms / 1000):
            raise ErpGateClosed(
                f"waited over {self._max_wait_ms} ms for this process's turn at the ERP's gate",
                delay_ms=self._max_wait_ms,
            )
        try:
            return self._wait_for_slot(tier, waited=int((time.monotonic() - started) * 1000))
        finally:
            turn.release()

    def _wait_for_slot(self, tier: int, waited: int) -> _Ticket:
        while True:
            where, admission = self._admit(tier)
            if admission.granted:
                return where, admission
            if waited + admission.wait_ms > self._max_wait_ms:
                raise ErpGateClosed(
                    f"the ERP's gate holds calls back for {admission.wait_ms} ms ({admission.cause})",
                    delay_ms=admission.wait_ms,
                )
            self._sleep(admission.wait_ms / 1000)
            waited += admission.wait_ms

    def exit(self, ticket: object, health: Health, pause_ms: int, latency_ms: float | None = None) -> None:
        where, admission = cast(_Ticket, ticket)
        if where == "local":
            self._fallback.settle()
            return
        if health != "ok":
            logger.info("An ERP call ended %s (pause asked: %d ms).", health, pause_ms)
        try:
            self._fleet.settle_later(admission, health, pause_ms=pause_ms, latency_ms=latency_ms)
        except GateUnavailable as exc:
            logger.warning("Could not report an ERP call to the fleet's gate (its lease will end): %s", exc)

    def _admit(self, tier: int) -> _Ticket:
        try:
            admission = self._fleet.admit(tier)
        except GateUnavailable as exc:
            if not self._degraded:
                logger.warning("Redis is unreachable; this process keeps to its local share of the ERP budget: %s", exc)
                self._degraded = True
                self._fallback.take_over()
            return "local", self._fallback.admit()
        if self._degraded:
            logger.info("Redis is back; this process uses the fleet's ERP budget again.")
            self._degraded = False
        return "fleet", admission
