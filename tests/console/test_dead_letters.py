"""Dead letters grouped by cause, filtered, and one by one; bad input gets 4xx, never 500."""

from __future__ import annotations

import html

import httpx
import pytest
from markupsafe import escape

from queues.lanes import Lane
from tests.console.conftest import DeadLetters

SCRIPT = "<script>alert('weir')</script>"


def test_the_groups_page_shows_how_many_died_of_each_cause(
    browser_session: httpx.Client, dead_letters: DeadLetters
) -> None:
    for _ in range(3):
        dead_letters.add(error_message="unknown SKU SKU-0099")
    dead_letters.add(error_class="ErpRejected", error_message="customer 1234567 is blocked")

    page = html.unescape(browser_session.get("/groups").text)

    assert "<strong>3 ×</strong> UnknownSku: unknown SKU SKU-0099" in page
    assert "<strong>1 ×</strong> ErpRejected: customer # is blocked" in page
    assert page.index("3 ×") < page.index("1 ×")


def test_the_groups_page_filters_by_lane(browser_session: httpx.Client, dead_letters: DeadLetters) -> None:
    dead_letters.add(lane=Lane.CRITICAL, error_message="unknown SKU SKU-0099")
    dead_letters.add(lane=Lane.BULK, error_message="unknown SKU SKU-0042")

    page = browser_session.get("/groups", params={"lane": "bulk"}).text

    assert "SKU-0042" in page
    assert "SKU-0099" not in page


def test_a_groups_list_shows_only_its_cause(
    browser_session: httpx.Client, script: httpx.Client, dead_letters: DeadLetters
) -> None:
    first = dead_letters.add(error_message="unknown SKU SKU-0099")
    other = dead_letters.add(error_message="unknown SKU SKU-0042")
    cause = script.get(f"/api/letters/{first}").json()["reason"]["fingerprint"]

    page = browser_session.get("/letters", params={"cause": cause}).text

    assert first in page
    assert other not in page


def test_the_detail_page_shows_why_it_died_and_the_message_escaped(
    browser_session: httpx.Client, dead_letters: DeadLetters
) -> None:
    message_id = dead_letters.add(error_message=f"unknown SKU {SCRIPT}", payload={"note": SCRIPT})

    page = browser_session.get(f"/letters/{message_id}").text

    assert SCRIPT not in page
    assert "&lt;script&gt;" in page
    assert "permanent" in page
    # The payload, pretty-printed, shows the script as text.
    assert str(escape(f'"note": "{SCRIPT}"')) in page


def test_the_api_answers_a_dead_letter_with_its_message(script: httpx.Client, dead_letters: DeadLetters) -> None:
    message_id = dead_letters.add()

    answer = script.get(f"/api/letters/{message_id}").json()

    assert answer["reason"]["message_id"] == message_id
    assert answer["reason"]["cause"] == "UnknownSku: unknown SKU SKU-0099"
    assert f'"message_id": "{message_id}"' in answer["message"]


def test_the_api_lists_and_groups_dead_letters(script: httpx.Client, dead_letters: DeadLetters) -> None:
    ids = {dead_letters.add(), dead_letters.add()}

    letters = script.get("/api/letters", params={"lane": "critical"}).json()
    groups = script.get("/api/groups").json()

    assert {letter["message_id"] for letter in letters} == ids
    assert [(group["count"], group["cause"]) for group in groups] == [(2, "UnknownSku: unknown SKU SKU-0099")]


def test_an_unknown_dead_letter_is_a_404(browser_session: httpx.Client, script: httpx.Client) -> None:
    page = browser_session.get("/letters/no-such-id")
    api = script.get("/api/letters/no-such-id")

    assert page.status_code == 404
    assert "no dead letter" in page.text
    assert (api.status_code, api.json()["error"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/groups?since=last+tuesday", "since"),
        ("/letters?lane=fast", "lane"),
        ("/letters?limit=lots", "limit"),
        ("/letters?limit=0", "limit"),
        ("/letters?cause=%3Cb%3E", "cause"),
        ("/replay?state=gone", "state"),
        ("/audit?limit=-1", "limit"),
        ("/outcome?action=explode", "action"),
        ("/api/letters?since=tomorrow-ish", "since"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(browser_session: httpx.Client, path: str, named: str) -> None:
    answer = browser_session.get(path)

    assert answer.status_code == 400
    assert named in answer.text


def test_an_unknown_page_is_a_404_page(browser_session: httpx.Client) -> None:
    answer = browser_session.get("/no/such/page")

    assert answer.status_code == 404
    assert "no such page" in answer.text
