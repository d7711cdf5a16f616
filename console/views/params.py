"""Small parameters pages take besides a filter: numbers and flags."""

from __future__ import annotations

from console.errors import BadRequest
from console.filters import Params

__all__ = ["bounded_int", "flag"]


def bounded_int(params: Params, name: str, *, default: int, low: int, high: int) -> int:
    """The integer ``name`` (``default`` when absent), between ``low`` and ``high``.

    Raises:
        BadRequest: not an integer, or out of bounds.
    """
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if isinstance(raw, str) and len(raw) <= 12 else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise BadRequest(f"{name} {raw!r}: expected a whole number from {low} to {high}")
    return value


def flag(params: Params, name: str) -> bool:
    """Whether the checkbox or parameter ``name`` is on (``1``, ``on``, ``true``, ``yes``)."""
    return str(params.get(name, "")).lower() in ("1", "on", "true", "yes")
