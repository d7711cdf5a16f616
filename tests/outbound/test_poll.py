"""One read of the ERP published on the real RabbitMQ, its state in the real Redis: a message per
channel and SKU, a shipment once, and a cursor that moves only once everything is confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import redis

from erp.outbound import DoneShipment, ShipmentsRead, StockRead
from events.outbound import ShippedLine
from outbound.cursors import OutboundState
from outbound.poll import OutboundPoller
from outbound.process import poll_once
from queues.errors import PublishFailed
from queues.lanes import Lane
from queues.process_publisher import ProcessPublisher
from queues.publisher import ConfirmedPublisher
from queues.topology import lane_queues
from tasks.outbound.levels import StockLevels
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe

NOW = datetime(2026, 12, 7, 12, 0)


@dataclass
class ScriptedErp:
    """An ERP reader answering what the test gives it, recording where each read started."""

    levels: dict[str, int] = field(default_factory=dict)
    shipments: list[DoneShipment] = field(default_factory=list)
    reads: list[datetime] = field(default_factory=list)

    def stock_since(self, since: datetime) -> StockRead:
        self.reads.append(since)
        return StockRead(levels=dict(self.levels), cursor=since)

    def shipments_since(self, since: datetime) -> ShipmentsRead:
        return ShipmentsRead(shipments=list(self.shipments), cursor=since)

    def close(self) -> None:
        pass


class FailingPublisher:
    def publish(self, routing_key: str, body: bytes, *, message_id: str) -> None:
        raise PublishFailed("RabbitMQ did not confirm")


@pytest.fixture
def publisher(namespace: str) -> Iterator[ProcessPublisher]:
    queues = [lane_queues(namespace, Lane.OUTBOUND)]
    publisher = ProcessPublisher(partial(ConfirmedPublisher, RABBITMQ_URL, queues, connect_timeout=5.0))
    yield publisher
    publisher.close()


def poller(
    erp: ScriptedErp, redis_client: redis.Redis, namespace: str, publisher: object, clock: list[datetime]
) -> OutboundPoller:
    return OutboundPoller(
        erp,
        OutboundState(redis_client, namespace),
        StockLevels(redis_client, namespace),
        publisher,  # type: ignore[arg-type]
        channels=["shop", "woo"],
        queue=lane_queues(namespace, Lane.OUTBOUND).ready,
        overlap=timedelta(seconds=60),
        first_lookback=timedelta(seconds=300),
        clock=lambda: clock[0],
    )


def shipment(reference: str, shipment_id: str = "7") -> DoneShipment:
    return DoneShipment(
        sale_reference=reference,
        shipment_id=shipment_id,
        lines=(ShippedLine(sku="SKU-0001", quantity=1),),
        tracking_number="1Z999",
        shipped_at=datetime(2026, 12, 7, tzinfo=UTC),
    )


def test_each_sku_that_moved_is_published_to_each_channel_with_one_newer_version_per_read(
    redis_client: redis.Redis, namespace: str, publisher: ProcessPublisher, rabbit: RabbitProbe
) -> None:
    erp = ScriptedErp(levels={"SKU-0001": 4, "SKU-0002": 0})
    clock = [NOW]
    running = poller(erp, redis_client, namespace, publisher, clock)

    first = running.poll()
    second = running.poll()

    assert (first.stock, second.stock) == (4, 4)
    messages = rabbit.messages(lane_queues(namespace, Lane.OUTBOUND).ready)
    told = sorted((m["args"][0], m["args"][1]["sku"], m["args"][1]["version"]) for m in messages)
    assert told == sorted(
        (channel, sku, version) for channel in ("shop", "woo") for sku in ("SKU-0001", "SKU-0002") for version in (1, 2)
    )


def test_the_cursor_starts_a_lookback_back_and_then_trails_each_read_by_the_overlap(
    redis_client: redis.Redis, namespace: str, publisher: ProcessPublisher
) -> None:
    erp = ScriptedErp()
    clock = [NOW]
    running = poller(erp, redis_client, namespace, publisher, clock)

    running.poll()
    clock[0] = NOW + timedelta(minutes=10)
    running.poll()
    running.poll()

    assert erp.reads == [
        NOW - timedelta(seconds=300),
        NOW - timedelta(seconds=60),
        NOW + timedelta(minutes=10) - timedelta(seconds=60),
    ]


def test_a_read_rabbitmq_did_not_confirm_leaves_the_cursor_where_it_was(
    redis_client: redis.Redis, namespace: str
) -> None:
    erp = ScriptedErp(levels={"SKU-0001": 4})
    state = OutboundState(redis_client, namespace)
    state.move("stock", NOW - timedelta(hours=1))
    running = poller(erp, redis_client, namespace, FailingPublisher(), [NOW])

    with pytest.raises(PublishFailed):
        running.poll()

    assert state.cursor("stock") == NOW - timedelta(hours=1)


def test_a_done_shipment_is_published_once_to_its_orders_channel_only(
    redis_client: redis.Redis, namespace: str, publisher: ProcessPublisher, rabbit: RabbitProbe
) -> None:
    erp = ScriptedErp(shipments=[shipment("shop:1001"), shipment("amazon-eu:302-1", "8"), shipment("no-channel")])
    running = poller(erp, redis_client, namespace, publisher, [NOW])

    first = running.poll()
    again = running.poll()  # the overlap reads it again

    assert (first.shipments, again.shipments) == (1, 0)
    (message,) = rabbit.messages(lane_queues(namespace, Lane.OUTBOUND).ready)
    assert (message["actor_name"], message["args"][0]) == ("fulfill_channel_order", "shop")
    assert (message["args"][1]["order_id"], message["args"][1]["tracking_number"]) == ("1001", "1Z999")


def test_a_shipment_rabbitmq_did_not_confirm_is_published_by_the_next_read(
    redis_client: redis.Redis, namespace: str, publisher: ProcessPublisher
) -> None:
    erp = ScriptedErp(shipments=[shipment("shop:1001")])
    with pytest.raises(PublishFailed):
        poller(erp, redis_client, namespace, FailingPublisher(), [NOW]).poll()

    assert poller(erp, redis_client, namespace, publisher, [NOW]).poll().shipments == 1


def test_a_second_process_does_not_read_while_the_first_holds_the_lease(
    redis_client: redis.Redis, namespace: str, publisher: ProcessPublisher
) -> None:
    erp = ScriptedErp()
    state = OutboundState(redis_client, namespace)
    running = poller(erp, redis_client, namespace, publisher, [NOW])
    held = state.take_lease(60_000)
    assert held is not None

    assert poll_once(running, state, 60_000) is None
    assert erp.reads == []

    state.release_lease(held)
    assert poll_once(running, state, 60_000) is not None
    assert len(erp.reads) == 1
