"""Tryton's tagged JSON values survive the trip out and back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from erp.tryton.codec import decode, encode


@pytest.mark.parametrize(
    "value",
    [
        Decimal("11.00"),
        Decimal("-0.0001"),
        dt.date(2026, 11, 23),
        dt.datetime(2026, 11, 23, 6, 8, 3, 951381),
        dt.time(23, 59, 1, 5),
        b"\x00binary\xff",
        {"nested": [Decimal("1.5"), {"on": dt.date(2026, 1, 2)}]},
    ],
)
def test_a_value_decodes_to_what_was_encoded(value: object) -> None:
    assert decode(encode(value)) == value


def test_decimals_travel_as_tagged_text_never_as_floats() -> None:
    assert encode(Decimal("0.10")) == '{"__class__":"Decimal","decimal":"0.10"}'


def test_a_datetime_is_tagged_as_a_datetime_not_a_date() -> None:
    decoded = decode(encode(dt.datetime(2026, 11, 23, 12, 0)))

    assert type(decoded) is dt.datetime


def test_plain_objects_that_merely_have_a_class_key_are_left_alone() -> None:
    assert decode('{"__class__": "Unheard", "x": 1}') == {"__class__": "Unheard", "x": 1}


def test_a_value_tryton_cannot_represent_is_refused() -> None:
    with pytest.raises(TypeError):
        encode(object())
