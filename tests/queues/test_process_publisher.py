"""One publishing connection per process, used from any thread."""

from __future__ import annotations

import threading

import pytest

from queues.amqp import ConnectionSettings
from queues.lanes import Lane
from queues.process_publisher import ProcessPublisher
from queues.publisher import ConfirmedPublisher
from queues.topology import lane_queues
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe


def publisher_for(namespace: str) -> ProcessPublisher:
    lanes = [lane_queues(namespace, lane) for lane in Lane]
    return ProcessPublisher(lambda: ConfirmedPublisher(RABBITMQ_URL, lanes, connect_timeout=5))


def test_a_closed_publisher_starts_again_on_the_next_publish(namespace: str, rabbit: RabbitProbe) -> None:
    publisher = publisher_for(namespace)
    queue = lane_queues(namespace, Lane.CRITICAL).ready

    publisher.publish(queue, b"{}", message_id="first")
    publisher.close()
    publisher.publish(queue, b"{}", message_id="second")
    publisher.close()

    assert rabbit.count(queue) == 2
    assert not [thread for thread in threading.enumerate() if thread.name == "weir-publisher"]


def test_the_url_sets_the_heartbeat_as_pika_reads_it() -> None:
    assert ConnectionSettings.from_url("amqp://guest:guest@rabbit:5672/%2F?heartbeat=5").heartbeat_seconds == 5
    assert ConnectionSettings.from_url("amqp://guest:guest@rabbit:5672/%2F").heartbeat_seconds == 30
    with pytest.raises(ValueError):
        ConnectionSettings.from_url("amqp://rabbit/%2F?heartbeat=often")
