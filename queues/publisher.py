"""Confirmed, persistent publishing into the lanes, for asyncio processes (the receivers)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from queues.amqp import AmqpConnection, ConnectionSettings
from queues.errors import PublishFailed
from queues.settings import split_urls
from queues.topology import DEAD_LETTER_ARGUMENTS, LaneQueues, ready_arguments

__all__ = ["ConfirmedPublisher"]

logger = logging.getLogger(__name__)

#: The pauses between a failed publish's retries grow from the first to the longest, in seconds.
_FIRST_PAUSE = 0.05
_LONGEST_PAUSE = 1.0


class ConfirmedPublisher:
    """Publishes persistent messages and returns only once RabbitMQ has confirmed each one.

    One connection and one confirm-mode channel serve every request of the process; confirms are
    pipelined, so concurrent publishes do not wait on each other. ``url`` is one RabbitMQ URL or
    the nodes of a cluster separated by commas: a connection goes to the first node that answers
    (within ``connect_timeout`` seconds for them all), and a lost one is re-opened by the next
    publish to the node after the lost one, declaring the lanes' queues again. While no node
    answers, publishes fail at once for ``retry_interval`` seconds instead of each waiting on a
    connect.

    A publish that fails (a lost connection, a nack, as when a queue's leader is re-elected)
    is retried with backoff, on a new connection when the old one was lost, for up to
    ``retry_seconds`` (0: not retried). A retried message may reach its queue twice; consumers
    deduplicate by message id. A publish has no deadline of its own: callers bound it
    (RabbitMQ can hold confirms back for as long as a resource alarm lasts).

    >>> publisher = ConfirmedPublisher(url, lanes, connect_timeout=3.0)
    >>> await publisher.publish("weir.critical", body, message_id="...")
    """

    def __init__(
        self,
        url: str,
        lanes: Sequence[LaneQueues],
        *,
        connect_timeout: float,
        retry_interval: float = 1.0,
        retry_seconds: float = 0.0,
    ) -> None:
        if connect_timeout <= 0 or retry_interval < 0 or retry_seconds < 0:
            raise ValueError("connect_timeout must be positive, retry_interval and retry_seconds not negative")
        self._nodes = [ConnectionSettings.from_url(node) for node in split_urls(url)]
        self._node = 0
        self._retry_seconds = retry_seconds
        self._lanes = tuple(lanes)
        self._connect_timeout = connect_timeout
        self._retry_interval = retry_interval
        self._connection: AmqpConnection | None = None
        self._connecting: asyncio.Lock | None = None
        self._retry_at = 0.0

    async def publish(self, routing_key: str, body: bytes, *, message_id: str) -> None:
        """Publish ``body`` to the queue ``routing_key`` and wait for RabbitMQ's confirm.

        Raises:
            PublishFailed: RabbitMQ is unreachable, refused the message, could not route it, or
                lost the connection before confirming, and retries did not get it confirmed
                within ``retry_seconds``. The message may still have arrived.
        """
        give_up = time.monotonic() + self._retry_seconds
        pause = _FIRST_PAUSE
        while True:
            connection = None
            try:
                connection = self._connection
                if connection is None or connection.lost.done():
                    connection = await self._reconnect()
                await connection.publish(routing_key, body, message_id)
                return
            except PublishFailed as exc:
                now = time.monotonic()
                wait = max(pause, self._retry_at - now)
                if now + wait > give_up:
                    raise
                logger.info("Publishing %s to %s failed (%s); retrying in %.2f s.", message_id, routing_key, exc, wait)
                if connection is not None and not connection.lost.done():
                    # A nack on a live connection: RabbitMQ 3.10's channel can keep addressing a
                    # quorum queue's old leader after an election, nacking every publish, until
                    # the channel is opened anew. Retry on a fresh connection (the next node).
                    connection.close()
            await asyncio.sleep(wait)
            pause = min(2 * pause, _LONGEST_PAUSE)

    async def check(self) -> bool:
        """Whether RabbitMQ is reachable now (a connection is open or can be opened)."""
        try:
            connection = self._connection
            if connection is None or connection.lost.done():
                await self._reconnect()
        except PublishFailed:
            return False
        return True

    async def close(self) -> None:
        """Close the connection; a later publish opens a new one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
            await connection.lost

    async def _reconnect(self) -> AmqpConnection:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._connection is not None and not self._connection.lost.done():
                return self._connection
            if self._connection is not None:
                # The node we were on went away: the next one is likelier to answer.
                self._node = (self._node + 1) % len(self._nodes)
                self._connection = None
            if time.monotonic() < self._retry_at:
                raise PublishFailed("RabbitMQ was unreachable moments ago; not retrying yet")
            try:
                self._connection = await self._connect()
            except PublishFailed as exc:
                self._retry_at = time.monotonic() + self._retry_interval
                logger.warning("Cannot open a confirmed channel to RabbitMQ: %s", exc)
                raise
            logger.info("Opened a confirmed channel to RabbitMQ and declared %d lanes.", len(self._lanes))
            return self._connection

    async def _connect(self) -> AmqpConnection:
        failures = []
        for step in range(len(self._nodes)):
            index = (self._node + step) % len(self._nodes)
            try:
                connection = await self._connect_to(self._nodes[index], self._connect_timeout / len(self._nodes))
            except PublishFailed as exc:
                failures.append(f"{self._nodes[index].host}:{self._nodes[index].port}: {exc}")
                continue
            self._node = index
            return connection
        raise PublishFailed("no RabbitMQ node answered: " + "; ".join(failures))

    async def _connect_to(self, node: ConnectionSettings, timeout: float) -> AmqpConnection:
        loop = asyncio.get_running_loop()
        connection: AmqpConnection | None = None
        try:
            async with asyncio.timeout(timeout):
                _, connection = await loop.create_connection(lambda: AmqpConnection(node), node.host, node.port)
                await connection.open()
                await self._declare(connection)
        except (OSError, TimeoutError) as exc:
            if connection is not None:
                connection.close()
            raise PublishFailed(f"RabbitMQ is unreachable: {exc!r}") from exc
        except PublishFailed:
            if connection is not None:
                connection.close()
            raise
        return connection

    async def _declare(self, connection: AmqpConnection) -> None:
        for lane in self._lanes:
            arguments = ready_arguments(lane.ready)
            await connection.declare(lane.ready, arguments)
            await connection.declare(lane.delayed, arguments)
            await connection.declare(lane.dead, DEAD_LETTER_ARGUMENTS)
