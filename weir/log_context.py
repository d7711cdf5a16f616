"""The ids of the event a request or a worker thread is working on, stamped on its log lines.

The receiver binds a webhook's ids (its correlation id, channel, event id) for the request; the
envelope carries them to the workers, whose middleware binds them again for the message it
processes, with the ERP reference. Every log line written meanwhile carries them, so one grep for
a correlation id follows one order from the webhook to the ERP. Context variables keep them per
asyncio task and per thread: concurrent requests and worker threads never see each other's ids.

>>> token = bind(correlation_id="c-1", channel="shop-us")
>>> current()["correlation_id"]
'c-1'
>>> unbind(token)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType

__all__ = ["FIELDS", "LogContextFilter", "bind", "bound", "current", "unbind"]

#: The ids a log line may carry, in the order JSON lines show them.
FIELDS = ("correlation_id", "channel", "event_id", "erp_reference", "lane", "message_id")

_KNOWN = frozenset(FIELDS)
_EMPTY: Mapping[str, str] = MappingProxyType({})
_current: ContextVar[Mapping[str, str]] = ContextVar("weir_log_context", default=_EMPTY)


def current() -> Mapping[str, str]:
    """The ids bound now (empty outside any request or message)."""
    return _current.get()


def bind(**ids: str | None) -> Token[Mapping[str, str]]:
    """Add ``ids`` (``None`` values are left out) to the ids bound now, until :func:`unbind`.

    Raises:
        ValueError: a name is not one of :data:`FIELDS`.
    """
    if not ids.keys() <= _KNOWN:
        raise ValueError(f"not log context fields: {', '.join(sorted(ids.keys() - _KNOWN))}")
    fields = dict(_current.get())
    for name, value in ids.items():
        if value is not None:
            fields[name] = value
    return _current.set(MappingProxyType(fields))


def unbind(token: Token[Mapping[str, str]]) -> None:
    """Restore the ids bound before the :func:`bind` that returned ``token``."""
    _current.reset(token)


@contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """:func:`bind` for the duration of a ``with`` block."""
    token = bind(**ids)
    try:
        yield
    finally:
        unbind(token)


class LogContextFilter(logging.Filter):
    """Stamps each record with the ids bound where it was logged, as ``record.log_context``.

    It runs in the thread or task that logs, so formatters that run later (or elsewhere) still
    see the right ids.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.log_context = _current.get()
        return True
