"""Blocking connections to a RabbitMQ cluster: the first node that answers, in the order given."""

from __future__ import annotations

import pika.exceptions
import pytest

from queues.nodes import blocking_connection, pika_parameters
from tests.support.net import free_port
from tests.support.rabbit import RABBITMQ_URL


def test_one_url_is_one_node() -> None:
    assert [parameters.port for parameters in pika_parameters(RABBITMQ_URL)] == [5672]


def test_several_urls_are_tried_in_the_order_given() -> None:
    nodes = "amqp://guest:guest@10.0.0.1:5672/%2F, amqp://guest:guest@10.0.0.2:5673/%2F"

    assert [(p.host, p.port) for p in pika_parameters(nodes)] == [("10.0.0.1", 5672), ("10.0.0.2", 5673)]


def test_a_connection_skips_a_node_that_is_down() -> None:
    down = f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F"

    connection = blocking_connection(f"{down},{RABBITMQ_URL}")
    try:
        assert connection.is_open
    finally:
        connection.close()


def test_no_node_answering_raises_pikas_connection_error() -> None:
    down = ",".join(f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F" for _ in range(2))

    with pytest.raises(pika.exceptions.AMQPConnectionError):
        blocking_connection(down)
