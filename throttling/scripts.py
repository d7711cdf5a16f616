"""The Lua scripts the Redis-backed gates run, loaded from ``throttling/scripts/``."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["lua"]


@cache
def lua(name: str) -> str:
    """The source of ``throttling/scripts/<name>.lua``."""
    return files("throttling").joinpath("scripts", f"{name}.lua").read_text(encoding="utf-8")
