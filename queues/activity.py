"""Where workers record what each lane is doing, for status readers to find it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ActivityKeys", "activity_keys"]


@dataclass(frozen=True)
class ActivityKeys:
    """A lane's activity in Redis.

    ``inflight``: messages being processed (sorted set: message id -> lease expiry, Unix ms);
    ``heads``: the namespace's hash of head times (lane -> enqueue time of the last message to
    start, Unix ms); ``done``: finishes per Unix second (hash); ``delayed``: messages waiting
    out a delay (sorted set: message id -> when it is due, Unix ms).
    """

    inflight: str
    heads: str
    done: str
    delayed: str


def activity_keys(namespace: str, lane: str) -> ActivityKeys:
    """The keys of ``lane``'s activity in ``namespace``."""
    prefix = f"{namespace}:activity:"
    return ActivityKeys(f"{prefix}inflight:{lane}", f"{prefix}head", f"{prefix}done:{lane}", f"{prefix}delayed:{lane}")
