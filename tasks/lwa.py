"""Login with Amazon (LWA) access tokens, which SP-API calls carry in ``x-amz-access-token``.

    >>> tokens = LwaTokens(client_id, client_secret, refresh_token, channel="amazon-us", token_url=LWA_TOKEN_URL)
    >>> AmazonApi("https://sellingpartnerapi-na.amazon.com", tokens)

An access token lasts an hour. :class:`LwaTokens` exchanges the seller's refresh token for one
(``POST`` to the token URL, form ``grant_type=refresh_token``, ``refresh_token``, ``client_id``,
``client_secret``; answer ``{"access_token", "expires_in" (seconds), "token_type"}``) and keeps it
for every thread of the process until shortly before it expires. :class:`FixedToken` is one token
given at start-up, which nothing renews (for tests and runs shorter than its hour).

LWA's failures are classified here, into :mod:`tasks.errors`: credentials LWA refuses (400 or 401,
``invalid_grant``, ``invalid_client``...) are permanent, a 429 defers, 5xx and silence are transient.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx

from channels.lwa import LwaOptions
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient

__all__ = ["AccessTokens", "FixedToken", "LwaTokens", "authorized", "tokens_for"]

#: Answers refusing an access token.
_REFUSED = frozenset({401, 403})


class AccessTokens(Protocol):
    """Where an API client gets the access token its calls carry. Safe to share between threads."""

    def token(self) -> str:
        """A token to call with now.

        Raises:
            ChannelApiError: no token could be had (see :class:`LwaTokens`).
        """
        ...

    def renew(self, refused: str) -> str | None:
        """A token other than ``refused``, which the API just refused, or ``None`` when this
        source cannot renew it (the refusal then stands). Raises as :meth:`token` does."""
        ...

    def close(self) -> None:
        """Close any connections."""
        ...


class FixedToken:
    """One access token, used until the process ends: never renewed."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("an access token cannot be empty")
        self._token = token

    def token(self) -> str:
        return self._token

    def renew(self, refused: str) -> str | None:
        return None

    def close(self) -> None:
        return None


class LwaTokens:
    """Access tokens exchanged for ``channel``'s refresh token at LWA's ``token_url`` (Amazon's
    is ``https://api.amazon.com/auth/o2/token``), one exchange at a time, each kept until
    ``refresh_ahead_seconds`` before it expires (at most half its lifetime early).

    ``clock`` reads seconds on a monotonic scale; ``timeout_seconds`` bounds each exchange.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        *,
        channel: str,
        token_url: str,
        timeout_seconds: float = 10.0,
        refresh_ahead_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not (client_id and client_secret and refresh_token):
            raise ValueError("LWA needs a client id, a client secret and a refresh token")
        self._form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._channel = channel
        self._url = token_url
        self._ahead_seconds = refresh_ahead_seconds
        self._clock = clock
        self._http = httpx.Client(timeout=timeout_seconds, transport=transport, headers={"Accept": "application/json"})
        # Held through an exchange: the threads that need a token meanwhile wait for that one.
        self._lock = threading.Lock()
        self._token: str | None = None
        self._fresh_until = 0.0

    def token(self) -> str:
        """The kept token, or a new one once it is due for renewal.

        Raises:
            ChannelApiRejected: LWA refused the channel's credentials, or answered without a token.
            ChannelApiDeferred: LWA asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of LWA's own.
        """
        with self._lock:
            if self._token is not None and self._clock() < self._fresh_until:
                return self._token
            return self._exchange()

    def renew(self, refused: str) -> str:
        """A new token, unless another thread already replaced ``refused`` with one still fresh.
        Raises as :meth:`token` does."""
        with self._lock:
            if self._token is not None and self._token != refused and self._clock() < self._fresh_until:
                return self._token
            return self._exchange()

    def close(self) -> None:
        self._http.close()

    def _exchange(self) -> str:
        """Exchange the refresh token for an access token, and keep it (see :meth:`token`)."""
        # expires_in counts from when LWA issued the token, which is after this.
        asked_at = self._clock()
        try:
            response = self._http.post(self._url, data=self._form)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(
                f"Login with Amazon failed before an answer to channel {self._channel}'s token refresh: {exc!r}"
            ) from exc
        answer = self._answer(response)
        token, lifetime = answer.get("access_token"), _seconds(answer.get("expires_in"))
        if not isinstance(token, str) or not token or lifetime is None:
            raise ChannelApiRejected(
                f"Login with Amazon answered channel {self._channel}'s token refresh without an access token "
                f"and its expires_in (keys: {sorted(answer)})"
            )
        self._token = token
        self._fresh_until = asked_at + lifetime - min(self._ahead_seconds, lifetime / 2)
        return token

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if status in (400, 401):
            # First what on-call must do: a dead letter's reason keeps only the start of this.
            raise ChannelApiRejected(
                f"Login with Amazon refused channel {self._channel}'s credentials (HTTP {status}, "
                f"{_error_code(response)}): check its lwa_client_id, lwa_client_secret and refresh_token "
                f"(a seller who revoked the app must authorize it again). LWA said: {response.text[:200]}"
            )
        what = f"Login with Amazon answered HTTP {status} to channel {self._channel}'s token refresh"
        answer = json_or_error(response, f"{what}: {response.text[:200]}")
        if not isinstance(answer, dict):
            raise ChannelApiRejected(f"{what} with JSON that is not an object")
        return answer


def authorized(tokens: AccessTokens, send: Callable[[str], httpx.Response]) -> httpx.Response:
    """``send(token)``'s answer, sent once more with a renewed token when the first is refused
    with 401 or 403 and ``tokens`` can renew it (a second refusal stands). Raises as
    :meth:`AccessTokens.token` and ``send`` do."""
    token = tokens.token()
    response = send(token)
    if response.status_code in _REFUSED:
        renewed = tokens.renew(token)
        if renewed is not None:
            response = send(renewed)
    return response


def tokens_for(
    options: LwaOptions,
    environ: Mapping[str, str],
    *,
    channel: str,
    timeout_seconds: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> AccessTokens | None:
    """Channel ``channel``'s Login with Amazon tokens, or its one fixed access token, from its
    options and ``environ``; ``None`` when they give neither."""
    login = options.lwa_from(environ)
    if login is not None:
        return LwaTokens(
            login.client_id,
            login.client_secret,
            login.refresh_token,
            channel=channel,
            token_url=login.token_url,
            timeout_seconds=timeout_seconds,
            transport=transport,
        )
    token = options.token_from(environ)
    return None if token is None else FixedToken(token)


def _error_code(response: httpx.Response) -> str:
    """OAuth's ``error`` (``invalid_grant``, ``invalid_client``...), or ``unknown``."""
    try:
        body = response.json()
    except ValueError:
        return "unknown"
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) and error else "unknown"


def _seconds(value: object) -> float | None:
    """``expires_in`` as a number of seconds, or ``None`` unless it is a positive number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        return None
    return float(value)
