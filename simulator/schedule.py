"""Time windows during which something holds: outages and throttle storms.

Times are :func:`time.monotonic` seconds, passed in so tests can drive the clock. A window
without an end holds until the schedule is cleared.

    >>> storms = Schedule[int]()
    >>> storms.add(5, now=100.0, start_in=0.0, duration=10.0)
    >>> storms.active(now=105.0), storms.active(now=111.0)
    ([5], [])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["Schedule", "Window"]

T = TypeVar("T")


@dataclass(frozen=True)
class Window(Generic[T]):
    """``what`` holds from ``start`` until ``end`` (exclusive), or for ever when ``end`` is None."""

    what: T
    start: float
    end: float | None

    def holds(self, now: float) -> bool:
        return self.start <= now and (self.end is None or now < self.end)

    def over(self, now: float) -> bool:
        return self.end is not None and now >= self.end


class Schedule(Generic[T]):
    """Windows of ``T``, possibly overlapping; ended ones are forgotten."""

    def __init__(self) -> None:
        self._windows: list[Window[T]] = []

    def add(self, what: T, *, now: float, start_in: float, duration: float | None) -> None:
        """Hold ``what`` from ``start_in`` seconds after ``now``, for ``duration`` seconds."""
        if start_in < 0 or (duration is not None and duration <= 0):
            raise ValueError("a window starts now or later and lasts more than 0 s")
        start = now + start_in
        self._windows.append(Window(what, start, None if duration is None else start + duration))

    def clear(self) -> None:
        self._windows.clear()

    def active(self, now: float) -> list[T]:
        """What holds at ``now``, oldest window first."""
        self._forget(now)
        return [window.what for window in self._windows if window.holds(now)]

    def next_change(self, now: float) -> float | None:
        """The first time after ``now`` at which a window starts or ends; None if none will."""
        times = [window.start for window in self._windows if window.start > now]
        times += [window.end for window in self._windows if window.end is not None and window.end > now]
        return min(times, default=None)

    def describe(self, now: float) -> list[dict[str, Any]]:
        """The windows not yet over, with times relative to ``now``, for the admin API."""
        self._forget(now)
        return [
            {
                "what": window.what,
                "active": window.holds(now),
                "starts_in_seconds": max(0.0, window.start - now),
                "ends_in_seconds": None if window.end is None else window.end - now,
            }
            for window in self._windows
        ]

    def _forget(self, now: float) -> None:
        self._windows = [window for window in self._windows if not window.over(now)]
