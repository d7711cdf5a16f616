"""Weir's canonical events: one versioned model per family, whatever channel sent it.

Each event carries ``schema_version`` (bumped when a model changes incompatibly), its ``family``
(the discriminator, named like the canonical topic) and ``source_version``: the moment the
channel says the state it reports was current (Shopify's ``X-Shopify-Triggered-At`` or
``updated_at``, WooCommerce's ``date_modified_gmt``, Stripe's ``created``, Amazon's
``EventTime``...; the time Weir received it when the channel sends none). Stale-write fencing
compares it.

    >>> event = OrderCreated(source_version=now, order=order)
    >>> event.family
    'order.created'
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from events.cancellation import Cancellation
from events.fulfillment import Fulfillment
from events.order import Customer, Order
from events.refund import Refund
from events.stock import StockLevel

__all__ = [
    "EVENT_MODELS",
    "SCHEMA_VERSION",
    "CanonicalEvent",
    "CustomerUpdated",
    "FulfillmentCreated",
    "InventoryUpdated",
    "OrderCancelled",
    "OrderCreated",
    "OrderUpdated",
    "RefundCreated",
    "canonical_event_adapter",
]

#: The version of every model in this module; a change that old readers cannot take bumps it.
SCHEMA_VERSION = 1


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    source_version: AwareDatetime = Field(
        description="When the channel says this state was current; older events than the one applied are skipped"
    )


class OrderCreated(_Event):
    """An order was placed: the ERP gets one confirmed sale for it."""

    family: Literal["order.created"] = "order.created"
    order: Order


class OrderUpdated(_Event):
    """An order changed (lines, addresses, customer, payment): the sale follows while it can."""

    family: Literal["order.updated"] = "order.updated"
    order: Order


class OrderCancelled(_Event):
    """An order was cancelled: so is its sale."""

    family: Literal["order.cancelled"] = "order.cancelled"
    cancellation: Cancellation


class RefundCreated(_Event):
    """Money was given back on an order: the ERP records a return or a credit."""

    family: Literal["refund.created"] = "refund.created"
    refund: Refund


class FulfillmentCreated(_Event):
    """Units of an order shipped: the sale's shipment is processed."""

    family: Literal["fulfillment.created"] = "fulfillment.created"
    fulfillment: Fulfillment


class InventoryUpdated(_Event):
    """A channel's stock figures: the ERP's stock is adjusted to them."""

    family: Literal["inventory.updated"] = "inventory.updated"
    levels: tuple[StockLevel, ...] = Field(min_length=1)


class CustomerUpdated(_Event):
    """A customer was created or changed: the ERP's party follows."""

    family: Literal["customer.updated"] = "customer.updated"
    customer: Customer


CanonicalEvent = Annotated[
    OrderCreated
    | OrderUpdated
    | OrderCancelled
    | RefundCreated
    | FulfillmentCreated
    | InventoryUpdated
    | CustomerUpdated,
    Field(discriminator="family"),
]

#: Every family's model, in the order ``weir schema export`` writes them.
EVENT_MODELS: tuple[type[_Event], ...] = (
    OrderCreated,
    OrderUpdated,
    OrderCancelled,
    RefundCreated,
    FulfillmentCreated,
    InventoryUpdated,
    CustomerUpdated,
)

canonical_event_adapter: TypeAdapter[CanonicalEvent] = TypeAdapter(CanonicalEvent)
