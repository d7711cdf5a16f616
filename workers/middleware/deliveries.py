"""Which delivery of a message a hook is about, for middleware that carry state from a message's
before-hook to its after-hook.

A message id is not enough: two deliveries of one message can be in one process at once (RabbitMQ
redelivers a message whose consumer lost its connection while the first delivery still runs; a
publisher re-sends one it saw no confirm for). The after-hooks of one must not take the state of
the other: a redelivery deferred because its entity is busy would release the entity lock of the
delivery that runs, and take away the version mark it is to raise. Dramatiq hands every hook of
one delivery the same :class:`~dramatiq.broker.MessageProxy`, alive until its last hook ran.
"""

from __future__ import annotations

from dramatiq.broker import MessageProxy

__all__ = ["delivery_of"]


def delivery_of(message: MessageProxy) -> int:
    """A key for this delivery of ``message``, unique among the deliveries being processed."""
    return id(message)
