"""Replay and purge from the console: a plan, a confirmation with a reason, the action, audited."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import httpx
import pytest
import redis

from queues.dead import REPLAYS_OPTION, audit_log, dead_letter_store
from queues.dead.holds import entity_holds
from queues.lanes import Lane
from queues.topology import lane_queues, quarantine_queue
from tests.console.conftest import DeadLetters, csrf_of
from tests.support.rabbit import RabbitProbe

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirmation(page: str) -> list[tuple[str, str]]:
    """The hidden fields of a plan page's confirmation form, as the browser would post them."""
    form = page[page.index('id="confirm"') :]
    return [(name, html.unescape(value)) for name, value in HIDDEN.findall(form)]


def confirm(client: httpx.Client, action: str, plan_page: str, why: str) -> httpx.Response:
    fields = [*confirmation(plan_page), ("why", why)]
    return client.post(f"/{action}", content=urlencode(fields), headers=FORM)


def test_a_replay_shows_its_plan_then_moves_the_message_to_the_replay_lane_and_audits_it(
    browser_session: httpx.Client,
    dead_letters: DeadLetters,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
    namespace: str,
) -> None:
    # Given two dead letters of one cause and one of another
    first, second = dead_letters.add(), dead_letters.add()
    other = dead_letters.add(error_message="unknown SKU SKU-0042")
    reason = dead_letter_store(redis_client, namespace).get(first)
    assert reason is not None
    cause = reason.fingerprint

    # When on-call plans a replay of the cause
    plan = browser_session.get("/replay", params={"cause": cause})

    # Then the plan says what would happen, and nothing happened yet
    assert plan.status_code == 200
    assert "Replay 2 dead letter(s)</strong> through the replay lane" in plan.text
    assert "at the replay lane's share of the ERP budget" in plan.text
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 3

    # When they confirm with a reason
    answer = confirm(browser_session, "replay", plan.text, "SKU-0099 added to the catalogue")

    # Then the two messages wait in the replay lane, counted as replayed once, and it is audited
    assert answer.status_code == 303
    outcome = browser_session.get(answer.headers["location"])
    assert "2 replayed." in outcome.text
    replayed = rabbit.messages(lane_queues(namespace, Lane.REPLAY).ready)
    assert {message["message_id"] for message in replayed} == {first, second}
    assert all(message["options"][REPLAYS_OPTION] == 1 for message in replayed)
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1
    assert dead_letter_store(redis_client, namespace).get(other) is not None
    [entry] = audit_log(redis_client, namespace).read()
    assert (entry.action, entry.count, entry.who) == ("replay", 2, "console:ana@127.0.0.1")
    assert (entry.why, entry.selection) == ("SKU-0099 added to the catalogue", {"fingerprint": cause})
    assert "SKU-0099 added to the catalogue" in browser_session.get("/audit").text


def test_a_purge_deletes_the_message_and_its_reason_and_audits_it(
    browser_session: httpx.Client,
    dead_letters: DeadLetters,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
    namespace: str,
) -> None:
    message_id = dead_letters.add()
    plan = browser_session.get("/purge", params={"id": message_id})
    assert "Purge 1 dead letter(s)</strong>: their messages and reasons are deleted for good" in plan.text

    answer = confirm(browser_session, "purge", plan.text, "test order, never real")

    assert answer.status_code == 303
    assert "1 purged." in browser_session.get(answer.headers["location"]).text
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0
    assert rabbit.count(lane_queues(namespace, Lane.REPLAY).ready) == 0
    assert dead_letter_store(redis_client, namespace).get(message_id) is None
    [entry] = audit_log(redis_client, namespace).read()
    assert (entry.action, entry.count, entry.why) == ("purge", 1, "test order, never real")
    assert entry.selection == {"ids": [message_id]}


ENTITY = "shop-us:order:1001"


def blocked(dead_letters: DeadLetters, redis_client: redis.Redis, namespace: str) -> tuple[str, list[str]]:
    """A dead letter blocking ENTITY, and two events parked behind it, in order."""
    holds = entity_holds(redis_client, namespace)
    blocker = dead_letters.add(entity_key=ENTITY)
    holds.block(ENTITY, blocker)
    parked = []
    for _ in range(2):
        follower = dead_letters.add(
            classification="parked",
            error_class="EntityParked",
            error_message=f"waits behind dead letter {blocker}",
            entity_key=ENTITY,
            blocked_by=blocker,
        )
        holds.check(ENTITY, follower)
        parked.append(follower)
    return blocker, parked


