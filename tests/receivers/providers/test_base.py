"""The request-reading helpers every provider shares."""

from __future__ import annotations

import pytest

from receivers.errors import MalformedRequest
from receivers.providers.base import MAX_JSON_DEPTH, parse_json_object


def nested(depth: int) -> bytes:
    """An object whose ``a`` holds arrays nested so that the whole body is ``depth`` levels deep."""
    return b'{"a": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def test_a_body_nested_exactly_to_the_limit_is_parsed() -> None:
    assert parse_json_object(nested(MAX_JSON_DEPTH))["a"] is not None


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_100, 100_000])
def test_a_body_nested_deeper_than_the_limit_is_malformed(depth: int) -> None:
    with pytest.raises(MalformedRequest, match="nested deeper than 256 levels"):
        parse_json_object(nested(depth))


def test_a_body_too_deep_for_the_standard_library_is_malformed_rather_than_a_recursion_error() -> None:
    # orjson stops at 1,024 levels and hands over to the standard library, which recurses.
    body = b'{"a": ' + b'{"b": ' * 50_000 + b"1" + b"}" * 50_000 + b"}"

    with pytest.raises(MalformedRequest):
        parse_json_object(body)


def test_a_wide_body_with_many_brackets_but_shallow_nesting_is_parsed() -> None:
    body = b'{"lines": [' + b",".join([b'{"sku": [1]}'] * 1_000) + b"]}"

    assert len(parse_json_object(body)["lines"]) == 1_000


def test_an_integer_beyond_64_bits_keeps_every_digit() -> None:
    assert parse_json_object(b'{"id": 123456789012345678901234567890}')["id"] == 123456789012345678901234567890


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "\\ud800"}',
        b'{"id": 1, "note": ["\\udc00"]}',
        b'{"\\ud800": 1}',
        b'{"id": 123456789012345678901, "a": "\\ud800"}',
    ],
    ids=["lone-high-surrogate", "lone-low-surrogate", "in-a-key", "beside-a-big-integer"],
)
def test_a_string_holding_a_lone_surrogate_is_malformed_rather_than_a_500_when_enqueued(body: bytes) -> None:
    with pytest.raises(MalformedRequest, match="lone UTF-16 surrogate"):
        parse_json_object(body)


def test_a_surrogate_pair_is_one_character_and_parsed() -> None:
    assert parse_json_object(b'{"name": "\\ud83d\\ude00"}')["name"] == "\U0001f600"


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(constant: bytes) -> None:
    with pytest.raises(MalformedRequest, match="not valid JSON"):
        parse_json_object(b'{"id": 1, "total": ' + constant + b"}")
