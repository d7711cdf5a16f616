"""Canonical topic names: ``<entity type>.<what happened>``, the same for every provider."""

from __future__ import annotations

__all__ = [
    "CUSTOMER_CREATED",
    "CUSTOMER_UPDATED",
    "FULFILLMENT_CREATED",
    "FULFILLMENT_UPDATED",
    "INVENTORY_UPDATED",
    "ORDER_CANCELLED",
    "ORDER_CREATED",
    "ORDER_PAID",
    "ORDER_UPDATED",
    "PRODUCT_CREATED",
    "PRODUCT_UPDATED",
    "REFUND_CREATED",
    "REFUND_UPDATED",
    "entity_type",
]

ORDER_CREATED = "order.created"
ORDER_UPDATED = "order.updated"
ORDER_PAID = "order.paid"
ORDER_CANCELLED = "order.cancelled"
REFUND_CREATED = "refund.created"
REFUND_UPDATED = "refund.updated"
FULFILLMENT_CREATED = "fulfillment.created"
FULFILLMENT_UPDATED = "fulfillment.updated"
CUSTOMER_CREATED = "customer.created"
CUSTOMER_UPDATED = "customer.updated"
INVENTORY_UPDATED = "inventory.updated"
PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"


def entity_type(topic: str) -> str:
    """The entity a topic is about: ``order`` for ``order.created``."""
    return topic.partition(".")[0]
