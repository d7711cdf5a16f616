"""Reconciliation: the orders a channel holds that no webhook brought, found and enqueued, and
the sales that drifted from their channel, reported."""

from reconcile.errors import ChannelUnreachable, ReconcileError
from reconcile.listing import ListedOrder, OrderLister, OrderPage
from reconcile.run import Reconciler
from reconcile.settings import ReconcileSettings

__all__ = [
    "ChannelUnreachable",
    "ListedOrder",
    "OrderLister",
    "OrderPage",
    "ReconcileError",
    "ReconcileSettings",
    "Reconciler",
]
