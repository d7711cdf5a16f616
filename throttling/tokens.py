"""Tokens that tell one holder of a lock or a slot from another.

They need to be unique, not secret: nobody gains anything by guessing one. A Mersenne Twister
draw costs a fraction of ``secrets``' system call, which showed up in worker profiles.
"""

from __future__ import annotations

import random

__all__ = ["new_token"]

_random = random.Random()


def new_token() -> str:
    """128 random bits, as 32 hex digits."""
    return f"{_random.getrandbits(128):032x}"
