"""BigCommerce: Standard Webhooks headers (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64>``), keyed with the raw UTF-8 bytes of the app's client secret
(BigCommerce's own samples pass it to the Standard Webhooks library base64-encoded, which the
library decodes back: there is no ``whsec_`` secret to decode).

Payloads are thin: ``{"scope": "store/order/created", "data": {"type": "order", "id": 250},
"hash": ..., "created_at": <Unix seconds>}``. The worker fetches the full resource from the
store's API (the channel's ``api_base_url`` and token, see
:class:`~channels.bigcommerce.BigCommerceOptions`).
Deliveries are deduplicated on ``webhook-id``, which retries keep; the body's ``hash`` travels
with the payload.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar

from events import topics
from events.timestamps import unix_instant
from receivers.errors import MalformedRequest
from receivers.providers.base import Delivery, Provider, parse_json_object, require_header, require_id
from receivers.providers.standard import StandardWebhooksProvider

__all__ = ["BIGCOMMERCE_SCOPES", "BigCommerceProvider"]

BIGCOMMERCE_SCOPES: Mapping[str, str] = MappingProxyType(
    {
        "store/order/created": topics.ORDER_CREATED,
        "store/order/updated": topics.ORDER_UPDATED,
        "store/order/statusUpdated": topics.ORDER_UPDATED,
        "store/order/refund/created": topics.REFUND_CREATED,
        "store/shipment/created": topics.FULFILLMENT_CREATED,
        "store/shipment/updated": topics.FULFILLMENT_UPDATED,
        "store/customer/created": topics.CUSTOMER_CREATED,
        "store/customer/updated": topics.CUSTOMER_UPDATED,
        "store/product/created": topics.PRODUCT_CREATED,
        "store/product/updated": topics.PRODUCT_UPDATED,
        "store/product/inventory/updated": topics.INVENTORY_UPDATED,
        "store/product/inventory/order/updated": topics.INVENTORY_UPDATED,
        "store/sku/inventory/updated": topics.INVENTORY_UPDATED,
        "store/sku/inventory/order/updated": topics.INVENTORY_UPDATED,
    }
)


class BigCommerceProvider(Provider):
    """Verifies and reads BigCommerce webhooks.

    ``tolerance_seconds`` is how far the signed timestamp may be from now, either way.
    """

    name: ClassVar[str] = "bigcommerce"

    def __init__(self, tolerance_seconds: int = 300) -> None:
        self._signature = StandardWebhooksProvider(tolerance_seconds)

    def signing_key(self, secret: str) -> bytes:
        if not secret:
            raise ValueError("a BigCommerce client secret cannot be empty")
        return secret.encode("utf-8")

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        self._signature.verify(headers, body, keys, now)

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        delivery_id = require_id(require_header(headers, "webhook-id"), "webhook-id")
        payload = parse_json_object(body)
        scope = payload.get("scope")
        data = payload.get("data")
        if not isinstance(scope, str) or not scope:
            raise MalformedRequest("the body has no scope")
        if not isinstance(data, dict):
            raise MalformedRequest("the body's data must be a JSON object")
        topic = BIGCOMMERCE_SCOPES.get(scope) or scope.removeprefix("store/").replace("/", ".")
        return Delivery(
            delivery_id=delivery_id,
            source_topic=scope,
            topic=topic,
            entity_id=_entity_id(topic, data) or delivery_id,
            occurred_at=unix_instant(payload.get("created_at")) or received_at,
        )


def _entity_id(topic: str, data: dict[str, Any]) -> str | None:
    if "id" not in data:
        return None
    resource = require_id(data["id"], "data.id")
    if topic == topics.REFUND_CREATED and isinstance(data.get("refund"), dict) and "refund_id" in data["refund"]:
        return require_id(data["refund"]["refund_id"], "data.refund.refund_id")
    if topic == topics.INVENTORY_UPDATED:
        # Products and SKUs are counted apart and number their ids apart.
        return f"{require_id(data.get('type'), 'data.type')}/{resource}"
    return resource
