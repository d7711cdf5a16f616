"""Weir's canonical vocabulary: the event envelope and the business entities it carries.

Receivers, tasks and ERP adapters all speak these models, so none of them needs to know another
provider's or ERP's shapes.
"""

from events.envelope import EventEnvelope
from events.errors import EventError, PayloadError, UnsupportedEvent
from events.order import Address, Customer, Order, OrderLine

__all__ = [
    "Address",
    "Customer",
    "EventEnvelope",
    "EventError",
    "Order",
    "OrderLine",
    "PayloadError",
    "UnsupportedEvent",
]
