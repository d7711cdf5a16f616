"""Confirmed publishing: it returns only once RabbitMQ holds the message, and says so when not."""

from __future__ import annotations

import asyncio
import json

import pika
import pytest

from queues.errors import PublishFailed
from queues.lanes import Lane
from queues.publisher import ConfirmedPublisher
from queues.topology import lane_queues
from tests.support.net import free_port
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe


def publisher_for(namespace: str, url: str = RABBITMQ_URL, **options: float) -> ConfirmedPublisher:
    return ConfirmedPublisher(url, [lane_queues(namespace, lane) for lane in Lane], connect_timeout=5, **options)


def test_a_confirmed_publish_is_in_the_queue_when_it_returns(namespace: str, rabbit: RabbitProbe) -> None:
    publisher = publisher_for(namespace)
    queue = lane_queues(namespace, Lane.CRITICAL).ready

    async def run() -> None:
        await asyncio.gather(*(publisher.publish(queue, b"{}", message_id=f"m{n}") for n in range(500)))
        await publisher.close()

    asyncio.run(run())
    assert rabbit.count(queue) == 500


def test_the_message_is_persistent_json_with_its_id_and_exact_body(namespace: str) -> None:
    publisher = publisher_for(namespace)
    queue = lane_queues(namespace, Lane.BULK).ready
    # Larger than one frame: the body travels split and arrives whole.
    body = json.dumps({"id": 820982911946154508, "padding": "é" * 200_000}).encode()

    async def run() -> None:
        await publisher.publish(queue, body, message_id="event-1")
        await publisher.close()

    asyncio.run(run())
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        method, properties, received = connection.channel().basic_get(queue, auto_ack=True)
    finally:
        connection.close()
    assert method is not None
    assert (properties.delivery_mode, properties.message_id, properties.content_type) == (
        2,
        "event-1",
        "application/json",
    )
    assert received == body


def test_a_publish_to_a_queue_that_does_not_exist_fails(namespace: str) -> None:
    publisher = publisher_for(namespace)

    async def run() -> None:
        try:
            with pytest.raises(PublishFailed, match="could not route"):
                await publisher.publish(f"{namespace}.nowhere", b"{}", message_id="m1")
            # The connection stays usable for routable messages.
            await publisher.publish(lane_queues(namespace, Lane.CRITICAL).ready, b"{}", message_id="m2")
        finally:
            await publisher.close()

    asyncio.run(run())


