"""Process-wide logging set-up for Weir's entry points."""

from __future__ import annotations

import logging
import sys
from typing import Literal

from weir.log_context import LogContextFilter
from weir.log_format import JsonFormatter, TextFormatter
from weir.log_redaction import install_redaction

__all__ = ["LogFormat", "configure_logging"]

LogFormat = Literal["text", "json"]


def configure_logging(level: str, log_format: LogFormat = "text") -> None:
    """Send log records at ``level`` and above to standard error, one line each: sentences for
    people (``text``) or JSON objects (``json``), both with the ids of :mod:`weir.log_context`,
    naming messages and events by their ids only (:mod:`weir.log_redaction`)."""
    install_redaction()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(LogContextFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # pika narrates every connection, httpx every request and botocore where it found its
    # credentials at INFO; their warnings are what operators need, and Weir logs each ERP
    # operation and SQS message itself.
    quiet = max(logging.WARNING, logging.getLevelName(level))
    for name in ("pika", "httpx", "httpcore", "botocore", "boto3"):
        logging.getLogger(name).setLevel(quiet)
