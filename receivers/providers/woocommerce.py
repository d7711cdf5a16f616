"""WooCommerce: ``X-WC-Webhook-Signature`` is base64 HMAC-SHA256 of the raw body, keyed with the
webhook's secret.

Woo signs no timestamp, never retries a failed delivery, and its ``X-WC-Webhook-Delivery-ID``
is derived from the webhook id and the current second, so two deliveries can share it. A delivery
is therefore identified by what it carries: the webhook, the topic, the resource and the
resource's ``date_modified_gmt`` (Woo builds the payload when it delivers, so one state of a
resource is one delivery), or a hash of the body when the resource has no modification time.

When a webhook is created or activated, Woo posts an unsigned form body ``webhook_id=<id>`` and
expects exactly 200: that ping is answered and dropped (:meth:`WooCommerceProvider.is_handshake`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar

from events import topics
from events.timestamps import parse_instant
from receivers.errors import BadSignature
from receivers.providers.base import Delivery, Provider, parse_json_object, require_header, require_id
from receivers.signing import b64_hmac_sha256, matches_any

__all__ = ["WOOCOMMERCE_TOPICS", "WooCommerceProvider"]

#: Woo's topics with a canonical counterpart. The others (``order.deleted``, ``coupon.created``,
#: ``action.*``) are already ``<resource>.<event>`` and travel under their own name.
#: Woo has no refund or inventory topic: refunds arrive as ``order.updated`` and stock as
#: ``product.updated``.
WOOCOMMERCE_TOPICS: Mapping[str, str] = MappingProxyType(
    {
        "order.created": topics.ORDER_CREATED,
        "order.updated": topics.ORDER_UPDATED,
        "product.created": topics.PRODUCT_CREATED,
        "product.updated": topics.PRODUCT_UPDATED,
        "customer.created": topics.CUSTOMER_CREATED,
        "customer.updated": topics.CUSTOMER_UPDATED,
    }
)

_PING = re.compile(rb"webhook_id=[0-9]{1,20}")

# wp_specialchars_decode($secret, ENT_QUOTES), which Woo applies to the secret before signing:
# one pass over these entities, zero-padded numeric forms included.
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#0*(?:38|60|62|34|39)|#[xX]0*(?:26|22|27));")
_DECODED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "38": "&", "60": "<", "62": ">", "34": '"', "39": "'"}
_DECODED_HEX = {"26": "&", "22": '"', "27": "'"}


class WooCommerceProvider(Provider):
    """Verifies and reads WooCommerce webhooks (``X-WC-Webhook-*`` headers)."""

    name: ClassVar[str] = "woocommerce"

    def is_handshake(self, headers: Mapping[str, str], body: bytes) -> bool:
        return "x-wc-webhook-signature" not in headers and _PING.fullmatch(body) is not None

    def signing_key(self, secret: str) -> bytes:
        if not secret:
            raise ValueError("a WooCommerce webhook secret cannot be empty")
        return _wp_specialchars_decode(secret).encode("utf-8")

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        received = require_header(headers, "x-wc-webhook-signature", signature=True)
        expected = (b64_hmac_sha256(key, body) for key in keys)
        if not matches_any(expected, [received.encode("ascii", "replace")]):
            raise BadSignature("X-WC-Webhook-Signature does not match the channel's secrets")

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        source_topic = require_header(headers, "x-wc-webhook-topic")
        webhook_id = require_id(require_header(headers, "x-wc-webhook-id"), "X-WC-Webhook-ID")
        payload = parse_json_object(body)
        resource_id = require_id(payload["id"], "the payload's id") if "id" in payload else None
        delivery_id = _delivery_id(webhook_id, source_topic, resource_id, payload.get("date_modified_gmt"), body)
        return Delivery(
            delivery_id=delivery_id,
            source_topic=source_topic,
            topic=WOOCOMMERCE_TOPICS.get(source_topic, source_topic),
            entity_id=resource_id or delivery_id,
            occurred_at=_occurred_at(payload) or received_at,
        )


def _delivery_id(webhook_id: str, topic: str, resource_id: str | None, modified: object, body: bytes) -> str:
    if resource_id is not None and isinstance(modified, str) and modified:
        return require_id(f"{webhook_id}:{topic}:{resource_id}:{modified}", "the delivery's identity")
    return require_id(f"{webhook_id}:{topic}:sha256:{hashlib.sha256(body).hexdigest()}", "the delivery's identity")


def _occurred_at(payload: dict[str, Any]) -> datetime | None:
    # The *_gmt fields carry no offset; parse_instant reads them as UTC, which they are.
    return parse_instant(payload.get("date_modified_gmt")) or parse_instant(payload.get("date_created_gmt"))


def _wp_specialchars_decode(text: str) -> str:
    return _ENTITY.sub(_decode_entity, text) if "&" in text else text


def _decode_entity(match: re.Match[str]) -> str:
    name = match.group(0)[1:-1]
    if name[:2] in ("#x", "#X"):
        return _DECODED_HEX[name[2:].lstrip("0")]
    return _DECODED[name.lstrip("#").lstrip("0") if name.startswith("#") else name]
