"""One SQS queue through boto3, with an asyncio face and boto3's errors wrapped.

boto3 blocks, so each call runs in a daemon thread of its own: a long poll (up to 20 s) still
waiting when the process stops must not hold its exit. Messages received by a poll that is
abandoned that way are not lost: SQS delivers them again after the visibility timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from channels.amazon import AmazonOptions
from receivers.sqs.errors import QueueUnavailable
from weir.errors import ConfigError

__all__ = ["SqsMessage", "SqsQueue"]

T = TypeVar("T")

#: SQS's own limit on messages per receive and per batch delete.
MAX_BATCH = 10

_REGION_IN_URL = re.compile(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com/")


@dataclass(frozen=True, slots=True)
class SqsMessage:
    """A received message: its SQS id, the handle that deletes it, and its body."""

    message_id: str
    receipt_handle: str
    body: bytes


class SqsQueue:
    """The queue an Amazon channel's ``options`` name.

    Raises:
        ConfigError: no AWS region is given, in the options, the queue's URL or the environment.
    """

    def __init__(self, options: AmazonOptions) -> None:
        self.url = options.queue_url
        self._wait_seconds = options.wait_seconds
        region = options.region or _region_in(options.queue_url)
        # The read timeout must outlast the long poll, or every empty poll would be an error.
        config = Config(connect_timeout=5, read_timeout=options.wait_seconds + 10, retries={"mode": "standard"})
        try:
            self._client = boto3.session.Session().client(
                "sqs", region_name=region, endpoint_url=options.endpoint_url, config=config
            )
        except BotoCoreError as exc:
            raise ConfigError(f"SQS queue {self.url}: {exc} (set the channel's options.region)") from None

    async def receive(self) -> list[SqsMessage]:
        """Up to 10 messages, waiting up to the options' ``wait_seconds`` for the first.

        Raises:
            QueueUnavailable: SQS could not be reached or refused the call.
        """
        answer = await _in_daemon_thread(self._receive)
        return [_message(raw) for raw in answer.get("Messages", [])]

    async def delete(self, messages: Sequence[SqsMessage]) -> list[str]:
        """Delete ``messages`` (at most 10); return the ids of those SQS failed to delete.

        Raises:
            QueueUnavailable: SQS could not be reached or refused the call.
        """
        if len(messages) > MAX_BATCH:
            raise ValueError(f"SQS deletes at most {MAX_BATCH} messages at once")
        if not messages:
            return []
        entries = [{"Id": str(index), "ReceiptHandle": m.receipt_handle} for index, m in enumerate(messages)]
        answer = await _in_daemon_thread(lambda: self._client.delete_message_batch(QueueUrl=self.url, Entries=entries))
        return [messages[int(failure["Id"])].message_id for failure in answer.get("Failed", [])]

    def _receive(self) -> Any:
        return self._client.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=MAX_BATCH, WaitTimeSeconds=self._wait_seconds
        )


def _region_in(url: str) -> str | None:
    match = _REGION_IN_URL.match(url)
    return match.group(1) if match else None


def _message(raw: dict[str, Any]) -> SqsMessage:
    return SqsMessage(str(raw["MessageId"]), str(raw["ReceiptHandle"]), str(raw.get("Body", "")).encode("utf-8"))


async def _in_daemon_thread(call: Callable[[], T]) -> T:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def run() -> None:
        try:
            result = call()
        except (BotoCoreError, ClientError) as exc:
            _hand_back(loop, _reject, done, QueueUnavailable(f"SQS: {exc}"))
        except Exception as exc:  # a bug: the caller must see it rather than wait forever
            _hand_back(loop, _reject, done, exc)
        else:
            _hand_back(loop, _resolve, done, result)

    threading.Thread(target=run, name="sqs-call", daemon=True).start()
    return await done


def _hand_back(
    loop: asyncio.AbstractEventLoop,
    settle: Callable[[asyncio.Future[T], Any], None],
    done: asyncio.Future[T],
    value: Any,
) -> None:
    # The loop is closed when the process stopped while the call ran: nobody waits any more.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(settle, done, value)


def _resolve(done: asyncio.Future[T], result: T) -> None:
    if not done.done():
        done.set_result(result)


def _reject(done: asyncio.Future[T], error: BaseException) -> None:
    if not done.done():
        done.set_exception(error)
