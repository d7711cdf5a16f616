"""Reading fields out of provider payloads, with a clear reason when one is missing or wrong.

Every helper raises :class:`~events.errors.PayloadError` naming the field, so a payload that
cannot be mapped is dead-lettered with a reason on-call can act on, never a ``KeyError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from events.errors import PayloadError

__all__ = [
    "array",
    "decimal_of",
    "field",
    "mapping",
    "object_or_empty",
    "optional_decimal",
    "optional_text",
    "sequence",
    "text_of",
]


def field(data: dict[str, Any], key: str, where: str = "") -> Any:
    """``data[key]``, which must be present and not null."""
    value = data.get(key)
    if value is None:
        raise PayloadError(f"{_path(where, key)} is missing")
    return value


def mapping(value: object, where: str) -> dict[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be an object")
    return value


def object_or_empty(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (for optional objects)."""
    return value if isinstance(value, dict) else {}


def sequence(data: dict[str, Any], key: str) -> Sequence[Any]:
    """``data[key]`` as a non-empty JSON array."""
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise PayloadError(f"{key} must be a non-empty array")
    return value


def array(data: dict[str, Any], key: str) -> Sequence[Any]:
    """``data[key]`` as a JSON array, empty when absent or null."""
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PayloadError(f"{key} must be an array")
    return value


def text_of(value: object, what: str) -> str:
    """A non-empty string or an integer id, as text (integers keep every digit)."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise PayloadError(f"{what} is missing or not text")
    return str(value)


def decimal_of(value: object, what: str) -> Decimal:
    """A number or a numeric string as Decimal; floats never enter (payloads parse them as Decimal)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise PayloadError(f"{what} is not a number")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise PayloadError(f"{what} is not a number: {value!r}") from None
    if not number.is_finite():
        raise PayloadError(f"{what} is not a finite number: {value!r}")
    return number


def optional_text(value: object) -> str | None:
    """A non-empty string or an integer as text, else ``None`` (for fields nothing depends on)."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def optional_decimal(value: object, what: str) -> Decimal | None:
    """:func:`decimal_of`, or ``None`` when the value is absent (null or an empty string)."""
    return None if value is None or value == "" else decimal_of(value, what)


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
