"""Moves one Amazon channel's notifications from its SQS queue into the lanes.

Each message goes through the same :class:`~receivers.intake.Intake` as a webhook. A message is
deleted from SQS only once the intake accepted it (RabbitMQ confirmed it) or recognised it as a
duplicate. Any other outcome leaves it on the queue for SQS to deliver again after the queue's
visibility timeout: RabbitMQ or Redis unavailable, the same notification being enqueued right now,
or a body the intake cannot read. The last kind comes back until the queue's redrive policy moves
it to its dead-letter queue (configure one), so nothing Amazon sends is dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from receivers.errors import MalformedRequest, ReceiverError
from receivers.intake import Intake
from receivers.sqs.errors import QueueUnavailable
from receivers.sqs.queue import SqsMessage, SqsQueue

__all__ = ["SqsPoller"]

logger = logging.getLogger(__name__)


class SqsPoller:
    """Polls ``queue`` for the channel ``channel`` and hands each message to ``intake``.

    While SQS is unreachable, polls back off exponentially up to ``max_backoff_seconds``.
    """

    def __init__(self, channel: str, queue: SqsQueue, intake: Intake, *, max_backoff_seconds: float = 60.0) -> None:
        if max_backoff_seconds <= 0:
            raise ValueError("max_backoff_seconds must be positive")
        self._channel = channel
        self._queue = queue
        self._intake = intake
        self._max_backoff = max_backoff_seconds

    async def poll_once(self) -> int:
        """Receive one batch, enqueue it, delete what was enqueued; return how many were deleted.

        Raises:
            QueueUnavailable: SQS could not be read. (A failed delete is only logged: the
                message comes back and is then a duplicate, deleted that time.)
        """
        messages = await self._queue.receive()
        outcomes = await asyncio.gather(*(self._take(message) for message in messages))
        taken = [message for message, ok in zip(messages, outcomes, strict=True) if ok]
        try:
            failed = await self._queue.delete(taken)
        except QueueUnavailable as exc:
            logger.warning("Could not delete %d enqueued messages from %s: %s", len(taken), self._queue.url, exc)
            return 0
        for message_id in failed:
            logger.warning(
                "SQS did not delete message %s from %s; it will be a duplicate.", message_id, self._queue.url
            )
        return len(taken) - len(failed)

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll until ``stopping`` is set, backing off while SQS is unreachable."""
        failures = 0
        while not stopping.is_set():
            try:
                await self.poll_once()
            except QueueUnavailable as exc:
                failures += 1
                self._log_failure(failures, exc)
                await _wait(stopping, min(2.0 ** (failures - 1), self._max_backoff))
                continue
            except Exception:
                # A bug must not stop the other channels' polls; the messages stay in SQS.
                failures += 1
                logger.exception("Polling SQS queue %s of %s failed unexpectedly.", self._queue.url, self._channel)
                await _wait(stopping, min(2.0 ** (failures - 1), self._max_backoff))
                continue
            if failures:
                logger.info("SQS queue %s of %s answers again.", self._queue.url, self._channel)
            failures = 0

    async def _take(self, message: SqsMessage) -> bool:
        try:
            receipt = await self._intake.receive(self._channel, {}, message.body)
        except MalformedRequest as exc:
            logger.error(
                "SQS message %s on %s is unreadable and stays for redrive: %s", message.message_id, self._channel, exc
            )
            return False
        except ReceiverError as exc:
            logger.warning(
                "SQS message %s on %s was not enqueued; SQS will deliver it again: %s",
                message.message_id,
                self._channel,
                exc,
            )
            return False
        logger.info(
            "SQS message %s on %s is %s as event %s.",
            message.message_id,
            self._channel,
            receipt.status,
            receipt.event_id,
        )
        return True

    def _log_failure(self, failures: int, exc: QueueUnavailable) -> None:
        # One warning per outage: a local demo queue that is not running must not flood the log.
        level = logging.WARNING if failures == 1 else logging.DEBUG
        logger.log(
            level, "Cannot poll SQS queue %s of %s (retrying with backoff): %s", self._queue.url, self._channel, exc
        )


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)
