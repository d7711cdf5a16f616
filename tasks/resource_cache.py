"""Channel API answers kept in Redis for a while, so a lookup asked again costs no call.

Only answers that hold under their id for longer than a retry takes are worth keeping: what a
Shopify payload names by id (an inventory item's SKU; an order's line items and their SKUs).
A variant's SKU can still be edited in Shopify, so entries expire: an edit reaches Weir within
the TTL. Keys are ``<prefix><channel>:<resource key>`` (:attr:`ShopifyResource.key
<events.mapping.ShopifyResource.key>`), each holding the answer as JSON.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis

from events.mapping import ShopifyResource

__all__ = ["ResourceCache"]

logger = logging.getLogger(__name__)


class ResourceCache:
    """Answers by channel and resource, each kept ``ttl_seconds`` in Redis under ``prefix``.

    The cache only saves calls: when Redis fails, a lookup is a miss and a store is skipped
    (logged), and the call goes to the channel's API as it would without a cache.
    """

    def __init__(self, client: redis.Redis, *, prefix: str, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._client = client
        self._prefix = prefix
        self._ttl_seconds = ttl_seconds

    def get(self, channel: str, wanted: ShopifyResource) -> dict[str, Any] | None:
        """The answer kept for ``wanted`` of ``channel``, or ``None``."""
        try:
            raw = self._client.get(self._key(channel, wanted))
        except redis.RedisError as exc:
            logger.warning("The channel API cache did not answer for %s of %s: %s", wanted.kind, channel, exc)
            return None
        if raw is None:
            return None
        found = json.loads(raw)
        return found if isinstance(found, dict) else None

    def put(self, channel: str, wanted: ShopifyResource, resource: dict[str, Any]) -> None:
        """Keep ``resource`` as the answer for ``wanted`` of ``channel``."""
        try:
            self._client.set(self._key(channel, wanted), json.dumps(resource), ex=self._ttl_seconds)
        except redis.RedisError as exc:
            logger.warning("The channel API cache did not keep %s %s of %s: %s", wanted.kind, wanted.id, channel, exc)

    def _key(self, channel: str, wanted: ShopifyResource) -> str:
        return f"{self._prefix}{channel}:{wanted.key}"
