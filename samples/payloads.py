"""What a provider sends: sample payloads and their signatures, for ``weir send-sample``, the
benchmarks and the tests. Signing here is the provider's side; verifying is the receivers'."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from events.envelope import EventEnvelope

__all__ = [
    "DEMO_LINES",
    "amazon_order_change",
    "bigcommerce_event",
    "bigcommerce_headers",
    "customer_envelope",
    "encode",
    "envelope",
    "github_ping",
    "hmac_headers",
    "order_envelope",
    "php_encode",
    "shopify_headers",
    "shopify_inventory_level",
    "shopify_order",
    "shopify_refund",
    "sp_api_order",
    "sp_api_order_item",
    "square_event",
    "square_headers",
    "square_test_notification",
    "standard_headers",
    "standard_order",
    "stripe_event",
    "stripe_headers",
    "woocommerce_headers",
    "woocommerce_order",
    "woocommerce_ping",
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
    """An ``orders/create`` payload shaped like Shopify's, with ids as large as Shopify's: the
    lines and a 5.00 shipping line, each taxed at 6 % (tax on top), and the ``total_price`` that
    makes."""
    shipping, rate = Decimal("5.00"), Decimal("0.06")
    taxes = [_tax(Decimal(price) * quantity, rate) for _, quantity, price in lines]
    shipping_tax = _tax(shipping, rate)
    total_tax = sum(taxes, shipping_tax)
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id % 100000}",
        "email": "jane@example.com",
        "created_at": "2026-11-23T10:15:00-05:00",
        "currency": currency,
        "financial_status": "paid",
        "subtotal_price": _total(lines),
        "total_discounts": "0.00",
        "total_tax": str(total_tax),
        "taxes_included": False,
        "total_price": str(Decimal(_total(lines)) + shipping + total_tax),
        "tax_lines": [{"price": str(total_tax), "rate": 0.06, "title": "State Tax"}],
        "discount_applications": [],
        "customer": {
            "id": customer_id,
            "email": "jane@example.com",
            "first_name": "Jane",
            "last_name": "Doe",
        },
        "line_items": [
            {
                "id": order_id * 10 + index,
                "sku": sku,
                "quantity": quantity,
                "price": price,
                "title": sku,
                "total_discount": "0.00",
                "discount_allocations": [],
                "tax_lines": [{"price": str(tax), "rate": 0.06, "title": "State Tax"}],
            }
            for index, ((sku, quantity, price), tax) in enumerate(zip(lines, taxes, strict=True))
        ],
        "shipping_lines": [
            {
                "id": order_id * 10 + len(lines),
                "code": "Standard",
                "title": "Standard",
                "price": str(shipping),
                "discounted_price": str(shipping),
                "discount_allocations": [],
                "tax_lines": [{"price": str(shipping_tax), "rate": 0.06, "title": "State Tax"}],
            }
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


def shopify_inventory_level(
    inventory_item_id: int, available: int | None, *, location_id: int = 24826418, updated_at: str | None = None
) -> dict[str, Any]:
    """An ``inventory_levels/update`` payload: an inventory item's figure at a location, by the
    item's id alone (no SKU). ``updated_at`` defaults to now, so each new level is the newest."""
    updated_at = updated_at or datetime.now(UTC).isoformat()
    return {
        "inventory_item_id": inventory_item_id,
        "location_id": location_id,
        "available": available,
        "updated_at": updated_at,
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location_id}?inventory_item_id={inventory_item_id}",
    }


def shopify_refund(
    order_id: int, refund_id: int, lines: Sequence[tuple[int, int, str]], *, currency: str = "USD"
) -> dict[str, Any]:
    """A ``refunds/create`` payload whose ``refund_line_items`` name each line by ``line_item_id``
    alone, as (line item id, quantity, subtotal); the refund transaction gives their sum back."""
    amount = sum((Decimal(subtotal) for _, _, subtotal in lines), Decimal("0.00"))
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": "2026-11-23T12:00:00-05:00",
        "note": "damaged",
        "refund_line_items": [
            {"id": refund_id * 10 + index, "line_item_id": line_item_id, "quantity": quantity, "subtotal": subtotal}
            for index, (line_item_id, quantity, subtotal) in enumerate(lines)
        ],
        "transactions": [
            {"kind": "refund", "status": "success", "amount": str(amount), "currency": currency, "order_id": order_id}
        ],
    }


