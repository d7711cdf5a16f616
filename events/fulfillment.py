"""The canonical fulfillment: units of an order that left the warehouse, as the channel reports."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FulfilledLine", "Fulfillment"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FulfilledLine(_Model):
    """``quantity`` units of ``sku`` shipped."""

    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)


class Fulfillment(_Model):
    """Fulfillment ``fulfillment_id`` of order ``order_id``. No ``lines`` means the whole order
    shipped (Amazon's "Shipped" status names none)."""

    order_id: str = Field(min_length=1)
    fulfillment_id: str = Field(min_length=1)
    lines: tuple[FulfilledLine, ...] = ()
    carrier: str | None = None
    tracking_number: str | None = None

    @property
    def skus(self) -> frozenset[str]:
        """Every SKU the fulfillment names."""
        return frozenset(line.sku for line in self.lines)
