"""The broker's own limit for durable publishing: persistent messages with publisher confirms,
a fixed number in flight, on one connection, as fast as RabbitMQ confirms them.

Measured three ways: with aio-pika, the reference measure; with aiormq, the engine under
aio-pika, without aio-pika's own work per message; and with Weir's own publisher. On a 2-core
box the client's CPU, not RabbitMQ, caps the first two figures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aio_pika
import aiormq
import pika
from pamqp import commands as spec

from queues.amqp import AmqpConnection, ConnectionSettings
from queues.topology import ready_arguments

__all__ = ["aio_pika_publish_rate", "aiormq_publish_rate", "weir_publish_rate"]


async def aiormq_publish_rate(url: str, queue: str, body: bytes, *, in_flight: int, seconds: float) -> float:
    """Confirmed publishes per second into ``queue``, declared durable like a lane, deleted afterwards."""
    connection = await aiormq.connect(url)
    channel = await connection.channel(publisher_confirms=True)
    await channel.queue_declare(queue, durable=True, arguments=ready_arguments(queue))
    properties = spec.Basic.Properties(delivery_mode=2, content_type="application/json")

    async def publish(number: int) -> None:
        await channel.basic_publish(body, routing_key=queue, properties=properties)

    rate = await _confirmed_per_second(publish, in_flight, seconds)
    await channel.queue_delete(queue)
    await connection.close()
    return rate


async def aio_pika_publish_rate(url: str, queue: str, body: bytes, *, in_flight: int, seconds: float) -> float:
    """The same measurement through aio-pika's channel and default exchange."""
    connection = await aio_pika.connect(url)
    channel = await connection.channel(publisher_confirms=True)
    declared = await channel.declare_queue(queue, durable=True, arguments=ready_arguments(queue))
    exchange = channel.default_exchange

    async def publish(number: int) -> None:
        message = aio_pika.Message(
            body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, content_type="application/json"
        )
        await exchange.publish(message, routing_key=queue)

    rate = await _confirmed_per_second(publish, in_flight, seconds)
    await declared.delete(if_unused=False, if_empty=False)
    await connection.close()
    return rate


async def weir_publish_rate(url: str, queue: str, body: bytes, *, in_flight: int, seconds: float) -> float:
    """The same measurement through Weir's own publisher (:mod:`queues.amqp`)."""
    settings = ConnectionSettings.from_url(url)
    loop = asyncio.get_running_loop()
    _, connection = await loop.create_connection(lambda: AmqpConnection(settings), settings.host, settings.port)
    await connection.open()
    await connection.declare(queue, ready_arguments(queue))

    async def publish(number: int) -> None:
        await connection.publish(queue, body, str(number))

    rate = await _confirmed_per_second(publish, in_flight, seconds)
    connection.close()
    await connection.lost
    _delete_queue(url, queue)
    return rate


async def _confirmed_per_second(publish: Callable[[int], Awaitable[None]], in_flight: int, seconds: float) -> float:
    """Run ``in_flight`` publishers for ``seconds``, each awaiting its confirm before the next
    publish (numbered from 0 across all of them); return confirmed publishes per second."""
    confirmed = 0
    deadline = time.perf_counter() + seconds

    async def publisher() -> None:
        nonlocal confirmed
        while time.perf_counter() < deadline:
            number, confirmed = confirmed, confirmed + 1
            await publish(number)

    started = time.perf_counter()
    await asyncio.gather(*(publisher() for _ in range(in_flight)))
    return confirmed / (time.perf_counter() - started)


def _delete_queue(url: str, queue: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    connection.channel().queue_delete(queue)
    connection.close()
