"""The broker's own limit for durable publishing: persistent messages with publisher confirms,
a fixed number in flight, on one connection, as fast as RabbitMQ confirms them."""

from __future__ import annotations

import asyncio
import time

import aiormq
from pamqp import commands as spec

__all__ = ["confirmed_publish_rate"]


async def confirmed_publish_rate(url: str, queue: str, body: bytes, *, in_flight: int, seconds: float) -> float:
    """Confirmed publishes per second into ``queue`` (declared durable, deleted afterwards)."""
    connection = await aiormq.connect(url)
    channel = await connection.channel(publisher_confirms=True)
    await channel.queue_declare(queue, durable=True)
    properties = spec.Basic.Properties(delivery_mode=2, content_type="application/json")
    confirmed = 0
    deadline = time.perf_counter() + seconds

    async def publisher() -> None:
        nonlocal confirmed
        while time.perf_counter() < deadline:
            await channel.basic_publish(body, routing_key=queue, properties=properties)
            confirmed += 1

    started = time.perf_counter()
    await asyncio.gather(*(publisher() for _ in range(in_flight)))
    elapsed = time.perf_counter() - started
    await channel.queue_delete(queue)
    await connection.close()
    return confirmed / elapsed
