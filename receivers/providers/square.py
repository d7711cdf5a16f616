"""Square: ``x-square-hmacsha256-signature`` is base64 HMAC-SHA256 of the notification URL
followed by the raw body, keyed with the subscription's signature key.

The URL is part of what is signed, byte for byte as registered with Square (scheme, host, path,
query, trailing slash), so it comes from the channel's ``notification_url`` option and is never
rebuilt from the request: behind a proxy the request's own URL differs. Square signs no
timestamp; deliveries are deduplicated on the body's ``event_id``, which retries keep. The test
notification Square sends from the Developer Console or the Webhook Subscriptions API
(``"type": "webhooks.test_notification"``) is signed like any other and acknowledged without
an event (:meth:`SquareProvider.is_ping`).

Order notifications carry a summary only: the worker fetches the full order from Square's
Orders API (the channel's ``api_base_url`` and access token, see
:class:`~channels.square.SquareOptions`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import ClassVar

from events import topics
from events.timestamps import parse_instant
from receivers.errors import BadSignature, MalformedRequest
from receivers.providers.base import Delivery, Provider, parse_json_object, require_header, require_id
from receivers.signing import b64_hmac_sha256, matches_any

__all__ = ["SQUARE_TOPICS", "TEST_NOTIFICATION", "SquareProvider"]

#: The type of Square's test notification, which reports no event.
TEST_NOTIFICATION = "webhooks.test_notification"

SQUARE_TOPICS: Mapping[str, str] = MappingProxyType(
    {
        "order.created": topics.ORDER_CREATED,
        "order.updated": topics.ORDER_UPDATED,
        "order.fulfillment.updated": topics.FULFILLMENT_UPDATED,
        "refund.created": topics.REFUND_CREATED,
        "refund.updated": topics.REFUND_UPDATED,
        "inventory.count.updated": topics.INVENTORY_UPDATED,
        "customer.created": topics.CUSTOMER_CREATED,
        "customer.updated": topics.CUSTOMER_UPDATED,
    }
)


class SquareProvider(Provider):
    """Verifies and reads Square webhooks for one subscription's ``notification_url``."""

    name: ClassVar[str] = "square"

    def __init__(self, notification_url: str) -> None:
        self._url = notification_url.encode("utf-8")

    def signing_key(self, secret: str) -> bytes:
        if not secret:
            raise ValueError("a Square signature key cannot be empty")
        return secret.encode("utf-8")

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        received = require_header(headers, "x-square-hmacsha256-signature", signature=True)
        expected = (b64_hmac_sha256(key, self._url + body) for key in keys)
        if not matches_any(expected, [received.encode("ascii", "replace")]):
            raise BadSignature("x-square-hmacsha256-signature does not match the channel's URL and signature keys")

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        # Most notifications are not tests: the bytes say so without parsing the body twice.
        if TEST_NOTIFICATION.encode() not in body:
            return False
        return parse_json_object(body).get("type") == TEST_NOTIFICATION

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        payload = parse_json_object(body)
        delivery_id = require_id(payload.get("event_id"), "event_id")
        source_topic = payload.get("type")
        if not isinstance(source_topic, str) or not source_topic:
            raise MalformedRequest("the body has no event type")
        return Delivery(
            delivery_id=delivery_id,
            source_topic=source_topic,
            topic=SQUARE_TOPICS.get(source_topic, source_topic),
            entity_id=_data_id(payload.get("data")) or delivery_id,
            occurred_at=parse_instant(payload.get("created_at")) or received_at,
        )


def _data_id(data: object) -> str | None:
    if not isinstance(data, dict) or "id" not in data:
        return None
    return require_id(data["id"], "data.id")
