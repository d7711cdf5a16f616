"""Fixtures shared by the whole suite, loaded as plugins."""

pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.simulator",
    "tests.fixtures.sqs",
    "tests.fixtures.tryton",
]
