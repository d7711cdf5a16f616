"""The ids bound for a request or a message, and the filter that stamps them on log records."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from weir import log_context
from weir.log_context import LogContextFilter


def record() -> logging.LogRecord:
    return logging.LogRecord("test", logging.INFO, __file__, 1, "hello", None, None)


def test_bound_ids_are_added_to_those_already_bound_and_restored_after() -> None:
    with log_context.bound(correlation_id="c-1", channel="shop-us"):
        with log_context.bound(event_id="e-1", erp_reference=None):
            assert dict(log_context.current()) == {"correlation_id": "c-1", "channel": "shop-us", "event_id": "e-1"}
        assert dict(log_context.current()) == {"correlation_id": "c-1", "channel": "shop-us"}
    assert dict(log_context.current()) == {}


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="customer"):
        log_context.bind(customer="Jane")


def test_threads_never_see_each_other_s_ids() -> None:
    seen: dict[str, str] = {}
    inside, release = threading.Event(), threading.Event()

    def work() -> None:
        with log_context.bound(correlation_id="thread"):
            inside.set()
            release.wait(5)
            seen["thread"] = log_context.current()["correlation_id"]

    thread = threading.Thread(target=work)
    thread.start()
    inside.wait(5)
    seen["main"] = log_context.current().get("correlation_id", "none")
    release.set()
    thread.join(5)

    assert seen == {"thread": "thread", "main": "none"}


def test_concurrent_requests_keep_their_own_ids() -> None:
    async def request(name: str) -> str:
        with log_context.bound(correlation_id=name):
            await asyncio.sleep(0)
            return log_context.current()["correlation_id"]

    async def both() -> list[str]:
        return list(await asyncio.gather(request("a"), request("b")))

    assert asyncio.run(both()) == ["a", "b"]


def test_the_filter_stamps_a_record_with_the_ids_bound_where_it_was_logged() -> None:
    stamped = record()
    with log_context.bound(correlation_id="c-2"):
        assert LogContextFilter().filter(stamped)

    assert dict(stamped.log_context) == {"correlation_id": "c-2"}  # type: ignore[attr-defined]
