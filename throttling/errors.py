"""Errors of the fleet-wide gates.

ThrottlingError
└── GateUnavailable   the shared store (Redis) could not be consulted
"""

from __future__ import annotations

from weir.errors import WeirError

__all__ = ["GateUnavailable", "ThrottlingError"]


class ThrottlingError(WeirError):
    """A fleet-wide gate failed."""


class GateUnavailable(ThrottlingError):
    """The store behind a gate did not answer; the caller decides how to fail safe."""
