"""The canonical stock level: how many units of a SKU a channel says are available."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["StockLevel", "StockLevels"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StockLevel(_Model):
    """``available`` units of ``sku`` (may be negative: oversold). ``location`` is the channel's
    own location id, when it counts per location."""

    sku: str = Field(min_length=1)
    available: Decimal
    location: str | None = None


class StockLevels(_Model):
    """The levels one event reports (a product's variants come together)."""

    levels: tuple[StockLevel, ...] = Field(min_length=1)

    @property
    def skus(self) -> frozenset[str]:
        """Every SKU the levels name."""
        return frozenset(level.sku for level in self.levels)
