"""A consumer's acknowledgements gathered into few frames: the pure logic, then on the real RabbitMQ."""

from __future__ import annotations

import threading
from collections.abc import Callable

import dramatiq
import pytest
from dramatiq.broker import MessageProxy

from queues.acks import ChannelAcks
from queues.broker import build_broker
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe

Frame = tuple[str, int, bool]


class Channel:
    """Records the frames written, and which of them waited to leave."""

    def __init__(self, frames: list[Frame], *, flushed: bool) -> None:
        self.frames = frames
        self.flushed = flushed

    def basic_ack(self, delivery_tag: int = 0, multiple: bool = False) -> None:
        self.frames.append(("ack" if self.flushed else "ack, unflushed", delivery_tag, multiple))

    def basic_nack(self, delivery_tag: int = 0, multiple: bool = False, requeue: bool = True) -> None:
        assert not requeue
        self.frames.append(("nack" if self.flushed else "nack, unflushed", delivery_tag, multiple))


class Owner:
    """The channel's thread: runs scheduled callbacks when told to."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []
        self.callbacks: list[Callable[[], None]] = []
        self.acks = ChannelAcks(
            Channel(self.frames, flushed=True),
            self.callbacks.append,
            unflushed=Channel(self.frames, flushed=False),
        )
        self.messages: dict[int, object] = {}

    def deliver(self, *tags: int) -> None:
        for tag in tags:
            self.messages[tag] = object()
            self.acks.delivered(tag, self.messages[tag])

    def ack(self, *tags: int) -> None:
        for tag in tags:
            assert self.acks.ack(tag, self.messages[tag])

    def run_callbacks(self) -> list[Frame]:
        callbacks, self.callbacks[:] = list(self.callbacks), []
        for callback in callbacks:
            callback()
        frames, self.frames[:] = list(self.frames), []
        return frames


def test_acks_settled_together_in_delivery_order_leave_as_one_multiple_ack() -> None:
    owner = Owner()
    owner.deliver(1, 2, 3, 4)

    owner.ack(2, 1, 4, 3)

    assert owner.run_callbacks() == [("ack", 4, True)]


def test_an_ack_behind_an_open_delivery_leaves_alone_and_is_not_sent_twice() -> None:
    owner = Owner()
    owner.deliver(1, 2, 3)

    owner.ack(2, 3)
    assert owner.run_callbacks() == [("ack, unflushed", 2, False), ("ack", 3, False)]
    owner.ack(1)
    assert owner.run_callbacks() == [("ack", 1, True)]

    owner.deliver(4)
    owner.ack(4)
    assert owner.run_callbacks() == [("ack", 4, True)]


def test_nacks_go_first_and_a_multiple_ack_never_covers_an_open_delivery() -> None:
    owner = Owner()
    owner.deliver(1, 2, 3, 4)

    assert owner.acks.nack(1, owner.messages[1])
    owner.ack(2, 4)

    assert owner.run_callbacks() == [("nack, unflushed", 1, False), ("ack, unflushed", 2, True), ("ack", 4, False)]


def test_a_delivery_the_consumer_settled_itself_is_not_covered_until_its_own_frame_has_left() -> None:
    owner = Owner()
    owner.deliver(1)
    owner.ack(1)  # schedules a send before the consumer's own nack of delivery 2
    owner.deliver(3)  # 2 was skipped: Dramatiq nacked it, in a callback scheduled now
    owner.ack(3)

    first, skipped = owner.callbacks
    first()
    assert owner.frames == [("ack, unflushed", 1, True), ("ack", 3, False)]
    skipped()
    owner.deliver(4)
    owner.ack(4)
    assert owner.run_callbacks()[-1:] == [("ack", 4, True)]


def test_an_ack_for_a_message_that_is_not_open_on_this_channel_is_refused() -> None:
    owner = Owner()
    owner.deliver(1)

    assert not owner.acks.ack(1, object())  # the same tag on an earlier channel
    owner.ack(1)
    assert not owner.acks.ack(1, owner.messages[1])
    assert owner.run_callbacks() == [("ack", 1, True)]


def test_a_send_that_could_not_be_scheduled_is_scheduled_by_the_next_ack() -> None:
    failing = ChannelAcks(Channel([], flushed=True), _closed_connection)
    first, second = object(), object()
    failing.delivered(1, first)
    failing.delivered(2, second)

    with pytest.raises(ConnectionError):
        failing.ack(1, first)
    with pytest.raises(ConnectionError):
        failing.ack(2, second)  # not silently queued behind a send that never was


def _closed_connection(callback: Callable[[], None]) -> None:
    raise ConnectionError("closed")


COUNT = 20


def test_on_rabbitmq_settled_messages_leave_the_queue_and_the_open_one_comes_back(
    namespace: str, rabbit: RabbitProbe
) -> None:
    queues = lane_queues(namespace, Lane.BULK)
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[], lanes=[Lane.BULK])
    noop = dramatiq.actor(actor_name="noop", queue_name=queues.ready, broker=broker)(lambda number: None)
    for number in range(COUNT):
        noop.send(number)
    consumer = broker.consume(queues.ready, prefetch=COUNT, timeout=100)
    messages = _take(consumer, COUNT)

    workers = [threading.Thread(target=_settle, args=(consumer, message)) for message in messages[1:]]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert next(consumer) is None  # the consumer's thread sends what the workers settled
    consumer.close()
    broker.close()

    assert rabbit.count(queues.dead) == 1  # message 1 was nacked
    left = rabbit.messages(queues.ready)
    assert [message["args"] for message in left] == [[messages[0].args[0]]]


def _take(consumer: object, count: int) -> list[MessageProxy]:
    taken: list[MessageProxy] = []
    while len(taken) < count:
        message = next(consumer)  # type: ignore[call-overload]
        if message is not None:
            taken.append(message)
    return taken


def _settle(consumer: object, message: MessageProxy) -> None:
    if message.args[0] == 1:
        consumer.nack(message)  # type: ignore[attr-defined]
    else:
        consumer.ack(message)  # type: ignore[attr-defined]
