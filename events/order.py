"""The canonical order: what every channel's order payload becomes before it reaches an ERP.

Money is :class:`~decimal.Decimal` in the order's currency, never float. Channel ids are strings,
so 64-bit ids (Shopify's exceed 2**53) keep every digit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Address", "Customer", "Order", "OrderLine"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(_Model):
    """A postal address as the channel sent it; every part is optional."""

    name: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2")


class Customer(_Model):
    """Who placed the order. ``id`` is the channel's own customer id (a guest gets a derived one)."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    email: str | None = None
    address: Address | None = None


class OrderLine(_Model):
    """One ordered SKU: ``quantity`` units at ``unit_price`` each, before order-level discounts."""

    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)
    unit_price: Decimal = Field(ge=0)
    title: str | None = None


class Order(_Model):
    """An order as placed on a channel.

    ``id`` is the channel's order id and, with the channel name, the order's identity in the ERP.
    ``number`` is the human-facing order name (Shopify's ``#1001``).
    """

    id: str = Field(min_length=1)
    number: str | None = None
    currency: str = Field(min_length=3, max_length=3)
    customer: Customer
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    shipping_address: Address | None = None
    billing_address: Address | None = None
    placed_at: datetime | None = None

    @property
    def skus(self) -> frozenset[str]:
        """Every SKU the order names."""
        return frozenset(line.sku for line in self.lines)

    @property
    def lines_total(self) -> Decimal:
        """The sum of quantity x unit price over the lines, in the order's currency."""
        return sum((line.quantity * line.unit_price for line in self.lines), Decimal(0))
