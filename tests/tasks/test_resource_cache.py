"""Channel API answers kept in the real Redis, and a cache that cannot reach Redis staying out of the way."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
import redis

from events.mapping import ShopifyResource
from tasks.resource_cache import ResourceCache
from tests.support.net import free_port

ITEM = ShopifyResource("inventory_item", "808950810")
ANSWER = {"inventory_item": {"id": 808950810, "sku": "SKU-0001", "tracked": True}}


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    name = f"test:cache:{uuid.uuid4().hex}:"
    yield name
    keys = list(redis_client.scan_iter(match=f"{name}*"))
    if keys:
        redis_client.delete(*keys)


def test_an_answer_is_kept_per_channel_for_its_ttl(redis_client: redis.Redis, prefix: str) -> None:
    cache = ResourceCache(redis_client, prefix=prefix, ttl_seconds=60)

    cache.put("shop-a", ITEM, ANSWER)

    assert cache.get("shop-a", ITEM) == ANSWER
    assert cache.get("shop-b", ITEM) is None
    assert 0 < int(redis_client.ttl(f"{prefix}shop-a:inventory_item:808950810")) <= 60


def test_a_cache_that_cannot_reach_redis_misses_and_keeps_nothing_saying_so(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="tasks.resource_cache")
    nowhere = redis.Redis(port=free_port(), socket_connect_timeout=1, socket_timeout=1)
    cache = ResourceCache(nowhere, prefix="test:", ttl_seconds=60)

    cache.put("shop-a", ITEM, ANSWER)

    assert cache.get("shop-a", ITEM) is None
    assert [record.getMessage().split(":")[0] for record in caplog.records] == [
        "The channel API cache did not keep inventory_item 808950810 of shop-a",
        "The channel API cache did not answer for inventory_item of shop-a",
    ]
    nowhere.close()


def test_a_ttl_must_be_positive(redis_client: redis.Redis) -> None:
    with pytest.raises(ValueError, match="ttl_seconds"):
        ResourceCache(redis_client, prefix="test:", ttl_seconds=0)
