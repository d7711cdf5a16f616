"""The canonical refund: money a channel gave back on an order, with the lines it covers.

Amounts are :class:`~decimal.Decimal` in ``currency`` and positive (a refund of 5.00 is ``5.00``,
whatever sign the channel used). A refund names the order it refunds by the channel's order id.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Refund", "RefundLine"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RefundLine(_Model):
    """``quantity`` units of ``sku`` given back; ``amount`` is what was refunded for them, when
    the channel says (otherwise the ERP credits them at the price they were sold for)."""

    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)
    amount: Decimal | None = Field(default=None, ge=0)


class Refund(_Model):
    """A refund of order ``order_id``. ``lines`` lists the refunded units; a refund without lines
    (a payment provider's, or a goodwill credit) is ``amount`` alone. ``shipping`` is the part of
    ``amount`` that gave shipping charges back (before their tax), when the channel says.
    ``order_channel`` names the channel the order was placed on when another one reports the
    refund (a payment provider refunding a storefront's order); by default it is the reporting
    channel."""

    order_id: str = Field(min_length=1)
    order_channel: str | None = Field(default=None, min_length=1)
    refund_id: str = Field(min_length=1)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    lines: tuple[RefundLine, ...] = ()
    amount: Decimal | None = Field(default=None, ge=0)
    shipping: Decimal | None = Field(default=None, ge=0)
    reason: str | None = None

    @property
    def skus(self) -> frozenset[str]:
        """Every SKU the refund names."""
        return frozenset(line.sku for line in self.lines)
