"""Shopify payloads that name by id alone what the ERP knows by SKU: refunds and inventory levels.

An inventory level (``inventory_levels/update``: ``inventory_item_id``, ``location_id``,
``available``) names its inventory item, and a refund's ``refund_line_items`` may carry only a
``line_item_id``, without the nested ``line_item`` and its SKU. For those, :func:`resource_of`
names what the worker looks up in the shop's Admin API, and :data:`LOOKED_UP` maps the payload
with what was found (``Delivered.resource``):

==========================  ====================================================
inventory level             ``{"inventory_item": {"id", "sku", ...}}``
refund without line SKUs    ``{"order": {"id", "line_items": [{"id", "sku"}, ...]}}``
==========================  ====================================================

A refund's line items are looked up in Shopify, not in what Weir or the ERP kept of the order:
Shopify holds them whether the order reached Weir before the refund, after it, or never.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from events import topics
from events.canonical import CanonicalEvent, InventoryUpdated, RefundCreated
from events.errors import PayloadError
from events.mapping.fields import array, decimal_of, field, mapping, optional_decimal, optional_text, text_of
from events.refund import Refund, RefundLine
from events.stock import StockLevel

__all__ = ["LOOKED_UP", "LookedUp", "ShopifyResource", "resource_of"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShopifyResource:
    """What a payload names only by id, to look up in the shop's Admin API: an inventory level's
    ``inventory_item``, or the ``order`` whose ``line_items`` (their ids) a refund names."""

    kind: Literal["inventory_item", "order"]
    id: str
    line_items: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What is looked up, as text: the same key, the same answer. An order's names the line
        items wanted too, so a line added by an order edit is never sought in an older answer."""
        if not self.line_items:
            return f"{self.kind}:{self.id}"
        digest = hashlib.sha256(",".join(self.line_items).encode()).hexdigest()[:16]
        return f"{self.kind}:{self.id}:{digest}"


def resource_of(topic: str, payload: dict[str, Any]) -> ShopifyResource | None:
    """What to look up before mapping a webhook, or ``None`` when its payload maps alone: an
    inventory level's item (unless the level has no figure), a refund's order when one of its
    refund line items carries no line item with a SKU.

    Raises:
        PayloadError: the payload lacks the id to look up.
    """
    if topic == topics.INVENTORY_UPDATED and payload.get("available") is not None:
        return ShopifyResource("inventory_item", text_of(field(payload, "inventory_item_id"), "inventory_item_id"))
    if topic == topics.REFUND_CREATED:
        bare = [_line_item_id(item, index) for index, item in enumerate(array(payload, "refund_line_items"))]
        wanted = tuple(sorted({line for line in bare if line is not None}))
        return ShopifyResource("order", text_of(field(payload, "order_id"), "order_id"), wanted) if wanted else None
    return None


def _line_item_id(item: object, index: int) -> str | None:
    """The ``line_item_id`` of a refund line item that carries no SKU of its own, else ``None``."""
    if _sku_of(item):
        return None
    where = f"refund_line_items[{index}]"
    return text_of(field(mapping(item, where), "line_item_id", where), f"{where}.line_item_id")


def _refund(payload: dict[str, Any], version: datetime, order: dict[str, Any] | None) -> tuple[CanonicalEvent, ...]:
    amount, currency = _refunded(payload)
    order_id = text_of(field(payload, "order_id"), "order_id")
    skus = _line_item_skus(order, order_id)
    refund = Refund(
        order_id=order_id,
        refund_id=text_of(field(payload, "id"), "id"),
        currency=currency,
        lines=tuple(_refund_line(item, index, skus) for index, item in enumerate(array(payload, "refund_line_items"))),
        amount=amount,
        shipping=_shipping_refunded(payload),
        reason=optional_text(payload.get("note")),
    )
    return (RefundCreated(source_version=version, refund=refund),)


def _shipping_refunded(payload: dict[str, Any]) -> Decimal | None:
    """The shipping a refund gave back, before tax: its ``refund_shipping_lines`` (API 2024-10
    on), else its ``order_adjustments`` of kind ``shipping_refund`` (negative amounts); ``None``
    when it names none."""
    where = "refund_shipping_lines"
    lines = [mapping(item, f"{where}[{index}]") for index, item in enumerate(array(payload, where))]
    if lines:
        return sum((_presentment(line, "subtotal_amount_set", where) for line in lines), Decimal(0))
    where = "order_adjustments"
    adjustments = [mapping(item, f"{where}[{index}]") for index, item in enumerate(array(payload, where))]
    shipping = [
        decimal_of(field(item, "amount", where), f"{where}[].amount")
        for item in adjustments
        if item.get("kind") == "shipping_refund"
    ]
    # Shopify writes them negative (money going out); the size is what was given back.
    return abs(sum(shipping, Decimal(0))) if shipping else None


