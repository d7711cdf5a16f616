"""The SQS receiver: notifications that arrive on a queue (Amazon SP-API) instead of over HTTP."""

from receivers.sqs.errors import QueueUnavailable
from receivers.sqs.poller import SqsPoller
from receivers.sqs.process import main, serve
from receivers.sqs.queue import SqsMessage, SqsQueue

__all__ = ["QueueUnavailable", "SqsMessage", "SqsPoller", "SqsQueue", "main", "serve"]
