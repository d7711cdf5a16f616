"""The canonical order: what every channel's order payload becomes before it reaches an ERP.

Money is :class:`~decimal.Decimal` in the order's currency, never float. Channel ids are strings,
so 64-bit ids (Shopify's exceed 2**53) keep every digit.

What the customer pays is built from the parts, as every channel builds it::

    lines (quantity x unit price) - line discounts - order discounts not allocated to lines
    + shipping + fees + taxes (unless the amounts include them)

:attr:`Order.computed_total` adds the parts up; :attr:`Order.total` is the channel's own figure;
:meth:`Order.reconciles` says whether they agree to the currency's minor unit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from events.currency import minor_unit

__all__ = ["Address", "Charge", "Customer", "Discount", "Order", "OrderLine", "TaxLine"]


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
    """One ordered SKU: ``quantity`` units at ``unit_price`` each, less ``discount`` on the whole line.

    ``discount`` is everything the channel took off this line, its share of order-wide discounts
    included when the channel spreads them over the lines (Shopify, WooCommerce, Square, Amazon do).
    """

    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)
    unit_price: Decimal = Field(ge=0)
    title: str | None = None
    discount: Decimal = Field(default=Decimal(0), ge=0, description="Taken off the whole line, not off each unit")

    @property
    def amount(self) -> Decimal:
        """What the line comes to: quantity x unit price less its discount."""
        return self.quantity * self.unit_price - self.discount


class TaxLine(_Model):
    """A tax charged on the order: its ``title`` (``"VAT"``, ``"CA State Tax"``), its ``rate`` as a
    fraction (0.2 for 20 %) when the channel gives one, and the ``amount`` charged."""

    title: str = Field(min_length=1)
    rate: Decimal | None = Field(default=None, ge=0, description="A fraction: 0.2 for 20 %")
    amount: Decimal


class Charge(_Model):
    """Something the customer pays for beside the goods: a shipping method, a handling or
    gift-wrapping fee, a service charge.

    ``amount`` is after the charge's own discounts (free-shipping codes), and includes tax only
    when the order's ``taxes_included`` says so. ``taxes`` are the taxes on this charge, a part of
    the order's ``taxes`` (which count them already).
    """

    title: str = Field(min_length=1)
    amount: Decimal = Field(ge=0)
    taxes: tuple[TaxLine, ...] = ()


class Discount(_Model):
    """A discount the channel applied: its ``title``, the ``code`` the customer entered (none for
    automatic discounts), and the ``amount`` it took off.

    ``allocated`` says the channel already took the amount off the lines' ``discount`` or the
    shipping's ``amount``: the discount is then listed for the record and not subtracted again.
    An unallocated discount comes off the order as a whole.
    """

    title: str = Field(min_length=1)
    code: str | None = None
    amount: Decimal = Field(ge=0)
    allocated: bool = False


class Order(_Model):
    """An order as placed on a channel.

    ``id`` is the channel's order id and, with the channel name, the order's identity in the ERP.
    ``number`` is the human-facing order name (Shopify's ``#1001``). ``taxes`` are every tax the
    order charges, on goods and on charges alike; ``taxes_included`` says whether the lines' and
    charges' amounts already include them (European VAT prices) or the taxes come on top. ``total``
    is what the channel says the customer pays, when it says.
    """

    id: str = Field(min_length=1)
    number: str | None = None
    currency: str = Field(min_length=3, max_length=3)
    customer: Customer
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    shipping_address: Address | None = None
    billing_address: Address | None = None
    placed_at: datetime | None = None
    discounts: tuple[Discount, ...] = ()
    shipping: tuple[Charge, ...] = ()
    fees: tuple[Charge, ...] = ()
    taxes: tuple[TaxLine, ...] = ()
    taxes_included: bool = False
    total: Decimal | None = Field(default=None, description="What the channel says the customer pays")

    @property
    def skus(self) -> frozenset[str]:
        """Every SKU the order names."""
        return frozenset(line.sku for line in self.lines)

    @property
    def lines_total(self) -> Decimal:
        """The sum of quantity x unit price over the lines, before any discount, in the order's currency."""
        return sum((line.quantity * line.unit_price for line in self.lines), Decimal(0))

    @property
    def tax_total(self) -> Decimal:
        """The sum of the order's taxes, in the order's currency."""
        return sum((tax.amount for tax in self.taxes), Decimal(0))

    @property
    def computed_total(self) -> Decimal:
        """What the customer pays, built from the parts: the lines after their discounts, less
        unallocated discounts, plus shipping and fees, plus taxes unless the amounts include them."""
        lines = sum((line.amount for line in self.lines), Decimal(0))
        discounts = sum((d.amount for d in self.discounts if not d.allocated), Decimal(0))
        charges = sum((charge.amount for charge in (*self.shipping, *self.fees)), Decimal(0))
        taxes = Decimal(0) if self.taxes_included else self.tax_total
        return lines - discounts + charges + taxes

    def reconciles(self) -> bool:
        """Whether the channel's ``total`` and :attr:`computed_total` agree to less than half the
        currency's minor unit (a cent). An order whose channel gave no total has nothing to disagree
        with, and reconciles."""
        if self.total is None:
            return True
        return abs(self.total - self.computed_total) < minor_unit(self.currency) / 2
