"""Schedules hold windows of time; ended windows are forgotten."""

from __future__ import annotations

import pytest

from simulator.schedule import Schedule


def test_a_window_holds_from_its_start_until_its_end() -> None:
    schedule = Schedule[str]()
    schedule.add("down", now=10.0, start_in=2.0, duration=3.0)

    assert [schedule.active(now) for now in (11.0, 12.0, 14.9, 15.0)] == [[], ["down"], ["down"], []]


def test_a_window_without_duration_holds_until_cleared() -> None:
    schedule = Schedule[str]()
    schedule.add("down", now=0.0, start_in=0.0, duration=None)

    assert schedule.active(1e9) == ["down"]
    schedule.clear()
    assert schedule.active(1e9) == []


def test_the_next_change_is_the_nearest_start_or_end() -> None:
    schedule = Schedule[int]()
    schedule.add(1, now=0.0, start_in=5.0, duration=10.0)
    schedule.add(2, now=0.0, start_in=0.0, duration=3.0)

    assert schedule.next_change(0.0) == 3.0
    assert schedule.next_change(3.0) == 5.0
    assert schedule.next_change(5.0) == 15.0
    assert schedule.next_change(15.0) is None


def test_the_description_tells_times_from_now() -> None:
    schedule = Schedule[int]()
    schedule.add(7, now=100.0, start_in=1.0, duration=4.0)

    assert schedule.describe(now=102.0) == [
        {"what": 7, "active": True, "starts_in_seconds": 0.0, "ends_in_seconds": 3.0}
    ]


def test_windows_in_the_past_or_of_no_length_are_refused() -> None:
    schedule = Schedule[int]()

    with pytest.raises(ValueError):
        schedule.add(1, now=0.0, start_in=-1.0, duration=1.0)
    with pytest.raises(ValueError):
        schedule.add(1, now=0.0, start_in=0.0, duration=0.0)
