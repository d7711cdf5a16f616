"""Errors of the path from a receiver into RabbitMQ.

QueueError
└── PublishFailed   RabbitMQ did not confirm the message (down, nack, timeout, unroutable)
"""

from __future__ import annotations

from weir.errors import WeirError

__all__ = ["PublishFailed", "QueueError"]


class QueueError(WeirError):
    """The broker could not do what was asked."""


class PublishFailed(QueueError):
    """RabbitMQ did not confirm a message; it may or may not hold it, so the sender must retry."""
