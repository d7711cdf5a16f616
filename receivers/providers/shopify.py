"""Shopify: base64 HMAC-SHA256 of the raw body with the app's client secret.

Shopify signs no timestamp; replays are caught by deduplicating on ``X-Shopify-Webhook-Id``,
the delivery id its retries keep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar

from events import topics
from events.timestamps import parse_instant
from receivers.errors import BadSignature
from receivers.providers.base import Delivery, Provider, parse_json_object, require_header, require_id
from receivers.signing import b64_hmac_sha256, matches_any

__all__ = ["SHOPIFY_TOPICS", "ShopifyProvider"]

SHOPIFY_TOPICS: Mapping[str, str] = MappingProxyType(
    {
        "orders/create": topics.ORDER_CREATED,
        "orders/updated": topics.ORDER_UPDATED,
        "orders/paid": topics.ORDER_PAID,
        "orders/cancelled": topics.ORDER_CANCELLED,
        "refunds/create": topics.REFUND_CREATED,
        "fulfillments/create": topics.FULFILLMENT_CREATED,
        "fulfillments/update": topics.FULFILLMENT_UPDATED,
        "customers/create": topics.CUSTOMER_CREATED,
        "customers/update": topics.CUSTOMER_UPDATED,
        "inventory_levels/update": topics.INVENTORY_UPDATED,
        "products/create": topics.PRODUCT_CREATED,
        "products/update": topics.PRODUCT_UPDATED,
    }
)


class ShopifyProvider(Provider):
    """Verifies and reads Shopify webhooks (``X-Shopify-*`` headers)."""

    name: ClassVar[str] = "shopify"

    def signing_key(self, secret: str) -> bytes:
        if not secret:
            raise ValueError("a Shopify client secret cannot be empty")
        return secret.encode("utf-8")

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        received = require_header(headers, "x-shopify-hmac-sha256", signature=True)
        expected = (b64_hmac_sha256(key, body) for key in keys)
        if not matches_any(expected, [received.encode("ascii", "replace")]):
            raise BadSignature("X-Shopify-Hmac-Sha256 does not match the channel's secrets")

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        source_topic = require_header(headers, "x-shopify-topic")
        delivery_id = require_id(require_header(headers, "x-shopify-webhook-id"), "X-Shopify-Webhook-Id")
        payload = parse_json_object(body)
        return Delivery(
            delivery_id=delivery_id,
            source_topic=source_topic,
            topic=SHOPIFY_TOPICS.get(source_topic) or source_topic.replace("/", "."),
            entity_id=_entity_id(payload, delivery_id),
            occurred_at=_occurred_at(headers, payload) or received_at,
        )


def _entity_id(payload: dict[str, Any], delivery_id: str) -> str:
    if "id" in payload:
        return require_id(payload["id"], "the payload's id")
    if "inventory_item_id" in payload:
        # Inventory levels have no id of their own: an item is counted per location.
        item = require_id(payload["inventory_item_id"], "inventory_item_id")
        return f"{item}@{require_id(payload.get('location_id'), 'location_id')}"
    return delivery_id


def _occurred_at(headers: Mapping[str, str], payload: dict[str, Any]) -> datetime | None:
    for candidate in (headers.get("x-shopify-triggered-at"), payload.get("updated_at"), payload.get("created_at")):
        moment = parse_instant(candidate)
        if moment is not None:
            return moment
    return None
