"""Log lines name a message by its ids, never by its contents.

Dramatiq writes a message into its lines whole: ``Failed to process message %s ...`` at INFO or
ERROR, ``Message %s was skipped.`` at WARNING, ``Received message %s`` and an actor's
``Received args=%r`` at DEBUG. For Weir a message's argument is the event's envelope, whose
payload is the provider's body: customers' names, e-mails, addresses and phone numbers.

:func:`install_redaction` makes every log record of the process go through
:func:`redacted` as it is created, before any filter, handler or Sentry's logging integration
sees it: a Dramatiq message, an envelope (a mapping with a ``payload``) or a message's raw fields
become :class:`MessageIds`, which prints as ``apply_event(message_id=..., channel=...)``.

>>> str(redacted({"event_id": "e-1", "channel": "shop-us", "payload": "{...}"}))
'event(event_id=e-1, channel=shop-us)'
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dramatiq import Message
from dramatiq.broker import MessageProxy

__all__ = ["MessageIds", "install_redaction", "redacted"]

# The envelope's fields a log line may show, in the order it shows them.
_ENVELOPE_IDS = ("event_id", "channel", "topic", "entity_type", "entity_id", "correlation_id")
# Most arguments are of these types: they pass without further checks.
_PLAIN = frozenset({str, int, float, bool, type(None)})
_MESSAGES = (Message, MessageProxy)


@dataclass(frozen=True, slots=True)
class MessageIds:
    """What a log line says of a message or an event: its kind and its ids."""

    kind: str
    ids: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return f"{self.kind}({', '.join(f'{name}={value}' for name, value in self.ids)})"

    __repr__ = __str__


def redacted(value: object) -> object:
    """``value``, or its :class:`MessageIds` if it is a message or an event; tuples and lists
    (an actor's positional arguments) are redacted item by item."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, _MESSAGES):
        return _message_ids(value.actor_name, value.message_id, value.queue_name, value.args)
    if isinstance(value, Mapping):
        return _mapping_ids(value)
    if type(value) is tuple:
        return tuple(redacted(item) for item in value)
    if type(value) is list:
        return [redacted(item) for item in value]
    return value


def install_redaction() -> None:
    """Redact the arguments of every log record this process creates from now on (once)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(factory))


class _RedactingFactory:
    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self._inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self._inner(*args, **kwargs)
        if isinstance(record.args, tuple):
            record.args = tuple(redacted(arg) for arg in record.args)
        elif record.args is not None:
            # One mapping argument: logging keeps it for "%(name)s" lines.
            ids = _mapping_ids(record.args)
            record.args = (ids,) if isinstance(ids, MessageIds) else record.args
        return record


def _mapping_ids(value: Mapping[Any, Any]) -> object:
    if "payload" in value:
        return MessageIds("event", _envelope_ids(value))
    if "message_id" in value and "args" in value:
        # A message's fields, as the broker decodes or encodes them.
        args = value["args"] if isinstance(value["args"], list | tuple) else ()
        return _message_ids(value.get("actor_name"), value["message_id"], value.get("queue_name"), args)
    if any(isinstance(item, (Mapping, *_MESSAGES)) for item in value.values()):
        # An actor's keyword arguments.
        return {name: redacted(item) for name, item in value.items()}
    return value


def _message_ids(actor: object, message_id: object, queue: object, args: Any) -> MessageIds:
    envelope = args[0] if args and isinstance(args[0], Mapping) else {}
    # Weir's event id is its message's id, and the correlation id too unless the provider sent one.
    named = tuple((name, value) for name, value in _envelope_ids(envelope) if value != str(message_id))
    ids = (("message_id", message_id), ("queue", queue), *named)
    return MessageIds(str(actor), tuple((name, str(value)) for name, value in ids if value is not None))


def _envelope_ids(envelope: Mapping[Any, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((name, str(envelope[name])) for name in _ENVELOPE_IDS if envelope.get(name) is not None)
