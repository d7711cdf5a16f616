"""How on-call's tools (the CLI and the console) write a duration for people."""

from __future__ import annotations

__all__ = ["duration"]


def duration(seconds: float | None) -> str:
    """``42 s``, ``7 min``, ``3.5 h``; ``-`` for ``None`` (unknown)."""
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7_200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
