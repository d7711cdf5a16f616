"""Whether a test has failed so far, for fixtures that print more on their way out when it has.

``tests/conftest.py`` marks each failed phase (setup, call) on the test's item; a fixture's
teardown asks :func:`has_failed` with ``request.node``.
"""

from __future__ import annotations

import pytest

__all__ = ["FAILED", "has_failed"]

FAILED = pytest.StashKey[bool]()


def has_failed(node: pytest.Item) -> bool:
    """Whether the setup or the call of the test ``node`` failed."""
    return node.stash.get(FAILED, False)