def standard_order(
    order_id: str,
    *,
    customer_id: str = "C-42",
    lines: Sequence[tuple[str, int, str]] = DEMO_LINES,
    currency: str = "EUR",
) -> dict[str, Any]:
    """A Standard Webhooks ``order.created`` body whose data is Weir's canonical order: the lines
    and 4.90 shipping, each with 21 % VAT on top, and the total that makes."""
    shipping, rate = Decimal("4.90"), Decimal("0.21")
    shipping_tax = _tax(shipping, rate)
    tax = _tax(Decimal(_total(lines)), rate) + shipping_tax
    vat = {"title": "VAT", "rate": str(rate)}
    return {
        "type": "order.created",
        "timestamp": "2026-11-23T15:15:00Z",
        "data": {
            "id": order_id,
            "currency": currency,
            "customer": {"id": customer_id, "name": "Jan Jansen", "email": "jan@example.com"},
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": price} for sku, quantity, price in lines],
            "shipping": [
                {"title": "Standard", "amount": str(shipping), "taxes": [{**vat, "amount": str(shipping_tax)}]}
            ],
            "taxes": [{**vat, "amount": str(tax)}],
            "total": str(Decimal(_total(lines)) + shipping + tax),
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
    return {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": _b64_hmac(secret.encode(), body),
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
    key = base64.b64decode(secret.removeprefix("whsec_"))
    return _standard_webhooks_headers(body, key, message_id, timestamp)


def _standard_webhooks_headers(
    body: bytes, key: bytes, message_id: str | None, timestamp: int | None
) -> dict[str, str]:
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{message_id}.{timestamp}.".encode() + body
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{_b64_hmac(key, signed)}",
    }


def woocommerce_order(order_id: int, *, lines: Sequence[tuple[str, int, str]] = DEMO_LINES) -> dict[str, Any]:
    """A WooCommerce ``order.created`` payload (the REST API's order), abbreviated: the lines and
    a 4.90 flat-rate shipping line, each with 19 % VAT on top, and the ``total`` that makes."""
    shipping, rate = Decimal("4.90"), Decimal("0.19")
    taxes = [_tax(Decimal(price) * quantity, rate) for _, quantity, price in lines]
    shipping_tax = _tax(shipping, rate)
    cart_tax = sum(taxes, Decimal("0.00"))
    return {
        "id": order_id,
        "status": "processing",
        "currency": "EUR",
        "prices_include_tax": False,
        "date_created_gmt": "2026-11-23T10:15:00",
        "date_modified_gmt": "2026-11-23T10:15:02",
        "discount_total": "0.00",
        "shipping_total": str(shipping),
        "shipping_tax": str(shipping_tax),
        "cart_tax": str(cart_tax),
        "total_tax": str(cart_tax + shipping_tax),
        "total": str(Decimal(_total(lines)) + shipping + cart_tax + shipping_tax),
        "customer_id": 42,
        "billing": {"first_name": "Jürgen", "last_name": "Müller", "email": "jurgen@example.com"},
        "line_items": [
            {
                "id": order_id * 10 + index,
                "sku": sku,
                "quantity": quantity,
                "price": price,
                "name": sku,
                "subtotal": str(Decimal(price) * quantity),
                "subtotal_tax": str(tax),
                "total": str(Decimal(price) * quantity),
                "total_tax": str(tax),
                "taxes": [{"id": 1, "total": str(tax), "subtotal": str(tax)}],
            }
            for index, ((sku, quantity, price), tax) in enumerate(zip(lines, taxes, strict=True))
        ],
        "tax_lines": [
            {
                "id": order_id * 10 + len(lines),
                "rate_code": "DE-MWST-1",
                "rate_id": 1,
                "label": "MwSt.",
                "compound": False,
                "tax_total": str(cart_tax),
                "shipping_tax_total": str(shipping_tax),
                "rate_percent": 19,
            }
        ],
        "shipping_lines": [
            {
                "id": order_id * 10 + len(lines) + 1,
                "method_title": "Flat rate",
                "method_id": "flat_rate",
                "total": str(shipping),
                "total_tax": str(shipping_tax),
                "taxes": [{"id": 1, "total": str(shipping_tax), "subtotal": ""}],
            }
        ],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [],
        "_links": {"self": [{"href": f"https://shop.example.com/wp-json/wc/v3/orders/{order_id}"}]},
    }


def woocommerce_headers(
    body: bytes, secret: str, *, topic: str = "order.created", webhook_id: int = 12
) -> dict[str, str]:
    """The headers WooCommerce sends with ``body``, signed with the webhook's secret (as Woo
    uses it, after decoding HTML entities)."""
    resource, _, event = topic.partition(".")
    return {
        "Content-Type": "application/json",
        "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)",
        "X-WC-Webhook-Source": "https://shop.example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": _b64_hmac(secret.encode(), body),
        "X-WC-Webhook-ID": str(webhook_id),
        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
    }


def woocommerce_ping(webhook_id: int = 12) -> tuple[bytes, dict[str, str]]:
    """The unsigned form post WooCommerce sends when a webhook is created or activated."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "WooCommerce/9.4.0 Hookshot"}
    return f"webhook_id={webhook_id}".encode(), headers


def bigcommerce_event(
    scope: str, resource_id: int, *, resource_type: str = "order", created_at: int = 1795425300
) -> dict[str, Any]:
    """A BigCommerce thin payload: the scope and the resource's type and id, nothing more."""
    data = {"type": resource_type, "id": resource_id}
    # BigCommerce hashes the data with SHA-1 so receivers can spot a hook fired twice.
    digest = hashlib.sha1(encode(data)).hexdigest()
    return {
        "scope": scope,
        "store_id": "1025646",
        "data": data,
        "hash": digest,
        "created_at": created_at,
        "producer": "stores/weirdemo",
    }


def bigcommerce_headers(
    body: bytes, client_secret: str, *, message_id: str | None = None, timestamp: int | None = None
) -> dict[str, str]:
    """Standard Webhooks headers as BigCommerce sends them: keyed with the client secret's own bytes."""
    return _standard_webhooks_headers(body, client_secret.encode(), message_id, timestamp)


def square_event(event_type: str, entity_id: str, *, event_id: str | None = None) -> dict[str, Any]:
    """A Square notification; for ``order.created``, its thin ``order_created`` summary."""
    kind = event_type.partition(".")[0]
    summary = {"order_id": entity_id, "location_id": "L1", "state": "OPEN", "version": 1}
    return {
        "merchant_id": "MLEFBHHSJGVHD",
        "type": event_type,
        "event_id": event_id or str(uuid.uuid4()),
        "created_at": "2026-11-23T15:15:00.123456789Z",
        "data": {"type": kind, "id": entity_id, "object": {event_type.replace(".", "_"): summary}},
    }


def square_headers(body: bytes, signature_key: str, notification_url: str) -> dict[str, str]:
    """Square's headers: the signature covers the notification URL followed by the body."""
    return {
        "Content-Type": "application/json",
        "square-environment": "Sandbox",
        "x-square-hmacsha256-signature": _b64_hmac(signature_key.encode(), notification_url.encode() + body),
    }


def square_test_notification(*, event_id: str | None = None) -> dict[str, Any]:
    """The test notification Square sends from the Developer Console or the Webhook
    Subscriptions API, shaped as Square's SDKs' own signature vector."""
    return {
        "merchant_id": "MLEFBHHSJGVHD",
        "type": "webhooks.test_notification",
        "event_id": event_id or str(uuid.uuid4()),
        "created_at": "2026-11-23T15:15:00.037339943Z",
        "data": {"type": "webhooks", "id": str(uuid.uuid4())},
    }


def stripe_event(event_type: str, event_object: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """A Stripe event wrapping ``event_object``."""
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": 1795425300,
        "data": {"object": event_object},
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
    }


def stripe_headers(
    body: bytes, secret: str, *, timestamp: int | None = None, also: Sequence[str] = ()
) -> dict[str, str]:
    """``Stripe-Signature`` for ``body``: ``t=...,v1=...`` keyed with the whole ``whsec_`` string,
    then a ``v1`` for each secret in ``also`` (as during rotation)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    entries = [f"v1={hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()}" for key in (secret, *also)]
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": ",".join([f"t={timestamp}", *entries]),
    }


def hmac_headers(
    body: bytes,
    secret: str,
    *,
    topic: str = "order.created",
    delivery_id: str | None = None,
    names: tuple[str, str, str] = ("X-Hub-Signature-256", "X-GitHub-Delivery", "X-GitHub-Event"),
) -> dict[str, str]:
    """GitHub-style headers: ``sha256=<hex>`` of the body, a delivery id and a topic, under
    ``names`` (signature, delivery id, topic header)."""
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    signature_header, delivery_header, topic_header = names
    return {
        "Content-Type": "application/json",
        signature_header: f"sha256={signature}",
        delivery_header: delivery_id or str(uuid.uuid4()),
        topic_header: topic,
    }


def github_ping(hook_id: int = 12) -> dict[str, Any]:
    """The body of GitHub's ``ping`` (``X-GitHub-Event: ping``), sent when a hook is created."""
    return {
        "zen": "Design for failure.",
        "hook_id": hook_id,
        "hook": {"type": "Repository", "id": hook_id, "active": True, "events": ["push"]},
    }


def amazon_order_change(
    order_id: str, *, notification_id: str | None = None, status: str = "Unshipped"
) -> dict[str, Any]:
    """An SP-API ``ORDER_CHANGE`` notification as it arrives on SQS."""
    change = {
        "NotificationLevel": "OrderLevel",
        "SellerId": "A3TH9S8BH6GOGM",
        "AmazonOrderId": order_id,
        "OrderChangeType": "OrderStatusChange",
        "OrderChangeTrigger": {"TimeOfOrderChange": "2026-11-23T15:15:00.284Z", "ChangeReason": "Order status changed"},
        "Summary": {"MarketplaceId": "ATVPDKIKX0DER", "OrderStatus": status, "FulfillmentType": "MFN"},
    }
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "ORDER_CHANGE",
        "PayloadVersion": "1.0",
        "EventTime": "2026-11-23T15:15:00.109Z",
        "Payload": {"OrderChangeNotification": change},
        "NotificationMetadata": {
            "ApplicationId": "amzn1.sellerapps.app.weir-demo",
            "SubscriptionId": "subscription-weir-demo",
            "PublishTime": "2026-11-23T15:15:01.284Z",
            "NotificationId": notification_id or str(uuid.uuid4()),
        },
    }


def sp_api_order(order_id: str, status: str = "Unshipped", **fields: Any) -> dict[str, Any]:
    """An order as SP-API's getOrder answers it (its ``payload``), without buyer information
    (which needs Amazon's restricted-data access); ``fields`` adds or replaces fields."""
    return {
        "AmazonOrderId": order_id,
        "PurchaseDate": "2026-11-23T15:10:00Z",
        "LastUpdateDate": "2026-11-23T15:15:00Z",
        "OrderStatus": status,
        "FulfillmentChannel": "MFN",
        "MarketplaceId": "ATVPDKIKX0DER",
        **fields,
    }


def sp_api_order_item(
    sku: str,
    quantity: int,
    line_price: str,
    *,
    currency: str = "USD",
    shipped: int = 0,
    title: str | None = None,
    **amounts: str,
) -> dict[str, Any]:
    """One of getOrderItems' ``OrderItems``: ``quantity`` units of ``sku`` for ``line_price`` in
    all (SP-API prices the line, not the unit); ``amounts`` adds the item's other ``Money``
    fields by name (``ItemTax="1.76"``, ``ShippingPrice="4.99"``, ``PromotionDiscount="2.00"``)."""
    item: dict[str, Any] = {
        "ASIN": "B00TESTASIN",
        "OrderItemId": f"item-{sku}",
        "SellerSKU": sku,
        "QuantityOrdered": quantity,
        "QuantityShipped": shipped,
        "ItemPrice": {"CurrencyCode": currency, "Amount": line_price},
    }
    if title is not None:
        item["Title"] = title
    item |= {name: {"CurrencyCode": currency, "Amount": amount} for name, amount in amounts.items()}
    return item


def encode(payload: dict[str, Any]) -> bytes:
    """A payload as compact JSON bytes, the way providers send it."""
    return json.dumps(payload, separators=(",", ":")).encode()


def php_encode(payload: dict[str, Any]) -> bytes:
    """A payload as PHP's ``json_encode`` writes it (WooCommerce): compact, non-ASCII as
    ``\\uXXXX`` and every ``/`` escaped as ``\\/``."""
    # In JSON, "/" can only occur inside strings, where "\/" means the same.
    return encode(payload).replace(b"/", b"\\/")


def _b64_hmac(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def _total(lines: Sequence[tuple[str, int, str]]) -> str:
    return str(sum((Decimal(price) * quantity for _, quantity, price in lines), Decimal("0.00")))


def _tax(amount: Decimal, rate: Decimal) -> Decimal:
    """The tax on ``amount`` at ``rate``, to the cent (halves up, as shops round)."""
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def envelope(topic: str, entity_id: str, payload: dict[str, Any], lane: str, channel: str = "shop-us") -> EventEnvelope:
    """A canonical envelope for a Shopify event, as the receiver would make it (tests, benchmarks)."""
    now = datetime.now(UTC)
    event_id = secrets.token_hex(16)
    return EventEnvelope(
        event_id=event_id,
        delivery_id=event_id,
        channel=channel,
        provider="shopify",
        topic=topic,
        source_topic=topic,
        entity_type=topic.partition(".")[0],
        entity_id=entity_id,
        occurred_at=now,
        received_at=now,
        correlation_id=event_id,
        lane=lane,
        payload=json.dumps(payload),
    )


def customer_envelope(customer_id: int, lane: str = "bulk") -> EventEnvelope:
    """A Shopify ``customers/create``: one ERP call (a party upsert)."""
    payload = {"id": customer_id, "first_name": "Ada", "last_name": f"No{customer_id}", "email": "ada@example.com"}
    return envelope("customer.created", str(customer_id), payload, lane)


def order_envelope(order_id: int) -> EventEnvelope:
    """A Shopify ``orders/create`` in the critical lane."""
    return envelope("order.created", str(order_id), shopify_order(order_id), "critical")