def test_a_message_rabbitmq_refuses_fails_with_the_nack(namespace: str, rabbit: RabbitProbe) -> None:
    full = f"{namespace}.full"
    channel = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL)).channel()
    channel.queue_declare(full, arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
    publisher = publisher_for(namespace)

    async def run() -> None:
        try:
            await publisher.publish(full, b"{}", message_id="first")
            with pytest.raises(PublishFailed, match="refused"):
                await publisher.publish(full, b"{}", message_id="second")
        finally:
            await publisher.close()

    try:
        asyncio.run(run())
    finally:
        channel.queue_delete(full)
        channel.connection.close()


def test_an_unreachable_rabbitmq_fails_fast_and_is_retried_later(namespace: str) -> None:
    publisher = publisher_for(namespace, f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F", retry_interval=60)

    async def run() -> None:
        with pytest.raises(PublishFailed, match="unreachable"):
            await publisher.publish("q", b"{}", message_id="m1")
        # Within the retry interval, a publish does not even try to connect.
        with pytest.raises(PublishFailed, match="not retrying yet"):
            await publisher.publish("q", b"{}", message_id="m2")
        assert not await publisher.check()

    asyncio.run(run())


def test_wrong_credentials_fail_the_publish(namespace: str) -> None:
    publisher = publisher_for(namespace, "amqp://guest:wrong@127.0.0.1:5672/%2F")

    async def run() -> None:
        with pytest.raises(PublishFailed):
            await publisher.publish("q", b"{}", message_id="m1")

    asyncio.run(run())


def test_a_lost_connection_fails_what_is_in_flight_and_the_next_publish_reconnects(
    namespace: str, rabbit: RabbitProbe
) -> None:
    proxy = TcpProxy("127.0.0.1", 5672)
    port = proxy.start()
    publisher = publisher_for(namespace, f"amqp://guest:guest@127.0.0.1:{port}/%2F", retry_interval=0)
    queue = lane_queues(namespace, Lane.CRITICAL).ready

    async def run() -> None:
        await publisher.publish(queue, b"{}", message_id="before")
        proxy.hold_after(b"held")
        held = asyncio.ensure_future(publisher.publish(queue, b'"held"', message_id="held"))
        await asyncio.to_thread(proxy.held.wait, 10)
        await asyncio.to_thread(proxy.cut)
        with pytest.raises(PublishFailed, match="lost"):
            await held
        await asyncio.to_thread(proxy.restore)
        await publisher.publish(queue, b"{}", message_id="after")
        await publisher.close()

    try:
        asyncio.run(run())
    finally:
        proxy.stop()
    assert rabbit.count(queue) >= 2


def test_with_several_nodes_the_publisher_connects_to_the_first_that_answers(
    namespace: str, rabbit: RabbitProbe
) -> None:
    # Given a cluster whose first node is down, the publisher goes on to the next one.
    down = f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F"
    publisher = publisher_for(namespace, f"{down},{RABBITMQ_URL}")
    queue = lane_queues(namespace, Lane.CRITICAL).ready

    async def run() -> None:
        await publisher.publish(queue, b"{}", message_id="m1")
        await publisher.close()

    asyncio.run(run())
    assert rabbit.count(queue) == 1


def test_a_node_lost_under_the_publisher_is_left_for_the_next_one(namespace: str, rabbit: RabbitProbe) -> None:
    first, second = TcpProxy("127.0.0.1", 5672), TcpProxy("127.0.0.1", 5672)
    nodes = ",".join(f"amqp://guest:guest@127.0.0.1:{proxy.start()}/%2F" for proxy in (first, second))
    publisher = publisher_for(namespace, nodes, retry_interval=0, retry_seconds=5)
    queue = lane_queues(namespace, Lane.CRITICAL).ready

    async def run() -> None:
        await publisher.publish(queue, b"{}", message_id="on-the-first")
        # When the first node goes away with a publish unconfirmed, the publish is retried
        # on the second node and returns confirmed.
        first.hold_after(b"held")
        held = asyncio.ensure_future(publisher.publish(queue, b'"held"', message_id="held"))
        await asyncio.to_thread(first.held.wait, 10)
        await asyncio.to_thread(first.cut)
        await held
        await publisher.close()

    try:
        asyncio.run(run())
    finally:
        first.stop()
        second.stop()
    bodies: list[object] = list(rabbit.messages(queue))
    assert "held" in bodies


def test_a_publish_is_retried_with_backoff_until_rabbitmq_is_back(namespace: str, rabbit: RabbitProbe) -> None:
    proxy = TcpProxy("127.0.0.1", 5672)
    port = proxy.start()
    publisher = publisher_for(namespace, f"amqp://guest:guest@127.0.0.1:{port}/%2F", retry_seconds=10)
    queue = lane_queues(namespace, Lane.STANDARD).ready

    async def run() -> None:
        await publisher.publish(queue, b"{}", message_id="before")
        await asyncio.to_thread(proxy.cut)
        # RabbitMQ comes back (a new leader elected) while the publish waits between retries.
        publishing = asyncio.ensure_future(publisher.publish(queue, b"{}", message_id="during"))
        await asyncio.sleep(0.3)
        assert not publishing.done()
        await asyncio.to_thread(proxy.restore)
        await publishing
        await publisher.close()

    try:
        asyncio.run(run())
    finally:
        proxy.stop()
    assert rabbit.count(queue) == 2


def test_without_retry_seconds_a_failed_publish_is_not_retried(namespace: str) -> None:
    proxy = TcpProxy("127.0.0.1", 5672)
    port = proxy.start()
    publisher = publisher_for(namespace, f"amqp://guest:guest@127.0.0.1:{port}/%2F", retry_interval=0)

    async def run() -> None:
        queue = lane_queues(namespace, Lane.BULK).ready
        await publisher.publish(queue, b"{}", message_id="m1")
        await asyncio.to_thread(proxy.cut)
        # Whether or not the publisher noticed the cut before this publish, it fails at once.
        with pytest.raises(PublishFailed, match=r"was lost|no RabbitMQ node answered"):
            await publisher.publish(queue, b"{}", message_id="m2")
        await publisher.close()

    try:
        asyncio.run(run())
    finally:
        proxy.stop()
