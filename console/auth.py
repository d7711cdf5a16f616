"""Who may use the console: the token, the sessions a login opens, and their CSRF tokens.

Nothing here stores or sends the token itself. A session cookie is ``<payload>.<mac>``: the
payload names the operator and when the session was opened, and the mac is an HMAC-SHA256 of
it keyed by a key derived from the token, so changing ``WEIR_CONSOLE_TOKEN`` ends every
session. A session's CSRF token is an HMAC of the cookie under the same key: pages put it in
their forms, and only a page the console served can know it. Every comparison is constant-time.

>>> keys = SessionKeys("a-long-random-token", max_age_seconds=3600)
>>> session = keys.verify(keys.issue("console:ana@127.0.0.1"))
>>> session is not None and session.who
'console:ana@127.0.0.1'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Operator", "SessionKeys"]


@dataclass(frozen=True)
class Operator:
    """Someone the console let in: ``who`` goes to the audit log; ``csrf`` is the token their
    forms must carry (``None`` for a bearer-token client, which has no session to act in)."""

    who: str
    csrf: str | None


class SessionKeys:
    """Checks the token, and issues and verifies sessions that last ``max_age_seconds``."""

    def __init__(self, token: str, *, max_age_seconds: float, clock: Callable[[], float] = time.time) -> None:
        if not token:
            raise ValueError("the console's token must not be empty")
        self._token_digest = hashlib.sha256(token.encode()).digest()
        self._key = hmac.new(token.encode(), b"weir-console-session-key", hashlib.sha256).digest()
        self._max_age_seconds = max_age_seconds
        self._clock = clock

    def token_matches(self, presented: str) -> bool:
        """Whether ``presented`` is the token (digests compared, so its length does not leak)."""
        return hmac.compare_digest(hashlib.sha256(presented.encode()).digest(), self._token_digest)

    def issue(self, who: str) -> str:
        """A session cookie value for ``who``, opened now."""
        document = {"who": who, "at": int(self._clock()), "nonce": secrets.token_urlsafe(12)}
        payload = _encode(json.dumps(document, separators=(",", ":")).encode())
        return f"{payload}.{self._mac('session', payload)}"

    def verify(self, cookie: str) -> Operator | None:
        """The operator of a valid, unexpired session cookie; ``None`` for anything else."""
        payload, _, mac = cookie.partition(".")
        if not mac or not hmac.compare_digest(mac, self._mac("session", payload)):
            return None
        try:
            document = json.loads(_decode(payload))
            who, opened = str(document["who"]), float(document["at"])
        except (ValueError, KeyError, TypeError):
            return None
        if not 0 <= self._clock() - opened <= self._max_age_seconds:
            return None
        return Operator(who=who, csrf=self.csrf_of(cookie))

    def csrf_of(self, cookie: str) -> str:
        """The CSRF token of the session ``cookie``."""
        return self._mac("csrf", cookie)

    def _mac(self, purpose: str, value: str) -> str:
        return _encode(hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).digest())


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
