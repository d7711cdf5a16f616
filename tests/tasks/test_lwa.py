"""Login with Amazon access tokens as the worker gets them, from a real local server standing in
for LWA's token endpoint: exchanged once and kept, renewed before they expire (on a clock the
test turns) or when SP-API refuses one, one exchange at a time, and LWA's failures classified."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from tasks import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient
from tasks.lwa import FixedToken, LwaTokens
from tests.support.lwa import LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, FakeLwa
from tests.support.net import free_port


class Clock:
    """Monotonic seconds that move only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


Tokens = Callable[..., LwaTokens]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tokens(lwa: FakeLwa, clock: Clock) -> Iterator[Tokens]:
    """Builds LwaTokens on the fake LWA (by default with the credentials it knows), closed after the test."""
    built: list[LwaTokens] = []

    def build(
        client_secret: str = LWA_CLIENT_SECRET,
        refresh_token: str = LWA_REFRESH_TOKEN,
        url: str = lwa.url,
        timeout_seconds: float = 5,
    ) -> LwaTokens:
        source = LwaTokens(
            LWA_CLIENT_ID,
            client_secret,
            refresh_token,
            channel="amz-test",
            token_url=url,
            timeout_seconds=timeout_seconds,
            clock=clock,
        )
        built.append(source)
        return source

    yield build
    for source in built:
        source.close()


def test_the_refresh_token_is_exchanged_once_and_the_access_token_kept_across_calls(
    lwa: FakeLwa, tokens: Tokens
) -> None:
    source = tokens()

    first, second = source.token(), source.token()

    assert first == second == lwa.issued[0]
    assert lwa.forms == [
        {
            "grant_type": "refresh_token",
            "refresh_token": LWA_REFRESH_TOKEN,
            "client_id": LWA_CLIENT_ID,
            "client_secret": LWA_CLIENT_SECRET,
        }
    ]


def test_an_access_token_is_exchanged_again_a_minute_before_it_expires(
    lwa: FakeLwa, tokens: Tokens, clock: Clock
) -> None:
    # Given a token LWA says lasts an hour
    source = tokens()
    first = source.token()

    # When 59 minutes have passed it is still used; a moment later a new one is
    clock.now += 3600 - 60 - 0.001
    assert source.token() == first
    clock.now += 0.001
    renewed = source.token()

    assert renewed != first
    assert lwa.issued == [first, renewed]


def test_a_short_lived_token_is_kept_for_half_its_lifetime(lwa: FakeLwa, tokens: Tokens, clock: Clock) -> None:
    lwa.expires_in = 30
    source = tokens()
    first = source.token()

    clock.now += 14.9
    assert source.token() == first
    clock.now += 0.1
    assert source.token() != first


def test_threads_needing_a_token_at_once_share_one_exchange(lwa: FakeLwa, tokens: Tokens) -> None:
    # Given an LWA slow enough that every thread asks while the first exchange is in flight
    lwa.stall(0.3)
    source = tokens()
    start = threading.Barrier(8)
    got: list[str] = []

    def take() -> None:
        start.wait()
        got.append(source.token())

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert got == [lwa.issued[0]] * 8
    assert len(lwa.forms) == 1


def test_a_refused_token_is_renewed_once_however_many_callers_saw_it_refused(lwa: FakeLwa, tokens: Tokens) -> None:
    source = tokens()
    refused = source.token()

    # When two callers, each refused with the same token, ask for another
    first, second = source.renew(refused), source.renew(refused)

    assert first == second == lwa.issued[1]
    assert source.token() == first
    assert len(lwa.forms) == 2


@pytest.mark.parametrize(
    ("credentials", "error"),
    [
        ({"refresh_token": "Atzr|revoked"}, "invalid_grant"),
        ({"client_secret": "rotated"}, "invalid_client"),
    ],
    ids=["refresh-token", "client-secret"],
)
def test_credentials_lwa_refuses_are_permanent_and_named(
    tokens: Tokens, credentials: dict[str, str], error: str
) -> None:
    with pytest.raises(ChannelApiRejected) as caught:
        tokens(**credentials).token()

    assert caught.value.permanent
    reason = str(caught.value)
    assert reason.startswith("Login with Amazon refused channel amz-test's credentials (HTTP 4")
    assert error in reason and "lwa_client_id, lwa_client_secret and refresh_token" in reason
    assert LWA_CLIENT_SECRET not in reason and LWA_REFRESH_TOKEN not in reason


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, ChannelApiTransient), (503, ChannelApiTransient), (429, ChannelApiDeferred), (403, ChannelApiRejected)],
)
def test_lwa_s_other_failures_are_classified_once(
    lwa: FakeLwa, tokens: Tokens, status: int, error: type[Exception]
) -> None:
    lwa.answer_next(status)

    with pytest.raises(error):
        tokens().token()


def test_a_failed_exchange_is_tried_again_at_the_next_call(lwa: FakeLwa, tokens: Tokens) -> None:
    source = tokens()
    lwa.answer_next(503)
    with pytest.raises(ChannelApiTransient):
        source.token()

    assert source.token() == lwa.issued[0]


@pytest.mark.parametrize(
    "body",
    [{"token_type": "bearer"}, {"access_token": "Atza|x", "expires_in": 0}, {"access_token": "", "expires_in": 60}],
    ids=["no-token", "no-lifetime", "empty-token"],
)
def test_an_answer_without_a_token_and_its_lifetime_is_refused(lwa: FakeLwa, tokens: Tokens, body: object) -> None:
    lwa.answer_next(200, body=body)

    with pytest.raises(ChannelApiRejected, match="without an access token and its expires_in"):
        tokens().token()


def test_an_lwa_that_does_not_answer_in_time_is_transient(lwa: FakeLwa, tokens: Tokens) -> None:
    lwa.stall(1)

    with pytest.raises(ChannelApiTransient, match="failed before an answer"):
        tokens(timeout_seconds=0.2).token()


def test_an_lwa_nobody_listens_on_is_transient(tokens: Tokens) -> None:
    with pytest.raises(ChannelApiTransient):
        tokens(url=f"http://127.0.0.1:{free_port()}/auth/o2/token", timeout_seconds=1).token()


def test_a_fixed_token_is_never_renewed() -> None:
    fixed = FixedToken("Atza|fixed")

    assert fixed.token() == "Atza|fixed"
    assert fixed.renew("Atza|fixed") is None
