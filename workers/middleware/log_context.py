"""Binds the ids of the event a worker thread processes, so its every log line carries them.

The ids come from the envelope the receiver wrote (correlation id, channel, event id), the queue
the message came from (lane) and the message (id); orders add their ERP reference
(``<channel>:<order id>``). The raw envelope is read, not validated: validating is the actor's
job, and a message that is no event still gets its message id and lane.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import Token
from typing import Any

from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy

from erp.adapter import sale_reference
from queues.topology import lane_of
from weir import log_context
from workers.middleware.deliveries import delivery_of

__all__ = ["LogContext"]


class LogContext(Middleware):
    """Binds :mod:`weir.log_context` ids for the duration of each message.

    Put it before the retry policy: after-hooks run in reverse, so the policy's retry and
    dead-letter lines are still written with the message's ids.
    """

    def __init__(self) -> None:
        self._tokens: dict[int, Token[Mapping[str, str]]] = {}

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        self._tokens[delivery_of(message)] = log_context.bind(**ids_of(message))

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        self._unbind(message)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        self._unbind(message)

    def _unbind(self, message: MessageProxy) -> None:
        token = self._tokens.pop(delivery_of(message), None)
        if token is not None:
            log_context.unbind(token)


def ids_of(message: MessageProxy) -> dict[str, str | None]:
    """The log context ids of ``message``: those its envelope names, its lane and its id."""
    lane = lane_of(message.queue_name)
    envelope = message.args[0] if message.args and isinstance(message.args[0], dict) else {}
    channel, entity_id = envelope.get("channel"), envelope.get("entity_id")
    is_order = envelope.get("entity_type") == "order" and channel and entity_id
    return {
        "correlation_id": envelope.get("correlation_id"),
        "channel": channel,
        "event_id": envelope.get("event_id"),
        "erp_reference": sale_reference(str(channel), str(entity_id)) if is_order else None,
        "lane": lane.value if lane is not None else envelope.get("lane"),
        "message_id": message.message_id,
    }
