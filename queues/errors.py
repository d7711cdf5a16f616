"""Errors of the path from a receiver into RabbitMQ.

QueueError
└── PublishFailed   RabbitMQ did not confirm the message (down, nack, timeout, unroutable)
ConfigError
└── LaneUpgradeNeeded   a lane is still an earlier Weir's classic queue with work in it
"""

from __future__ import annotations

from weir.errors import ConfigError, WeirError

__all__ = ["LaneUpgradeNeeded", "PublishFailed", "QueueError"]


class QueueError(WeirError):
    """The broker could not do what was asked."""


class PublishFailed(QueueError):
    """RabbitMQ did not confirm a message; it may or may not hold it, so the sender must retry."""


class LaneUpgradeNeeded(ConfigError):
    """A lane RabbitMQ holds as a classic queue still has messages or consumers, so it cannot be
    replaced by a quorum queue yet; the process must not start (the message says what to do)."""
