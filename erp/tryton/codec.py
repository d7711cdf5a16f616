"""Tryton's JSON value encoding: the tagged objects its JSON-RPC uses for non-JSON types.

Tryton sends and expects ``{"__class__": "<type>", ...}`` objects for the values JSON has no type
for::

    >>> encode({"price": Decimal("11.00")})
    '{"price":{"__class__":"Decimal","decimal":"11.00"}}'
    >>> decode('{"__class__":"date","year":2026,"month":11,"day":23}')
    datetime.date(2026, 11, 23)

Money therefore travels as text and comes back as :class:`~decimal.Decimal`, never float.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

__all__ = ["decode", "encode"]


def encode(value: object) -> str:
    """Serialise ``value`` to compact JSON, tagging Decimal, date, datetime, time and bytes.

    Raises:
        TypeError: for a value neither JSON nor Tryton can represent.
    """
    return json.dumps(value, default=_tag, separators=(",", ":"), ensure_ascii=False)


def decode(text: str | bytes) -> Any:
    """Parse Tryton JSON, turning tagged objects back into Python values.

    Raises:
        ValueError: the text is not JSON (``json.JSONDecodeError`` is a ``ValueError``).
    """
    return json.loads(text, object_hook=_untag)


def _tag(value: object) -> object:
    # datetime is a subclass of date, so it must be tested first.
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"__class__": "datetime", **_date_parts(value), **_time_parts(value)}
    if isinstance(value, dt.date):
        return {"__class__": "date", **_date_parts(value)}
    if isinstance(value, dt.time):
        return {"__class__": "time", **_time_parts(value)}
    if isinstance(value, bytes | bytearray):
        return {"__class__": "bytes", "base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable for Tryton")


def _date_parts(value: dt.date) -> dict[str, int]:
    return {"year": value.year, "month": value.month, "day": value.day}


def _time_parts(value: dt.time | dt.datetime) -> dict[str, int]:
    return {
        "hour": value.hour,
        "minute": value.minute,
        "second": value.second,
        "microsecond": value.microsecond,
    }


def _untag(obj: dict[str, Any]) -> Any:
    decoder = _DECODERS.get(obj.get("__class__"))  # type: ignore[arg-type]
    return decoder(obj) if decoder else obj


def _datetime(obj: dict[str, Any]) -> dt.datetime:
    return dt.datetime(
        obj["year"],
        obj["month"],
        obj["day"],
        obj["hour"],
        obj["minute"],
        obj["second"],
        obj["microsecond"],
    )


_DECODERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "Decimal": lambda obj: Decimal(obj["decimal"]),
    "date": lambda obj: dt.date(obj["year"], obj["month"], obj["day"]),
    "datetime": _datetime,
    "time": lambda obj: dt.time(obj["hour"], obj["minute"], obj["second"], obj["microsecond"]),
    "timedelta": lambda obj: dt.timedelta(seconds=obj["seconds"]),
    "bytes": lambda obj: base64.b64decode(obj["base64"]),
}
