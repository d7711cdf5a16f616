"""Which stock level a channel is told, on the real Redis: never an older one, never the same twice."""

from __future__ import annotations

import pytest
import redis

from events.outbound import StockNotice
from tasks.outbound.levels import ShippedMarks, StockLevels


@pytest.fixture
def levels(redis_client: redis.Redis, namespace: str) -> StockLevels:
    return StockLevels(redis_client, namespace, lease_ms=5_000)


def level(available: int, version: int) -> StockNotice:
    return StockNotice(sku="SKU-0001", available=available, version=version)


def test_a_first_level_is_sent(levels: StockLevels) -> None:
    assert levels.judge("shop", level(5, 1)) == "send"


def test_a_level_older_than_the_latest_published_is_superseded(levels: StockLevels) -> None:
    levels.announce("shop", "SKU-0001", 1)
    levels.announce("shop", "SKU-0001", 2)

    assert levels.judge("shop", level(5, 1)) == "superseded"
    assert levels.judge("shop", level(4, 2)) == "send"


def test_a_level_not_newer_than_the_one_sent_is_superseded(levels: StockLevels) -> None:
    levels.record_sent("shop", level(4, 3))

    assert levels.judge("shop", level(9, 2)) == "superseded"
    assert levels.judge("shop", level(9, 3)) == "superseded"
    assert levels.sent("shop", "SKU-0001") == 4


def test_a_newer_level_of_the_quantity_sent_is_unchanged_and_moves_the_sent_version(levels: StockLevels) -> None:
    levels.record_sent("shop", level(4, 3))

    assert levels.judge("shop", level(4, 5)) == "unchanged"
    assert levels.judge("shop", level(7, 4)) == "superseded"


def test_channels_are_told_apart(levels: StockLevels) -> None:
    levels.record_sent("shop", level(4, 3))

    assert levels.judge("woo", level(4, 1)) == "send"


def test_one_worker_at_a_time_holds_a_skus_lock(levels: StockLevels) -> None:
    token = levels.hold("shop", "SKU-0001")

    assert token is not None
    assert levels.hold("shop", "SKU-0001") is None
    assert levels.hold("woo", "SKU-0001") is not None
    levels.release("shop", "SKU-0001", token)
    assert levels.hold("shop", "SKU-0001") is not None


def test_a_shipment_is_marked_told_per_channel(redis_client: redis.Redis, namespace: str) -> None:
    marks = ShippedMarks(redis_client, namespace)

    marks.mark("shop", "7")

    assert (marks.told("shop", "7"), marks.told("shop", "8"), marks.told("woo", "7")) == (True, False, False)
