"""Fixtures of the Tryton adapter's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erp.settings import ErpSettings
from erp.tryton import TrytonClient


@pytest.fixture
def looker(tryton: ErpSettings) -> Iterator[TrytonClient]:
    """A client of its own, to look at what the adapter left in Tryton."""
    client = TrytonClient.from_settings(tryton)
    try:
        yield client
    finally:
        client.close()
