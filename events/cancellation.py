"""The canonical cancellation: a channel cancelled an order."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from events.order import Order

__all__ = ["Cancellation"]


class Cancellation(BaseModel):
    """Order ``order_id`` was cancelled. ``order`` is the order as it stood, when the channel sent
    it (Shopify does; Amazon and Square send only the id): with it, a cancellation that arrives
    before the order's creation still leaves one (cancelled) sale.

    ``final`` says no sale can follow: the channel's cancellation is its last word on the order,
    and any later event of the order is read from the channel as cancelled (Amazon's: a
    ``Canceled`` order never changes again, and its changes are fetched from SP-API). An order
    with no sale then has nothing to cancel, instead of waiting for a creation that may arrive
    out of order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_id: str = Field(min_length=1)
    reason: str | None = None
    order: Order | None = None
    final: bool = False
