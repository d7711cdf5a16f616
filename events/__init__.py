"""Weir's canonical vocabulary: the event envelope, the business entities, and the versioned
events every provider's payload maps to.

Receivers, tasks and ERP adapters all speak these models, so none of them needs to know another
provider's or ERP's shapes.
"""

from events.cancellation import Cancellation
from events.canonical import (
    EVENT_MODELS,
    SCHEMA_VERSION,
    CanonicalEvent,
    CustomerUpdated,
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
    RefundCreated,
)
from events.envelope import EventEnvelope
from events.errors import EventError, PayloadError, UnsupportedEvent
from events.fulfillment import FulfilledLine, Fulfillment
from events.order import Address, Charge, Customer, Discount, Order, OrderLine, TaxLine
from events.refund import Refund, RefundLine
from events.stock import StockLevel, StockLevels

__all__ = [
    "EVENT_MODELS",
    "SCHEMA_VERSION",
    "Address",
    "Cancellation",
    "CanonicalEvent",
    "Charge",
    "Customer",
    "CustomerUpdated",
    "Discount",
    "EventEnvelope",
    "EventError",
    "FulfilledLine",
    "Fulfillment",
    "FulfillmentCreated",
    "InventoryUpdated",
    "Order",
    "OrderCancelled",
    "OrderCreated",
    "OrderLine",
    "OrderUpdated",
    "PayloadError",
    "Refund",
    "RefundCreated",
    "RefundLine",
    "StockLevel",
    "StockLevels",
    "TaxLine",
    "UnsupportedEvent",
]
