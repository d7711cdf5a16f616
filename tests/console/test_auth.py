"""Sessions and CSRF tokens: derived from the token, never containing it, checked in full."""

from __future__ import annotations

import pytest

from console.auth import SessionKeys

TOKEN = "a-console-token-for-unit-tests"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_names_its_operator_and_carries_a_csrf_token() -> None:
    keys = SessionKeys(TOKEN, max_age_seconds=3600)

    operator = keys.verify(keys.issue("console:ana@127.0.0.1"))

    assert operator is not None
    assert operator.who == "console:ana@127.0.0.1"
    assert operator.csrf


def test_the_cookie_holds_no_token() -> None:
    cookie = SessionKeys(TOKEN, max_age_seconds=3600).issue("console:127.0.0.1")

    assert TOKEN not in cookie


def test_a_tampered_session_is_refused() -> None:
    keys = SessionKeys(TOKEN, max_age_seconds=3600)
    payload, _, mac = keys.issue("console:ana@127.0.0.1").partition(".")
    forged = keys.issue("console:mallory@127.0.0.1").partition(".")[0]

    assert keys.verify(f"{forged}.{mac}") is None
    assert keys.verify(f"{payload}.{mac[:-2]}xx") is None
    assert keys.verify(payload) is None
    assert keys.verify("") is None


def test_a_session_ends_after_its_maximum_age() -> None:
    clock = Clock()
    keys = SessionKeys(TOKEN, max_age_seconds=3600, clock=clock)
    cookie = keys.issue("console:127.0.0.1")

    clock.now += 3599
    assert keys.verify(cookie) is not None
    clock.now += 2
    assert keys.verify(cookie) is None


def test_changing_the_token_ends_every_session() -> None:
    cookie = SessionKeys(TOKEN, max_age_seconds=3600).issue("console:127.0.0.1")

    assert SessionKeys(TOKEN + "-rotated", max_age_seconds=3600).verify(cookie) is None


def test_each_session_has_its_own_csrf_token() -> None:
    keys = SessionKeys(TOKEN, max_age_seconds=3600)

    assert keys.csrf_of(keys.issue("console:ana@127.0.0.1")) != keys.csrf_of(keys.issue("console:ana@127.0.0.1"))


@pytest.mark.parametrize("presented", ["", TOKEN[:-1], TOKEN + "x", TOKEN.upper()])
def test_only_the_token_itself_matches(presented: str) -> None:
    keys = SessionKeys(TOKEN, max_age_seconds=3600)

    assert keys.token_matches(TOKEN)
    assert not keys.token_matches(presented)


def test_an_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        SessionKeys("", max_age_seconds=3600)
