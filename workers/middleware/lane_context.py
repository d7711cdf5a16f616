"""Tells the code an actor calls which lane its message came from (the ERP's gate needs it)."""

from __future__ import annotations

from contextvars import Token
from typing import Any

from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy

from queues.topology import lane_of
from workers.erp_gate import current_lane
from workers.middleware.deliveries import delivery_of

__all__ = ["LaneContext"]


class LaneContext(Middleware):
    """Sets :data:`~workers.erp_gate.current_lane` for the duration of each message."""

    def __init__(self) -> None:
        self._tokens: dict[int, Token[Any]] = {}

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        lane = lane_of(message.queue_name)
        if lane is not None:
            self._tokens[delivery_of(message)] = current_lane.set(lane)

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        self._reset(message)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        self._reset(message)

    def _reset(self, message: MessageProxy) -> None:
        token = self._tokens.pop(delivery_of(message), None)
        if token is not None:
            current_lane.reset(token)
