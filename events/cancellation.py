"""The canonical cancellation: a channel cancelled an order."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from events.order import Order

__all__ = ["Cancellation"]


class Cancellation(BaseModel):
    """Order ``order_id`` was cancelled. ``order`` is the order as it stood, when the channel sent
    it (Shopify does; Amazon and Square send only the id): with it, a cancellation that arrives
    before the order's creation still leaves one (cancelled) sale."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_id: str = Field(min_length=1)
    reason: str | None = None
    order: Order | None = None
