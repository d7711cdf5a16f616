"""Builds the ERP adapter that configuration names."""

from __future__ import annotations

import httpx

from erp.adapter import ErpAdapter
from erp.settings import ErpSettings

__all__ = ["build_erp"]


def build_erp(settings: ErpSettings, *, transport: httpx.BaseTransport | None = None) -> ErpAdapter:
    """The adapter for ``settings.kind``; it connects lazily, on its first call.

    ``transport`` carries every HTTP call the adapter makes (a :class:`~erp.gated.GatedTransport`
    puts the fleet's budget in front of the ERP).
    """
    if settings.kind == "simulator":
        from erp.simulator.adapter import SimulatorErp

        return SimulatorErp.from_settings(settings, transport=transport)
    from erp.tryton.adapter import TrytonErp
    from erp.tryton.client import TrytonClient

    client = TrytonClient.from_settings(settings, transport=transport)
    return TrytonErp(client, batch_max=settings.batch_max, resume_after_seconds=settings.resume_after_seconds)
