"""Process-wide logging set-up for Weir's entry points."""

from __future__ import annotations

import logging
import sys

__all__ = ["configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Send log records at ``level`` and above to standard error, one line each."""
    logging.basicConfig(level=level, format=_FORMAT, stream=sys.stderr, force=True)
    # pika narrates every connection, httpx every request and botocore where it found its
    # credentials at INFO; their warnings are what operators need, and Weir logs each ERP
    # operation and SQS message itself.
    quiet = max(logging.WARNING, logging.getLevelName(level))
    for name in ("pika", "httpx", "httpcore", "botocore", "boto3"):
        logging.getLogger(name).setLevel(quiet)
