"""The lanes' broker, on the real RabbitMQ."""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pika
import pika.exceptions
import pytest
from dramatiq.errors import ConnectionClosed
from dramatiq.message import Message

from queues.broker import build_broker
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe


def test_what_the_broker_is_handed_to_close_is_closed_after_it_in_order(namespace: str) -> None:
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[], lanes=[Lane.CRITICAL])
    closed: list[str] = []
    broker.close_with(lambda: closed.append("erp"), lambda: closed.append("redis"))

    broker.close()
    broker.close()

    assert closed == ["erp", "redis"]


def test_an_enqueue_returns_once_the_message_is_in_its_queue_and_a_delay_goes_to_the_delay_queue(
    namespace: str, rabbit: RabbitProbe
) -> None:
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[], lanes=[Lane.CRITICAL])
    queues = lane_queues(namespace, Lane.CRITICAL)
    try:
        broker.enqueue(Message(queues.ready, "act", (1,), {}, {}))
        delayed = broker.enqueue(Message(queues.ready, "act", (2,), {}, {}), delay=60_000)
    finally:
        broker.close()

    assert [body["args"] for body in rabbit.messages(queues.ready)] == [[1]]
    [waiting] = rabbit.messages(queues.delayed)
    assert waiting["args"] == [2]
    assert waiting["queue_name"] == queues.delayed == delayed.queue_name
    assert waiting["options"]["eta"] == delayed.options["eta"]


def test_threads_enqueue_at_once_and_every_message_lands(namespace: str, rabbit: RabbitProbe) -> None:
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[], lanes=[Lane.BULK])
    queue = lane_queues(namespace, Lane.BULK).ready

    def enqueue_many(thread: int) -> None:
        for number in range(50):
            broker.enqueue(Message(queue, "act", (thread, number), {}, {}))

    threads = [threading.Thread(target=enqueue_many, args=(thread,)) for thread in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        broker.close()

    assert rabbit.count(queue) == 400


def test_a_thread_idle_longer_than_rabbitmqs_heartbeat_timeout_enqueues_without_a_reset(
    namespace: str, rabbit: RabbitProbe, caplog: pytest.LogCaptureFixture
) -> None:
    # A one-second heartbeat: RabbitMQ drops a connection silent for two of them.
    url = f"{RABBITMQ_URL}?heartbeat=1"
    broker = build_broker(url, namespace, middleware=[], lanes=[Lane.CRITICAL])
    queue = lane_queues(namespace, Lane.CRITICAL).ready
    worker = ThreadPoolExecutor(max_workers=1)
    try:
        worker.submit(broker.enqueue, Message(queue, "act", ("before",), {}, {})).result()
        _wait_until_rabbitmq_drops_a_silent_connection(url)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            worker.submit(broker.enqueue, Message(queue, "act", ("after",), {}, {})).result()
    finally:
        worker.shutdown()
        broker.close()

    assert [body["args"] for body in rabbit.messages(queue)] == [["before"], ["after"]]
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []


def test_an_enqueue_rabbitmq_cannot_confirm_raises_dramatiqs_connection_closed(namespace: str) -> None:
    proxy = TcpProxy("127.0.0.1", 5672)
    port = proxy.start()
    broker = build_broker(f"amqp://guest:guest@127.0.0.1:{port}/%2F", namespace, middleware=[], lanes=[Lane.CRITICAL])
    queue = lane_queues(namespace, Lane.CRITICAL).ready
    try:
        broker.enqueue(Message(queue, "act", (), {}, {}))
        proxy.cut()
        with pytest.raises(ConnectionClosed):
            broker.enqueue(Message(queue, "act", (), {}, {}))
    finally:
        broker.close()
        proxy.stop()


def _wait_until_rabbitmq_drops_a_silent_connection(url: str) -> None:
    """Open a connection with ``url``'s heartbeat, then read its socket without ever answering
    until RabbitMQ closes it: by then it would have closed any other silent connection too."""
    silent = pika.BlockingConnection(pika.URLParameters(url))
    sock = silent._impl._transport._sock  # read beneath pika, so pika sends no heartbeat
    sock.settimeout(30)
    with contextlib.suppress(ConnectionResetError):
        while sock.recv(4096):
            pass
    # Now let pika see the end, so it closes what it holds.
    sock.setblocking(False)
    with contextlib.suppress(pika.exceptions.AMQPError):
        silent.process_data_events(0)
    assert silent.is_closed
