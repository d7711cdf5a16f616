"""Lanes that an earlier Weir declared as classic queues, replaced by quorum queues.

RabbitMQ never changes a queue's type: declaring a lane with the quorum arguments over a
classic queue of the same name closes the channel with 406. Every process that declares lanes
calls :func:`upgrade_lanes` first. A classic lane that is empty and unused is deleted and
declared again as a quorum queue, which loses nothing. One that still holds messages, or that
an earlier worker still consumes, stops start-up with what to do: stop the receivers, let the
earlier workers drain the lanes, stop them, then start this version. Dead-letter queues keep
their type and their contents.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingConnection

from queues.errors import LaneUpgradeNeeded, QueueError
from queues.lanes import Lane
from queues.topology import lane_queues, ready_arguments

__all__ = ["check_lanes", "upgrade_lanes"]

logger = logging.getLogger(__name__)

_PRECONDITION_FAILED = 406


def upgrade_lanes(url: str, namespace: str, lanes: Iterable[Lane]) -> list[str]:
    """Declare the ready and delay queues of ``lanes`` as quorum queues, replacing each one
    RabbitMQ still holds as an empty, unused classic queue. Returns the queues replaced.

    Raises:
        LaneUpgradeNeeded: a classic lane still holds messages or has consumers.
        QueueError: RabbitMQ cannot be reached, or refused a declaration for another reason.
    """
    try:
        connection = pika.BlockingConnection(pika.URLParameters(url))
    except pika.exceptions.AMQPError as exc:
        raise QueueError(f"RabbitMQ is unreachable: {exc!r}") from exc
    try:
        return [name for lane in lanes for name in _upgrade(connection, namespace, lane)]
    except pika.exceptions.AMQPError as exc:
        raise QueueError(f"could not declare the lanes: {exc!r}") from exc
    finally:
        if connection.is_open:
            connection.close()


def check_lanes(url: str, namespace: str, lanes: Iterable[Lane] = tuple(Lane)) -> None:
    """:func:`upgrade_lanes` for an entry point, before it starts serving: a RabbitMQ that
    cannot be reached yet is left to the process, which waits for it.

    Raises:
        LaneUpgradeNeeded: a lane is still an earlier Weir's classic queue with work in it.
    """
    try:
        upgrade_lanes(url, namespace, lanes)
    except QueueError as exc:
        logger.warning("Could not check the lanes at start-up: %s", exc)


def _upgrade(connection: BlockingConnection, namespace: str, lane: Lane) -> list[str]:
    queues = lane_queues(namespace, lane)
    arguments = ready_arguments(queues.ready)
    return [name for name in (queues.ready, queues.delayed) if _replace_if_classic(connection, name, arguments)]


def _replace_if_classic(connection: BlockingConnection, name: str, arguments: dict[str, object]) -> bool:
    try:
        connection.channel().queue_declare(name, durable=True, arguments=arguments)
        return False
    except pika.exceptions.ChannelClosedByBroker as exc:
        # RabbitMQ names the first argument that differs: the earlier lanes' x-queue-mode or,
        # on a classic queue declared without it, x-queue-type.
        if exc.reply_code != _PRECONDITION_FAILED or "inequivalent arg 'x-queue-" not in exc.reply_text:
            raise
    channel = connection.channel()
    existing = channel.queue_declare(name, passive=True).method
    if existing.message_count or existing.consumer_count:
        raise LaneUpgradeNeeded(
            f"lane queue {name} is still a classic queue from an earlier Weir, with "
            f"{existing.message_count} message(s) and {existing.consumer_count} consumer(s); Weir's lanes "
            "are quorum queues now. Stop the receivers, let the earlier workers drain the lanes, stop "
            "them, then start this version: it replaces empty lanes itself."
        )
    # if_empty and if_unused: a message or a consumer arriving since the check keeps the queue.
    channel.queue_delete(name, if_unused=True, if_empty=True)
    channel.queue_declare(name, durable=True, arguments=arguments)
    channel.close()
    logger.warning("Replaced the empty classic lane queue %s with a quorum queue.", name)
    return True
