"""Standard Webhooks (standardwebhooks.com, spec v1): ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64>`` over ``{id}.{timestamp}.{body}``.

The key is the base64-decoded part of the secret after ``whsec_``. The header may carry several
space-separated signatures (during key rotation); entries of other versions are ignored. The body
follows the spec's recommended shape ``{"type": ..., "timestamp": ..., "data": {...}}``, with
Weir's canonical topic names as ``type``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from events.timestamps import parse_instant
from receivers.errors import BadSignature, MalformedRequest, StaleTimestamp
from receivers.providers.base import Delivery, Provider, parse_json_object, require_header, require_id
from receivers.providers.subjects import subject_entity_id
from receivers.signing import b64_hmac_sha256, matches_any, strict_b64decode

__all__ = ["StandardWebhooksProvider"]

_SECRET_PREFIX = "whsec_"


class StandardWebhooksProvider(Provider):
    """Verifies and reads Standard Webhooks deliveries.

    ``tolerance_seconds`` is how far the signed timestamp may be from now, either way.
    """

    name: ClassVar[str] = "standard"

    def __init__(self, tolerance_seconds: int = 300) -> None:
        if tolerance_seconds <= 0:
            raise ValueError("tolerance_seconds must be positive")
        self._tolerance = tolerance_seconds

    def signing_key(self, secret: str) -> bytes:
        key = strict_b64decode(secret.removeprefix(_SECRET_PREFIX))
        if not key:
            raise ValueError("a Standard Webhooks secret cannot be empty")
        return key

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        message_id = require_header(headers, "webhook-id")
        timestamp = require_header(headers, "webhook-timestamp")
        received = require_header(headers, "webhook-signature", signature=True)
        self._check_timestamp(timestamp, now)
        signed = f"{message_id}.{timestamp}.".encode() + body
        expected = (b"v1," + b64_hmac_sha256(key, signed) for key in keys)
        if not matches_any(expected, _v1_signatures(received)):
            raise BadSignature("webhook-signature does not match the channel's secrets")

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        delivery_id = require_id(require_header(headers, "webhook-id"), "webhook-id")
        payload = parse_json_object(body)
        topic = payload.get("type")
        if not isinstance(topic, str) or not topic:
            raise MalformedRequest("the body has no event type")
        data = payload.get("data")
        if not isinstance(data, dict):
            raise MalformedRequest("the body's data must be a JSON object")
        return Delivery(
            delivery_id=delivery_id,
            source_topic=topic,
            topic=topic,
            entity_id=subject_entity_id(topic, data) or delivery_id,
            occurred_at=parse_instant(payload.get("timestamp")) or received_at,
        )

    def _check_timestamp(self, timestamp: str, now: float) -> None:
        try:
            signed_at = int(timestamp)
        except ValueError:
            raise MalformedRequest("webhook-timestamp must be an integer of Unix seconds") from None
        if abs(now - signed_at) > self._tolerance:
            raise StaleTimestamp(f"webhook-timestamp is more than {self._tolerance} s from now")


def _v1_signatures(header: str) -> list[bytes]:
    return [entry.encode("ascii", "replace") for entry in header.split() if entry.startswith("v1,")]