def _presentment(entry: dict[str, Any], key: str, where: str) -> Decimal:
    """A money set's amount in the currency the customer paid in (the refund's transactions')."""
    money = mapping(field(entry, key, where), f"{where}[].{key}")
    chosen = mapping(money.get("presentment_money") or field(money, "shop_money", where), f"{where}[].{key}")
    return decimal_of(field(chosen, "amount", where), f"{where}[].{key}.amount")


def _refund_line(item: object, index: int, skus: _LineSkus) -> RefundLine:
    where = f"refund_line_items[{index}]"
    entry = mapping(item, where)
    return RefundLine(
        sku=_sku_of(entry) or skus.of(text_of(entry.get("line_item_id"), f"{where}.line_item_id"), where),
        quantity=decimal_of(field(entry, "quantity", where), f"{where}.quantity"),
        amount=optional_decimal(entry.get("subtotal"), f"{where}.subtotal"),
    )


def _sku_of(item: object) -> str | None:
    """The SKU of a refund line item's own ``line_item``, when the payload carries it."""
    line_item = item.get("line_item") if isinstance(item, dict) else None
    return optional_text(line_item.get("sku")) if isinstance(line_item, dict) else None


@dataclass(frozen=True)
class _LineSkus:
    """The SKU of each line item of order ``order_id`` by the line item's id, as the Admin API
    gave them (``None`` when nothing was looked up); ``""`` for a line item without one."""

    order_id: str
    by_id: Mapping[str, str] | None

    def of(self, line_item_id: str, where: str) -> str:
        """The SKU of ``line_item_id``, named in the payload at ``where``.

        Raises:
            PayloadError: the order was not looked up, does not list the line item, or gives it no SKU.
        """
        if self.by_id is None:
            raise PayloadError(
                f"{where} names line item {line_item_id} without its SKU, and order {self.order_id}'s "
                "line items were not looked up in the shop's Admin API"
            )
        if line_item_id not in self.by_id:
            raise PayloadError(f"{where} names line item {line_item_id}, which order {self.order_id} does not list")
        sku = self.by_id[line_item_id]
        if not sku:
            raise PayloadError(f"line item {line_item_id} of order {self.order_id} has no SKU in Shopify")
        return sku


def _line_item_skus(resource: dict[str, Any] | None, order_id: str) -> _LineSkus:
    if resource is None:
        return _LineSkus(order_id, None)
    order = mapping(field(resource, "order"), "order")
    items = [mapping(item, "order.line_items[]") for item in array(order, "line_items")]
    by_id = {
        text_of(field(item, "id"), "order.line_items[].id"): optional_text(item.get("sku")) or "" for item in items
    }
    return _LineSkus(order_id, by_id)


def _refunded(payload: dict[str, Any]) -> tuple[Any, str | None]:
    """The sum of the refund's successful refund transactions, and their currency."""
    transactions = [
        mapping(item, f"transactions[{index}]") for index, item in enumerate(array(payload, "transactions"))
    ]
    refunds = [t for t in transactions if t.get("kind") == "refund" and t.get("status") in ("success", None)]
    if not refunds:
        return None, None
    amounts = [decimal_of(field(t, "amount", "transactions[]"), "transactions[].amount") for t in refunds]
    return sum(amounts[1:], amounts[0]), optional_text(refunds[0].get("currency"))


def _inventory_level(
    payload: dict[str, Any], version: datetime, found: dict[str, Any] | None
) -> tuple[CanonicalEvent, ...]:
    item_id = text_of(field(payload, "inventory_item_id"), "inventory_item_id")
    available = payload.get("available")
    if available is None:
        # Shopify's own test notification sends no figure: there is nothing to set.
        logger.info("Shopify inventory item %s has no available figure: nothing to set.", item_id)
        return ()
    if found is None:
        raise PayloadError(
            f"Shopify's inventory level names inventory item {item_id}, not a SKU, and the item was not "
            "looked up in the shop's Admin API"
        )
    sku = optional_text(mapping(field(found, "inventory_item"), "inventory_item").get("sku"))
    if sku is None:
        raise PayloadError(
            f"Shopify inventory item {item_id} has no SKU: give its variant the SKU the ERP knows, then replay"
        )
    level = StockLevel(
        sku=sku, available=decimal_of(available, "available"), location=optional_text(payload.get("location_id"))
    )
    return (InventoryUpdated(source_version=version, levels=(level,)),)


LookedUp = Callable[[dict[str, Any], datetime, dict[str, Any] | None], tuple[CanonicalEvent, ...]]

#: The mapping of each topic whose payload may name what only the Admin API knows, given the
#: payload, its source version and what was looked up for it (``None`` when nothing was).
LOOKED_UP: Mapping[str, LookedUp] = MappingProxyType(
    {topics.REFUND_CREATED: _refund, topics.INVENTORY_UPDATED: _inventory_level}
)
