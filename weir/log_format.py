"""How log lines look: one sentence per line for people, one JSON object per line for machines.

Both formats carry the ids of :mod:`weir.log_context` when some are bound: the text format
appends them in brackets, the JSON format as top-level keys.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["JsonFormatter", "TextFormatter"]

_TEXT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"


def _ids(record: logging.LogRecord) -> Mapping[str, str]:
    return getattr(record, "log_context", None) or {}


class TextFormatter(logging.Formatter):
    """``<time> <level> <process> <logger>: <message> [correlation_id=... event_id=...]``."""

    def __init__(self) -> None:
        super().__init__(_TEXT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = _ids(record)
        if not ids:
            return line
        first, newline, rest = line.partition("\n")
        tagged = first + " [" + " ".join(f"{name}={value}" for name, value in ids.items()) + "]"
        return tagged + newline + rest


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``ts`` (UTC, ISO 8601, ms), ``level``, ``logger``, ``message``,
    then each bound id (``correlation_id``, ``channel``, ``event_id``, ``erp_reference``,
    ``lane``, ``message_id``), ``process``, and ``exception`` with the traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_ids(record),
            "process": record.processName,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(line, default=str).decode()
