"""What Weir tells a channel: the ERP's stock of a SKU, and a customer shipment that is done.

These are the messages of the outbound leg (ERP -> channels), as the canonical events are of the
inbound one. The ERP's cursor makes them; a channel writer (:mod:`tasks.outbound`) sends them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ShipmentNotice", "ShippedLine", "StockNotice"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StockNotice(_Model):
    """``available`` units of ``sku`` the channel may sell, as the ERP counted them at
    ``version``: a number that only grows with the ERP's stock changes, so a notice with a smaller
    version than one already sent for the same SKU and channel is older and is never sent."""

    sku: str = Field(min_length=1)
    available: int = Field(ge=0)
    version: int = Field(ge=0)


class ShippedLine(_Model):
    """``quantity`` units of ``sku`` went out in the shipment."""

    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)


class ShipmentNotice(_Model):
    """The ERP's customer shipment ``shipment_id`` of the channel's order ``order_id`` is done.
    ``shipment_id`` is the idempotency key: a channel is told of one shipment once."""

    order_id: str = Field(min_length=1)
    shipment_id: str = Field(min_length=1)
    lines: tuple[ShippedLine, ...] = Field(min_length=1)
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: datetime
