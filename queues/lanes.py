"""Lanes: the priority classes events travel in, each its own queue and worker pool."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Lane"]


class Lane(StrEnum):
    """Orders and money go ``critical``; customers and fulfilment ``standard``; catalogue ``bulk``.

    ``replay`` carries dead letters on-call replays, at a small share of the ERP budget, so a
    replay never starves live events; no topic routes there. ``reconcile`` carries the orders
    reconciliation found missing (no webhook came), at a small share of its own, beside replays.
    ``outbound`` carries the other way: the ERP's stock levels and done shipments, to be told to
    the channels (one message per channel and SKU or shipment), under each channel's own API
    limit; it spends nothing of the ERP's budget.
    """

    CRITICAL = "critical"
    STANDARD = "standard"
    BULK = "bulk"
    REPLAY = "replay"
    RECONCILE = "reconcile"
    OUTBOUND = "outbound"
