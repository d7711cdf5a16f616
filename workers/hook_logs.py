"""Dramatiq's log line for an error raised in a ``before_*`` hook, told at its true weight.

Dramatiq logs a message's failure at ERROR with its traceback unless the actor ``throws`` the
error; when the error comes from a ``before_*`` hook it has not looked the actor up yet, so it
cannot tell. Weir's middleware raises its own errors there on purpose (an entity busy elsewhere,
an entity waiting behind its dead letter, a closed gate): they are how the workers steer
messages, so their lines are INFO, one line each, as the actor's expected errors are.
"""

from __future__ import annotations

import logging

from weir.errors import WeirError

__all__ = ["WORKER_THREAD_LOGGER", "HookErrorLines", "quiet_expected_hook_errors"]

#: The logger Dramatiq's worker threads write a message's failure to.
WORKER_THREAD_LOGGER = "dramatiq.worker.WorkerThread"


class HookErrorLines(logging.Filter):
    """Turns a failure line whose exception is a :class:`~weir.errors.WeirError` into an INFO
    line naming it, without traceback; drops it when the logger does not log INFO."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__()
        self._logger = logger

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if record.levelno < logging.ERROR or not isinstance(error, WeirError):
            return True
        message = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
        record.msg = "Message %s steered by Weir's middleware: %s: %s"
        record.args = (message, type(error).__name__, error)
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        record.exc_info, record.exc_text = None, None
        return self._logger.isEnabledFor(logging.INFO)


def quiet_expected_hook_errors() -> None:
    """Install :class:`HookErrorLines` on Dramatiq's worker-thread logger (once per process)."""
    logger = logging.getLogger(WORKER_THREAD_LOGGER)
    if not any(isinstance(existing, HookErrorLines) for existing in logger.filters):
        logger.addFilter(HookErrorLines(logger))