def test_a_replay_plan_shows_the_parked_events_that_follow_and_the_outcome_counts_them(
    browser_session: httpx.Client,
    dead_letters: DeadLetters,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
    namespace: str,
) -> None:
    # Given a dead letter with two events of its order parked behind it
    blocker, parked = blocked(dead_letters, redis_client, namespace)

    # When on-call plans the blocker's replay
    plan = browser_session.get("/replay", params={"id": blocker}).text

    # Then the plan says the parked events follow, and lists them in their order
    assert "2 parked event(s) behind them follow, each once the one ahead applied." in plan
    followers = plan[plan.index('id="followers"') : plan.index('id="confirm"')]
    assert [followers.index(message_id) for message_id in parked] == sorted(
        followers.index(message_id) for message_id in parked
    )
    assert ENTITY in followers and blocker in followers

    # And once confirmed, the outcome counts them, and they wait in the replay lane behind it
    answer = confirm(browser_session, "replay", plan, "SKU-0099 added to the catalogue")
    outcome = browser_session.get(answer.headers["location"]).text
    assert "1 replayed." in outcome
    assert "2 parked event(s) released behind them, to apply in their order." in outcome
    replayed = rabbit.messages(lane_queues(namespace, Lane.REPLAY).ready)
    assert [message["message_id"] for message in replayed] == [blocker, *parked]


def test_a_purge_plan_says_the_parked_events_behind_are_released(
    browser_session: httpx.Client, dead_letters: DeadLetters, redis_client: redis.Redis, namespace: str
) -> None:
    blocker, parked = blocked(dead_letters, redis_client, namespace)

    plan = browser_session.get("/purge", params={"id": blocker}).text

    assert "2 parked event(s) behind them are released to the replay lane." in plan
    assert all(message_id in plan for message_id in parked)


def test_a_dead_letter_replayed_too_often_is_quarantined_unless_forced(
    browser_session: httpx.Client, dead_letters: DeadLetters, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given a dead letter replayed three times already (the default limit)
    message_id = dead_letters.add(replays=3)

    # When on-call replays it without force, it goes to quarantine, as the plan said
    plan = browser_session.get("/replay", params={"id": message_id}).text
    assert "1 were replayed too often already and go to quarantine instead" in plan
    confirm(browser_session, "replay", plan, "one more try")
    assert rabbit.count(quarantine_queue(namespace)) == 1

    # When they replay it with force, it reaches the replay lane
    forced = browser_session.get("/replay", params={"id": message_id, "force": "1"}).text
    assert "Replay 1 dead letter(s)" in forced
    answer = confirm(browser_session, "replay", forced, "the SKU exists now, really")
    assert "1 replayed." in browser_session.get(answer.headers["location"]).text
    assert rabbit.count(quarantine_queue(namespace)) == 0
    assert rabbit.count(lane_queues(namespace, Lane.REPLAY).ready) == 1


def test_nothing_is_done_when_the_selection_changed_since_the_plan(
    browser_session: httpx.Client, dead_letters: DeadLetters, rabbit: RabbitProbe, namespace: str
) -> None:
    dead_letters.add()
    plan = browser_session.get("/replay", params={"lane": "critical"}).text
    dead_letters.add()  # another order died meanwhile

    answer = confirm(browser_session, "replay", plan, "SKU-0099 added")

    assert answer.status_code == 409
    assert "it now picks 2" in answer.text
    assert "Replay 2 dead letter(s)" in answer.text
    assert rabbit.count(lane_queues(namespace, Lane.REPLAY).ready) == 0


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"lane": "critical", "expected": "1"}, "say why"),
        ({"lane": "critical", "expected": "1", "why": "   "}, "say why"),
        ({"expected": "1", "why": "everything"}, "name a filter"),
        ({"lane": "critical", "expected": "many", "why": "x"}, "expected"),
        ({"lane": "sideways", "expected": "1", "why": "x"}, "lane"),
    ],
)
def test_an_action_needs_a_reason_and_a_filter(
    browser_session: httpx.Client,
    dead_letters: DeadLetters,
    rabbit: RabbitProbe,
    namespace: str,
    fields: dict[str, str],
    says: str,
) -> None:
    dead_letters.add()
    csrf = csrf_of(browser_session.get("/").text)

    answer = browser_session.post("/replay", data={**fields, "csrf": csrf})

    assert answer.status_code == 400
    assert says in answer.text
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1


def test_every_dead_letter_can_be_replayed_once_confirmed_explicitly(
    browser_session: httpx.Client, dead_letters: DeadLetters, rabbit: RabbitProbe, namespace: str
) -> None:
    dead_letters.add(lane=Lane.CRITICAL)
    dead_letters.add(lane=Lane.BULK)
    plan = browser_session.get("/replay").text
    assert ("all", "1") in confirmation(plan)

    confirm(browser_session, "replay", plan, "the ERP is back")

    assert rabbit.count(lane_queues(namespace, Lane.REPLAY).ready) == 2
