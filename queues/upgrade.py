"""Queues that an earlier Weir declared as classic queues, replaced by quorum queues.

RabbitMQ never changes a queue's type: declaring a queue with the quorum arguments over a
classic queue of the same name closes the channel with 406. Every process that declares lanes
calls :func:`upgrade_lanes` first; on-call does the same for the quarantine
(:func:`upgrade_queues`). A classic queue that is empty and unused is deleted and declared
again as a quorum queue, which loses nothing. One that still holds messages, or that an
earlier worker still consumes, stops start-up with what to do: for a lane, stop the receivers,
let the earlier workers drain the lanes, stop them, then start this version; for dead letters
and the quarantine, replay or purge them with the earlier version first (docs/oncall.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingConnection

from queues.errors import LaneUpgradeNeeded, QueueError
from queues.lanes import Lane
from queues.nodes import blocking_connection
from queues.topology import declarations, lane_of

__all__ = ["check_lanes", "upgrade_lanes", "upgrade_queues"]

logger = logging.getLogger(__name__)

_PRECONDITION_FAILED = 406


def upgrade_lanes(url: str, namespace: str, lanes: Iterable[Lane]) -> list[str]:
    """Declare the queues of ``lanes`` (dead letters, ready, delayed) as quorum queues,
    replacing each one RabbitMQ still holds as an empty, unused classic queue. Returns the
    queues replaced.

    Raises:
        LaneUpgradeNeeded: a classic queue still holds messages or has consumers.
        QueueError: RabbitMQ cannot be reached, or refused a declaration for another reason.
    """
    return upgrade_queues(url, [queue for lane in lanes for queue in declarations(namespace, lane)])


def upgrade_queues(url: str, queues: Iterable[tuple[str, dict[str, Any]]]) -> list[str]:
    """:func:`upgrade_lanes` for any queues, each given with the arguments it is declared with.

    Raises:
        LaneUpgradeNeeded: a classic queue still holds messages or has consumers.
        QueueError: RabbitMQ cannot be reached, or refused a declaration for another reason.
    """
    try:
        connection = blocking_connection(url)
    except pika.exceptions.AMQPError as exc:
        raise QueueError(f"RabbitMQ is unreachable: {exc!r}") from exc
    try:
        return [name for name, arguments in queues if _replace_if_classic(connection, name, arguments)]
    except pika.exceptions.AMQPError as exc:
        raise QueueError(f"could not declare the queues: {exc!r}") from exc
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


def _replace_if_classic(connection: BlockingConnection, name: str, arguments: dict[str, object]) -> bool:
    try:
        connection.channel().queue_declare(name, durable=True, arguments=arguments)
        return False
    except pika.exceptions.ChannelClosedByBroker as exc:
        # RabbitMQ names the first argument that differs: the earlier queues' x-queue-mode or,
        # on a classic queue declared without it, x-queue-type.
        if exc.reply_code != _PRECONDITION_FAILED or "inequivalent arg 'x-queue-" not in exc.reply_text:
            raise
    channel = connection.channel()
    existing = channel.queue_declare(name, passive=True).method
    if existing.message_count or existing.consumer_count:
        raise LaneUpgradeNeeded(
            f"{_kind(name)} {name} is still a classic queue from an earlier Weir, with "
            f"{existing.message_count} message(s) and {existing.consumer_count} consumer(s); Weir's queues "
            f"are quorum queues now. {_what_to_do(name)} This version replaces empty queues itself."
        )
    # if_empty and if_unused: a message or a consumer arriving since the check keeps the queue.
    channel.queue_delete(name, if_unused=True, if_empty=True)
    channel.queue_declare(name, durable=True, arguments=arguments)
    channel.close()
    logger.warning("Replaced the empty classic %s %s with a quorum queue.", _kind(name), name)
    return True


def _kind(name: str) -> str:
    return "lane queue" if lane_of(name) is not None and not name.endswith(".XQ") else "dead-letter queue"


def _what_to_do(name: str) -> str:
    if _kind(name) == "lane queue":
        return "Stop the receivers, let the earlier workers drain the lanes, stop them, then start this version."
    return (
        "Replay or purge its dead letters with the earlier version (docs/oncall.md), or move them aside "
        '(docs/multi-host.md, "Upgrading the dead letters"), then start this version.'
    )
