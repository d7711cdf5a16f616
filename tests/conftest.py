"""Fixtures shared by the whole suite, loaded as plugins."""

import pytest

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
