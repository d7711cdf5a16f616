"""Blocking connections to RabbitMQ: to the one node of ``WEIR_BROKER_URL`` or, when it lists
several (a cluster), to the first of them that answers.

Every blocking connection Weir opens (Dramatiq's, on-call's, the lane upgrade's) is built from
:func:`pika_parameters`; the receivers' asyncio publisher reads the same list
(:mod:`queues.publisher`). Connecting walks the list in order, so each host lists its own node
first and fails over to the others.
"""

from __future__ import annotations

import pika
from pika.adapters.blocking_connection import BlockingConnection

from queues.settings import split_urls

__all__ = ["blocking_connection", "pika_parameters"]

#: Seconds a blocking connection waits on a node's TCP connect and handshake, so a node that
#: vanished without a reset does not hold a fail-over up for pika's 10 s default.
CONNECT_TIMEOUT_SECONDS = 5.0


def pika_parameters(url: str) -> list[pika.URLParameters]:
    """pika's parameters for each node of ``url`` (one URL or several separated by commas),
    each tried once, in order."""
    parameters = []
    for node in split_urls(url):
        node_parameters = pika.URLParameters(node)
        # The URL's own query (``?socket_timeout=...``) wins over these defaults.
        if "connection_attempts=" not in node:
            node_parameters.connection_attempts = 1
        if "socket_timeout=" not in node:
            node_parameters.socket_timeout = CONNECT_TIMEOUT_SECONDS
        if "stack_timeout=" not in node:
            node_parameters.stack_timeout = CONNECT_TIMEOUT_SECONDS
        parameters.append(node_parameters)
    return parameters


def blocking_connection(url: str) -> BlockingConnection:
    """A connection to the first node of ``url`` that accepts one.

    Raises:
        pika.exceptions.AMQPConnectionError: no node accepted (the last node's reason).
    """
    return pika.BlockingConnection(pika_parameters(url))
