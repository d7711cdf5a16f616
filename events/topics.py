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
    "STATE_TOPICS",
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


#: Topics that report the whole current state of their entity (an order, a customer, stock
#: figures): an older one than what was applied is stale. Refunds and fulfillments report facts
#: (this refund happened), which are never stale: each applies once, whenever it comes.
STATE_TOPICS = frozenset(
    {
        ORDER_CREATED,
        ORDER_UPDATED,
        ORDER_PAID,
        ORDER_CANCELLED,
        CUSTOMER_CREATED,
        CUSTOMER_UPDATED,
        INVENTORY_UPDATED,
        PRODUCT_CREATED,
        PRODUCT_UPDATED,
    }
)

# Refunds and fulfillments belong to their order: one order's events are applied one at a time,
# in order, and wait together behind a dead letter.
_PART_OF_ORDER = frozenset({"refund", "fulfillment"})


def entity_type(topic: str) -> str:
    """The entity a topic is about: ``order`` for ``order.created``, and for ``refund.created``
    and ``fulfillment.created`` too (their entity id is the order's)."""
    kind = topic.partition(".")[0]
    return "order" if kind in _PART_OF_ORDER else kind
