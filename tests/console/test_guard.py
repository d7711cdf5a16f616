"""Nothing in the console without the token; no action without the session's CSRF token."""

from __future__ import annotations

import httpx
import pytest

from queues.lanes import Lane
from queues.topology import lane_queues
from tests.console.conftest import TOKEN, DeadLetters, csrf_of
from tests.support.rabbit import RabbitProbe

PAGES = ["/", "/groups", "/letters", "/letters/some-id", "/replay", "/purge", "/audit", "/outcome"]
APIS = ["/api/status", "/api/groups", "/api/letters", "/api/letters/some-id"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_without_the_token_gets_the_login_form(anonymous: httpx.Client, path: str) -> None:
    answer = anonymous.get(path)

    assert answer.status_code == 401
    assert 'name="token"' in answer.text
    assert f'name="next" value="{path}"' in answer.text


@pytest.mark.parametrize("path", APIS)
def test_the_api_without_the_token_answers_401_in_json(anonymous: httpx.Client, path: str) -> None:
    answer = anonymous.get(path)

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer wrong-token-of-some-length"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Cookie": "weir_console_session=forged.value"},
    ],
)
def test_a_wrong_token_or_session_gets_401(anonymous: httpx.Client, headers: dict[str, str]) -> None:
    assert anonymous.get("/api/status", headers=headers).status_code == 401
    assert anonymous.get("/", headers=headers).status_code == 401


def test_a_wrong_bearer_token_is_refused_even_with_a_valid_session(browser_session: httpx.Client) -> None:
    answer = browser_session.get("/api/status", headers={"Authorization": "Bearer wrong-token-of-some-length"})

    assert answer.status_code == 401


def test_scripts_read_the_api_with_the_bearer_token(script: httpx.Client) -> None:
    answer = script.get("/api/status")

    assert answer.status_code == 200
    assert [lane["lane"] for lane in answer.json()["lanes"]] == [lane.value for lane in Lane]


def test_logging_in_with_the_wrong_token_is_refused(anonymous: httpx.Client) -> None:
    answer = anonymous.post("/login", data={"token": "not-the-token-at-all", "next": "/"})

    assert answer.status_code == 401
    assert "not the console&#39;s token" in answer.text
    assert "set-cookie" not in answer.headers


def test_logging_in_sets_a_strict_http_only_cookie_without_the_token(anonymous: httpx.Client) -> None:
    answer = anonymous.post("/login", data={"token": TOKEN, "name": "ana", "next": "/groups?lane=bulk"})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/groups?lane=bulk"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert TOKEN not in cookie
    assert anonymous.get("/groups").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\t/evil.example"])
def test_after_login_the_console_only_sends_people_to_its_own_pages(anonymous: httpx.Client, target: str) -> None:
    answer = anonymous.post("/login", data={"token": TOKEN, "next": target})

    assert answer.headers["location"] == "/"


def test_logging_out_ends_the_session(browser_session: httpx.Client) -> None:
    csrf = csrf_of(browser_session.get("/").text)

    assert browser_session.post("/logout", data={"csrf": csrf}).status_code == 303
    assert browser_session.get("/").status_code == 401


@pytest.mark.parametrize("csrf", [None, "", "forged-csrf-token"])
def test_an_action_without_the_sessions_csrf_token_is_forbidden_and_does_nothing(
    browser_session: httpx.Client, dead_letters: DeadLetters, rabbit: RabbitProbe, namespace: str, csrf: str | None
) -> None:
    message_id = dead_letters.add()
    form = {"id": message_id, "why": "try", "expected": "1"} | ({"csrf": csrf} if csrf is not None else {})

    for action in ("/replay", "/purge"):
        assert browser_session.post(action, data=form).status_code == 403

    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1


def test_a_script_cannot_act_with_the_bearer_token_alone(
    script: httpx.Client, dead_letters: DeadLetters, rabbit: RabbitProbe, namespace: str
) -> None:
    message_id = dead_letters.add()

    answer = script.post("/replay", data={"id": message_id, "why": "try", "expected": "1"})

    assert answer.status_code == 403
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1


def test_every_answer_forbids_scripts_frames_and_caching(browser_session: httpx.Client) -> None:
    headers = browser_session.get("/").headers

    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


def test_the_health_check_and_the_stylesheet_need_no_token(anonymous: httpx.Client) -> None:
    assert anonymous.get("/healthz").json() == {"status": "ok"}
    assert anonymous.get("/static/console.css").status_code == 200
