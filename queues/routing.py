"""Which lane a topic travels in."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from events import topics
from queues.lanes import Lane

__all__ = ["DEFAULT_ROUTES", "FALLBACK_LANE", "LaneRouter"]

DEFAULT_ROUTES: Mapping[str, Lane] = MappingProxyType(
    {
        topics.ORDER_CREATED: Lane.CRITICAL,
        topics.ORDER_PAID: Lane.CRITICAL,
        topics.ORDER_CANCELLED: Lane.CRITICAL,
        topics.REFUND_CREATED: Lane.CRITICAL,
        topics.ORDER_UPDATED: Lane.STANDARD,
        topics.FULFILLMENT_CREATED: Lane.STANDARD,
        topics.FULFILLMENT_UPDATED: Lane.STANDARD,
        topics.CUSTOMER_CREATED: Lane.STANDARD,
        topics.CUSTOMER_UPDATED: Lane.STANDARD,
        topics.INVENTORY_UPDATED: Lane.BULK,
        topics.PRODUCT_CREATED: Lane.BULK,
        topics.PRODUCT_UPDATED: Lane.BULK,
    }
)

#: Topics Weir does not know still travel, so that nothing a channel sends is lost; the worker
#: dead-letters them with the reason until an ERP operation exists for them.
FALLBACK_LANE = Lane.STANDARD


class LaneRouter:
    """Maps canonical topics to lanes: the defaults, with one channel's overrides on top.

    >>> LaneRouter({"inventory.updated": Lane.STANDARD}).lane_for("inventory.updated")
    <Lane.STANDARD: 'standard'>
    """

    def __init__(self, overrides: Mapping[str, Lane] | None = None) -> None:
        self._routes = {**DEFAULT_ROUTES, **(overrides or {})}

    def lane_for(self, topic: str) -> Lane:
        return self._routes.get(topic, FALLBACK_LANE)
