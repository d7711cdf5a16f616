"""Queues: the lanes, their RabbitMQ topology, the event message format and how to publish it."""

from queues.errors import PublishFailed, QueueError
from queues.lanes import Lane
from queues.message import EVENT_ACTOR, encode_event, envelope_of, event_message
from queues.routing import LaneRouter
from queues.topology import LaneQueues, lane_queues

__all__ = [
    "EVENT_ACTOR",
    "Lane",
    "LaneQueues",
    "LaneRouter",
    "PublishFailed",
    "QueueError",
    "encode_event",
    "envelope_of",
    "event_message",
    "lane_queues",
]
