"""The ERP's fleet-wide gate for reconciliation's lookups: the reconcile lane's tier and share.

Reconciliation reads each listed order's sale from the ERP at the reconcile lane's tier, waiting
in place for a call the gate holds back (:class:`~erp.waiting_gate.WaitingGate`); past
``max_wait_ms`` the run stops for that channel, its cursor unmoved.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from erp.waiting_gate import WaitingGate
from throttling import FleetGate

__all__ = ["RECONCILE_TIER", "ReconcileGate"]

#: The reconcile lane's tier in the ERP's gate: critical 1, standard 2, bulk 3, replay 4, reconcile 5.
RECONCILE_TIER = 5


class ReconcileGate(WaitingGate):
    """:class:`~erp.waiting_gate.WaitingGate` at :data:`RECONCILE_TIER`, for reconciliation."""

    def __init__(
        self,
        fleet: FleetGate,
        *,
        max_wait_ms: int = 60_000,
        fallback_interval_ms: int = 1_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            fleet,
            tier=RECONCILE_TIER,
            who="reconciliation",
            max_wait_ms=max_wait_ms,
            fallback_interval_ms=fallback_interval_ms,
            sleep=sleep,
        )
