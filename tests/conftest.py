"""Fixtures shared by the whole suite, loaded as plugins."""

import pytest

from tests.support.failures import FAILED

pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.shopify",
    "tests.fixtures.simulator",
    "tests.fixtures.sp_api",
    "tests.fixtures.sqs",
    "tests.fixtures.tryton",
]

# Assertions shared by several test modules report their operands like the tests' own.
pytest.register_assert_rewrite("tests.support.convergence")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Mark a test whose setup or call failed, for the fixtures that then print their logs."""
    report = yield
    if getattr(report, "failed", False):
        item.stash[FAILED] = True
    return report
