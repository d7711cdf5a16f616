"""A payload's validation errors are told by where and why, never by the customer's data."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from events.errors import validation_summary


class Customer(BaseModel):
    name: str
    email: str
    age: int


def test_a_validation_summary_names_each_field_and_why_but_no_value() -> None:
    with pytest.raises(ValidationError) as raised:
        Customer.model_validate({"name": "Ada Lovelace", "email": ["ada@example.com"], "age": "forty-two"})

    summary = validation_summary(raised.value)

    assert summary.startswith("email: Input should be a valid string; age: Input should be a valid integer")
    for value in ("Ada Lovelace", "ada@example.com", "forty-two"):
        assert value not in summary
