"""Looking into a (local) SQS queue from tests: send a message, count what is left."""

from __future__ import annotations

import boto3

__all__ = ["SqsProbe"]

_COUNTS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]


class SqsProbe:
    """A boto3 client on one queue, for test set-up and assertions (never the code under test)."""

    def __init__(self, endpoint: str, queue_url: str) -> None:
        self._client = boto3.client("sqs", endpoint_url=endpoint)
        self._url = queue_url

    def send(self, body: bytes) -> None:
        self._client.send_message(QueueUrl=self._url, MessageBody=body.decode())

    def counts(self) -> tuple[int, int]:
        """Messages on the queue: (waiting, in flight: received and not visible again yet)."""
        attributes = self._client.get_queue_attributes(QueueUrl=self._url, AttributeNames=_COUNTS)["Attributes"]
        return int(attributes[_COUNTS[0]]), int(attributes[_COUNTS[1]])

    def left(self) -> int:
        """Messages not deleted yet, waiting or in flight."""
        return sum(self.counts())
