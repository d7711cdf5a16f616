"""Lanes an earlier Weir declared as classic queues, met by this one on the real RabbitMQ."""

from __future__ import annotations

from collections.abc import Iterator

import pika
import pika.exceptions
import pytest
from pika.adapters.blocking_connection import BlockingChannel

from queues.errors import LaneUpgradeNeeded
from queues.lanes import Lane
from queues.topology import DEAD_LETTER_ARGUMENTS, lane_queues, quarantine_queue, ready_arguments
from queues.upgrade import upgrade_lanes, upgrade_queues
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe

#: How Weir declared its lanes before they were quorum queues (classic, the default type).
EARLIER = {"x-queue-mode": "lazy", "x-dead-letter-exchange": ""}


@pytest.fixture
def channel() -> Iterator[BlockingChannel]:
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        yield connection.channel()
    finally:
        connection.close()


def declare_earlier_lane(
    channel: BlockingChannel, namespace: str, lane: Lane, earlier: dict[str, str] = EARLIER
) -> None:
    queues = lane_queues(namespace, lane)
    for name in (queues.ready, queues.delayed):
        channel.queue_declare(name, durable=True, arguments={**earlier, "x-dead-letter-routing-key": queues.dead})


def is_quorum(name: str) -> bool:
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        connection.channel().queue_declare(name, durable=True, arguments=ready_arguments(name))
        return True
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        if connection.is_open:
            connection.close()


def test_new_lanes_are_declared_as_quorum_queues_and_nothing_is_replaced(namespace: str) -> None:
    assert upgrade_lanes(RABBITMQ_URL, namespace, [Lane.CRITICAL]) == []

    assert is_quorum(lane_queues(namespace, Lane.CRITICAL).ready)


@pytest.mark.parametrize("earlier", [EARLIER, {"x-dead-letter-exchange": ""}], ids=["lazy", "default mode"])
def test_an_empty_classic_lane_is_replaced_by_a_quorum_queue(
    channel: BlockingChannel, namespace: str, earlier: dict[str, str]
) -> None:
    declare_earlier_lane(channel, namespace, Lane.STANDARD, earlier)
    queues = lane_queues(namespace, Lane.STANDARD)

    replaced = upgrade_lanes(RABBITMQ_URL, namespace, [Lane.STANDARD])

    assert replaced == [queues.ready, queues.delayed]
    assert is_quorum(queues.ready) and is_quorum(queues.delayed)


def test_a_classic_lane_holding_messages_stops_start_up_and_keeps_them(
    channel: BlockingChannel, namespace: str, rabbit: RabbitProbe
) -> None:
    declare_earlier_lane(channel, namespace, Lane.CRITICAL)
    ready = lane_queues(namespace, Lane.CRITICAL).ready
    channel.basic_publish("", ready, b'{"order": 1}', pika.BasicProperties(delivery_mode=2))

    with pytest.raises(LaneUpgradeNeeded, match=rf"{ready} is still a classic queue .* 1 message\(s\)"):
        upgrade_lanes(RABBITMQ_URL, namespace, [Lane.CRITICAL])

    assert rabbit.count(ready) == 1


def test_a_classic_lane_with_a_consumer_is_left_to_it(channel: BlockingChannel, namespace: str) -> None:
    declare_earlier_lane(channel, namespace, Lane.BULK)
    channel.basic_consume(lane_queues(namespace, Lane.BULK).ready, lambda *args: None)

    with pytest.raises(LaneUpgradeNeeded, match="1 consumer"):
        upgrade_lanes(RABBITMQ_URL, namespace, [Lane.BULK])


def test_an_empty_classic_dead_letter_queue_is_replaced_by_a_quorum_queue(
    channel: BlockingChannel, namespace: str
) -> None:
    dead = lane_queues(namespace, Lane.CRITICAL).dead
    channel.queue_declare(dead, durable=True, arguments={"x-queue-mode": "lazy"})

    replaced = upgrade_lanes(RABBITMQ_URL, namespace, [Lane.CRITICAL])

    assert dead in replaced
    assert is_quorum_dead_letters(dead)


def test_a_classic_dead_letter_queue_holding_dead_letters_stops_start_up_and_keeps_them(
    channel: BlockingChannel, namespace: str, rabbit: RabbitProbe
) -> None:
    dead = lane_queues(namespace, Lane.BULK).dead
    channel.queue_declare(dead, durable=True, arguments={"x-queue-mode": "lazy"})
    channel.basic_publish("", dead, b'{"order": 1}', pika.BasicProperties(delivery_mode=2))

    with pytest.raises(LaneUpgradeNeeded, match=rf"dead-letter queue {dead} is still a classic .* Replay or purge"):
        upgrade_lanes(RABBITMQ_URL, namespace, [Lane.BULK])

    assert rabbit.count(dead) == 1


def test_an_empty_classic_quarantine_is_replaced_by_a_quorum_queue(channel: BlockingChannel, namespace: str) -> None:
    quarantine = quarantine_queue(namespace)
    channel.queue_declare(quarantine, durable=True, arguments={"x-queue-mode": "lazy"})

    assert upgrade_queues(RABBITMQ_URL, [(quarantine, DEAD_LETTER_ARGUMENTS)]) == [quarantine]
    assert is_quorum_dead_letters(quarantine)


def is_quorum_dead_letters(name: str) -> bool:
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        connection.channel().queue_declare(name, durable=True, arguments={"x-queue-type": "quorum"})
        return True
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        if connection.is_open:
            connection.close()
