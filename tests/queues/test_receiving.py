"""Bursts of arriving messages handed to middleware, on the real RabbitMQ."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import dramatiq
from dramatiq import Broker, Middleware, Worker
from dramatiq.broker import Consumer, MessageProxy
from dramatiq.message import Message

from queues.broker import build_broker
from queues.lanes import Lane
from queues.receiving import ReceivingConsumer
from queues.topology import lane_queues
from tests.support.rabbit import RABBITMQ_URL

COUNT = 40


class Recorder(Middleware):
    """Notes each burst and each message processed, in the order they happen."""

    def __init__(self, *, fail: bool = False) -> None:
        self.events: list[tuple[str, str]] = []
        self.bursts: list[int] = []
        self.done = threading.Event()
        self._fail = fail
        self._lock = threading.Lock()

    def after_receive_messages(self, broker: Broker, messages: Sequence[MessageProxy]) -> None:
        with self._lock:
            self.bursts.append(len(messages))
            self.events.extend(("received", message.message_id) for message in messages)
        if self._fail:
            raise RuntimeError("a hook that fails")

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        with self._lock:
            self.events.append(("processed", message.message_id))
            if sum(kind == "processed" for kind, _ in self.events) == COUNT:
                self.done.set()


def run(namespace: str, recorder: Recorder) -> None:
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[recorder], lanes=[Lane.CRITICAL])
    queue = lane_queues(namespace, Lane.CRITICAL).ready
    noop = dramatiq.actor(actor_name="noop", queue_name=queue, broker=broker)(lambda number: None)
    for number in range(COUNT):
        noop.send(number)
    worker = Worker(broker, worker_threads=4, worker_timeout=100)
    worker.start()
    try:
        assert recorder.done.wait(30), "the messages were not all processed"
    finally:
        worker.stop()
        broker.close()


def test_every_message_is_handed_over_on_arrival_before_it_is_processed(namespace: str) -> None:
    recorder = Recorder()

    run(namespace, recorder)

    received = [message_id for kind, message_id in recorder.events if kind == "received"]
    assert len(received) == len(set(received)) == COUNT
    for message_id in received:
        assert recorder.events.index(("received", message_id)) < recorder.events.index(("processed", message_id))
    assert max(recorder.bursts) > 1


def test_a_hook_that_fails_does_not_stop_the_messages(namespace: str) -> None:
    recorder = Recorder(fail=True)

    run(namespace, recorder)

    assert recorder.done.is_set()


class Inner(Consumer):
    """Pure logic of the wrapper: an inner consumer with three messages already read."""

    def __init__(self, messages: list[MessageProxy]) -> None:
        self.messages = messages
        self.closed = False
        self.channel = self

    def get_waiting_message_count(self) -> int:
        return len(self.messages)

    def __next__(self) -> MessageProxy | None:
        return self.messages.pop(0) if self.messages else None

    def close(self) -> None:
        self.closed = True


def message(number: int, **options: Any) -> MessageProxy:
    return MessageProxy(Message(queue_name="q", actor_name="a", args=(number,), kwargs={}, options=options))


def test_a_closing_consumer_drops_what_it_had_not_handed_on_and_delayed_messages_are_not_handed_over() -> None:
    recorder = Recorder()
    # The wrapper needs no more of its broker than the middleware list.
    owner = type("Owner", (), {"middleware": [recorder]})()
    first, delayed, third = message(1), message(2, eta=1), message(3)
    dropped: list[MessageProxy] = []
    recorder.after_drop_messages = lambda _, messages: dropped.extend(messages)  # type: ignore[attr-defined]
    inner = Inner([first, delayed, third])
    consumer = ReceivingConsumer(inner, owner, burst=16)

    assert next(consumer) is first
    consumer.close()

    assert recorder.bursts == [2]
    assert dropped == [delayed, third]
    assert inner.closed
