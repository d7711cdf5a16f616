"""What a provider sends: sample payloads and their signatures, for ``weir send-sample``, the
benchmarks and the tests. Signing here is the provider's side; verifying is the receivers'."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "DEMO_LINES",
    "encode",
    "shopify_headers",
    "shopify_order",
    "standard_headers",
    "standard_order",
]

#: (SKU, quantity, unit price): two demo SKUs that the local Tryton holds in stock.
DEMO_LINES: tuple[tuple[str, int, str], ...] = (("SKU-0001", 2, "11.00"), ("SKU-0002", 1, "12.00"))


def shopify_order(
    order_id: int,
    *,
    customer_id: int = 115310627314723954,
    lines: Sequence[tuple[str, int, str]] = DEMO_LINES,
    currency: str = "USD",
) -> dict[str, Any]:
    """An ``orders/create`` payload shaped like Shopify's, with ids as large as Shopify's."""
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id % 100000}",
        "email": "jane@example.com",
        "created_at": "2026-11-23T10:15:00-05:00",
        "currency": currency,
        "financial_status": "paid",
        "total_price": _total(lines),
        "customer": {
            "id": customer_id,
            "email": "jane@example.com",
            "first_name": "Jane",
            "last_name": "Doe",
        },
        "line_items": [
            {"id": order_id * 10 + index, "sku": sku, "quantity": quantity, "price": price, "title": sku}
            for index, (sku, quantity, price) in enumerate(lines)
        ],
        "shipping_address": {
            "first_name": "Jane",
            "last_name": "Doe",
            "address1": "5 Elm St",
            "city": "Springfield",
            "zip": "12345",
            "country_code": "US",
        },
    }


def standard_order(
    order_id: str,
    *,
    customer_id: str = "C-42",
    lines: Sequence[tuple[str, int, str]] = DEMO_LINES,
    currency: str = "EUR",
) -> dict[str, Any]:
    """A Standard Webhooks ``order.created`` body whose data is Weir's canonical order."""
    return {
        "type": "order.created",
        "timestamp": "2026-11-23T15:15:00Z",
        "data": {
            "id": order_id,
            "currency": currency,
            "customer": {"id": customer_id, "name": "Jan Jansen", "email": "jan@example.com"},
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": price} for sku, quantity, price in lines],
        },
    }


def shopify_headers(
    body: bytes,
    secret: str,
    *,
    topic: str = "orders/create",
    webhook_id: str | None = None,
) -> dict[str, str]:
    """The headers Shopify sends with ``body``, signed with the app's client secret."""
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Shop-Domain": "weir-demo.myshopify.com",
        "X-Shopify-API-Version": "2025-01",
    }


def standard_headers(
    body: bytes,
    secret: str,
    *,
    message_id: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    """Standard Webhooks headers for ``body``, signed with a ``whsec_`` secret."""
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{signature}",
    }


def encode(payload: dict[str, Any]) -> bytes:
    """A payload as compact JSON bytes, the way providers send it."""
    return json.dumps(payload, separators=(",", ":")).encode()


def _total(lines: Sequence[tuple[str, int, str]]) -> str:
    return str(sum((Decimal(price) * quantity for _, quantity, price in lines), Decimal("0.00")))
