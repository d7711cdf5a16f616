"""Errors Weir's middleware raises in Dramatiq's before-hooks are INFO lines, bugs stay errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from workers.errors import EntityBusy
from workers.hook_logs import WORKER_THREAD_LOGGER, HookErrorLines, quiet_expected_hook_errors

FAILED = "Failed to process message %s with unhandled exception."


@pytest.fixture
def worker_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger(WORKER_THREAD_LOGGER)
    quiet_expected_hook_errors()
    yield logger
    for installed in [f for f in logger.filters if isinstance(f, HookErrorLines)]:
        logger.removeFilter(installed)


def fail(logger: logging.Logger, error: Exception) -> None:
    try:
        raise error
    except Exception:
        # What Dramatiq's worker thread logs for an error it cannot tell the actor throws.
        logger.error(FAILED, "apply_event(msg-1)", exc_info=True)


def test_a_weir_error_from_a_hook_is_one_info_line_without_traceback(
    worker_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fail(worker_logger, EntityBusy("order shop-us:1001 is being applied elsewhere"))
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.exc_info is None
    assert record.getMessage() == (
        "Message apply_event(msg-1) steered by Weir's middleware: EntityBusy: "
        "order shop-us:1001 is being applied elsewhere"
    )


def test_a_bug_keeps_its_error_line_and_its_traceback(
    worker_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fail(worker_logger, KeyError("lines"))
    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None


def test_the_line_is_dropped_when_the_worker_logs_only_warnings(
    worker_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    worker_logger.setLevel(logging.WARNING)
    try:
        fail(worker_logger, EntityBusy("busy"))
    finally:
        worker_logger.setLevel(logging.NOTSET)
    assert caplog.records == []


def test_installing_twice_adds_one_filter(worker_logger: logging.Logger) -> None:
    quiet_expected_hook_errors()
    assert sum(isinstance(f, HookErrorLines) for f in worker_logger.filters) == 1
