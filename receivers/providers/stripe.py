"""Stripe: ``Stripe-Signature: t=<Unix seconds>,v1=<hex>[,v1=<hex>...][,v0=<hex>]``, each ``v1``
the lowercase hex HMAC-SHA256 of ``{t}.{raw body}`` keyed with the whole ``whsec_...`` endpoint
secret as UTF-8 (not base64-decoded, unlike Standard Webhooks).

Several ``v1`` entries come during secret rotation; any one matching is enough. ``v0`` entries
(test-mode legacy) are ignored. The timestamp must be within the tolerance of now, in both
directions: stripe-python refuses only old ones, but a timestamp from the future would stretch
the replay window past the tolerance, and Stripe's clock is not the one that drifts. Deliveries
are deduplicated on the event ``id`` (``evt_...``), which retries keep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar

from events import topics
from events.timestamps import unix_instant
from receivers.errors import BadSignature, MalformedRequest, StaleTimestamp
from receivers.providers.base import Delivery, Provider, parse_json_object, require_header, require_id
from receivers.signing import hex_hmac_sha256, matches_any

__all__ = ["STRIPE_TYPES", "StripeProvider"]

#: Stripe event types with a canonical counterpart; the others travel under their own name.
#: ``payment_intent.succeeded`` is the order being paid (its entity is the PaymentIntent; the
#: order it pays is in its metadata). Subscribe an endpoint to ``charge.refunded`` or to
#: ``refund.created``, not both: each refund fires both.
STRIPE_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "payment_intent.succeeded": topics.ORDER_PAID,
        "charge.refunded": topics.REFUND_CREATED,
        "refund.created": topics.REFUND_CREATED,
        "refund.updated": topics.REFUND_UPDATED,
        "charge.refund.updated": topics.REFUND_UPDATED,
        "customer.created": topics.CUSTOMER_CREATED,
        "customer.updated": topics.CUSTOMER_UPDATED,
    }
)

_SECRET_PREFIX = "whsec_"


class StripeProvider(Provider):
    """Verifies and reads Stripe webhooks.

    ``tolerance_seconds`` is how far the signed timestamp may be from now, either way.
    """

    name: ClassVar[str] = "stripe"

    def __init__(self, tolerance_seconds: int = 300) -> None:
        if tolerance_seconds <= 0:
            raise ValueError("tolerance_seconds must be positive")
        self._tolerance = tolerance_seconds

    def signing_key(self, secret: str) -> bytes:
        if not secret.startswith(_SECRET_PREFIX) or secret == _SECRET_PREFIX:
            raise ValueError("a Stripe endpoint secret starts with whsec_")
        return secret.encode("utf-8")

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        timestamp, signatures = _parse_signature(require_header(headers, "stripe-signature", signature=True))
        signed = timestamp.encode("ascii") + b"." + body
        if not matches_any((hex_hmac_sha256(key, signed) for key in keys), signatures):
            raise BadSignature("Stripe-Signature has no v1 signature matching the channel's secrets")
        if abs(now - int(timestamp)) > self._tolerance:
            raise StaleTimestamp(f"the Stripe-Signature timestamp is more than {self._tolerance} s from now")

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        payload = parse_json_object(body)
        delivery_id = require_id(payload.get("id"), "the event's id")
        event_type = payload.get("type")
        if not isinstance(event_type, str) or not event_type:
            raise MalformedRequest("the body has no event type")
        return Delivery(
            delivery_id=delivery_id,
            source_topic=event_type,
            topic=STRIPE_TYPES.get(event_type, event_type),
            entity_id=_object_id(payload) or delivery_id,
            occurred_at=unix_instant(payload.get("created")) or received_at,
        )


def _parse_signature(header: str) -> tuple[str, list[bytes]]:
    pairs = [part.strip().partition("=") for part in header.split(",")]
    timestamps = [value for key, _, value in pairs if key == "t"]
    signatures = [value.encode("ascii", "replace") for key, _, value in pairs if key == "v1"]
    if not timestamps or not timestamps[0].isascii() or not timestamps[0].isdigit():
        raise BadSignature("Stripe-Signature has no t=<Unix seconds> timestamp")
    if not signatures:
        raise BadSignature("Stripe-Signature has no v1 signature")
    return timestamps[0], signatures


def _object_id(payload: dict[str, Any]) -> str | None:
    data = payload.get("data")
    event_object = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_object, dict) or "id" not in event_object:
        return None
    return require_id(event_object["id"], "data.object.id")
