"""HMAC helpers shared by the providers' verifiers. Every comparison runs in constant time."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable

__all__ = ["b64_hmac_sha256", "hex_hmac_sha256", "matches_any", "strict_b64decode"]


def b64_hmac_sha256(key: bytes, message: bytes) -> bytes:
    """Base64 of HMAC-SHA256(key, message), as ASCII bytes."""
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest())


def hex_hmac_sha256(key: bytes, message: bytes) -> bytes:
    """Lowercase hex of HMAC-SHA256(key, message), as ASCII bytes."""
    return hmac.new(key, message, hashlib.sha256).hexdigest().encode("ascii")


def matches_any(expected: Iterable[bytes], received: Iterable[bytes]) -> bool:
    """Whether any received signature equals any expected one, compared in constant time.

    Every pair is compared, so timing says nothing about which secret or signature matched.
    """
    found = False
    candidates = tuple(received)
    for good in expected:
        for candidate in candidates:
            found |= hmac.compare_digest(good, candidate)
    return found


def strict_b64decode(text: str) -> bytes:
    """Decode standard base64, refusing anything that is not.

    Raises:
        ValueError: the text is not valid base64.
    """
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"not valid base64: {exc}") from None
