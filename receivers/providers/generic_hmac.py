"""Generic HMAC, GitHub style, for in-house systems (POS, WMS, CRM): ``X-Hub-Signature-256:
sha256=<lowercase hex>`` of HMAC-SHA256 over the raw body, keyed with the shared secret.

The header names are per channel (:class:`~channels.generic_hmac.GenericHmacOptions`); the
defaults are GitHub's. The delivery id header is the dedupe key, so a sender must keep it across
its retries (GitHub's ``X-GitHub-Delivery`` does). The topic header carries Weir's canonical
topic, or a name the channel's ``topics`` option translates. Nothing is signed but the body: there is no timestamp.

A signed delivery whose topic is ``ping`` (GitHub's, sent when a hook is created) reports no
event: it is acknowledged and never enqueued, unless the channel's ``topics`` translates ``ping``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from channels.generic_hmac import GenericHmacOptions
from receivers.errors import BadSignature
from receivers.providers.base import Delivery, Provider, parse_json_object, require_header, require_id
from receivers.providers.subjects import subject_entity_id
from receivers.signing import hex_hmac_sha256, matches_any

__all__ = ["PING", "GenericHmacProvider"]

#: The topic of GitHub's test notification.
PING = "ping"

_PREFIX = b"sha256="


class GenericHmacProvider(Provider):
    """Verifies and reads GitHub-style signed webhooks with the header names of ``options``."""

    name: ClassVar[str] = "hmac"

    def __init__(self, options: GenericHmacOptions | None = None) -> None:
        options = options or GenericHmacOptions()
        self._signature_header = options.signature_header.lower()
        self._delivery_header = options.delivery_header.lower()
        self._topic_header = options.topic_header.lower()
        self._topics = dict(options.topics)

    def signing_key(self, secret: str) -> bytes:
        if not secret:
            raise ValueError("an HMAC secret cannot be empty")
        return secret.encode("utf-8")

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        received = require_header(headers, self._signature_header, signature=True)
        expected = (_PREFIX + hex_hmac_sha256(key, body) for key in keys)
        if not matches_any(expected, [received.encode("ascii", "replace")]):
            raise BadSignature(f"{self._signature_header} does not match the channel's secrets")

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        return headers.get(self._topic_header, "").strip() == PING and PING not in self._topics

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        delivery_id = require_id(require_header(headers, self._delivery_header), self._delivery_header)
        source_topic = require_header(headers, self._topic_header)
        topic = self._topics.get(source_topic, source_topic)
        payload = parse_json_object(body)
        return Delivery(
            delivery_id=delivery_id,
            source_topic=source_topic,
            topic=topic,
            entity_id=subject_entity_id(topic, payload) or delivery_id,
            occurred_at=received_at,
        )
