"""Which ERP operation each canonical topic runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from erp.adapter import ErpAdapter
from events import topics
from events.envelope import EventEnvelope
from events.errors import UnsupportedEvent
from tasks.customers import sync_customer
from tasks.orders import sync_order

__all__ = ["HANDLERS", "apply"]

Handler = Callable[[EventEnvelope, ErpAdapter], Any]

HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        topics.ORDER_CREATED: sync_order,
        topics.ORDER_PAID: sync_order,
        topics.CUSTOMER_CREATED: sync_customer,
        topics.CUSTOMER_UPDATED: sync_customer,
    }
)


def apply(event: EventEnvelope, erp: ErpAdapter) -> None:
    """Run the ERP operation for the event's topic.

    Raises:
        UnsupportedEvent: Weir has no operation for the topic yet (the event is dead-lettered,
            kept for replay once one exists).
    """
    handler = HANDLERS.get(event.topic)
    if handler is None:
        raise UnsupportedEvent(f"no ERP operation for topic {event.topic!r} yet")
    handler(event, erp)
