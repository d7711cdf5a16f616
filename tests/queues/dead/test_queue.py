"""Taking chosen messages out of a real RabbitMQ queue, and never losing the others."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from queues.dead import DeadLetterQueue
from queues.errors import QueueError
from queues.topology import DEAD_LETTER_ARGUMENTS
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe


@pytest.fixture
def queues(namespace: str) -> Iterator[DeadLetterQueue]:
    queues = DeadLetterQueue(RABBITMQ_URL)
    for name in (f"{namespace}.critical.XQ", f"{namespace}.quarantine"):
        queues.declare(name, DEAD_LETTER_ARGUMENTS)
    yield queues
    queues.close()


def fill(queues: DeadLetterQueue, queue: str, *ids: str) -> None:
    for message_id in ids:
        queues.publish(queue, f'{{"message_id": "{message_id}"}}'.encode(), message_id)


def ids_in(rabbit: RabbitProbe, queue: str) -> list[str]:
    return [message["message_id"] for message in rabbit.messages(queue)]


def test_only_the_wanted_messages_are_taken_and_the_others_stay_in_order(
    queues: DeadLetterQueue, namespace: str, rabbit: RabbitProbe
) -> None:
    source = f"{namespace}.critical.XQ"
    fill(queues, source, "a", "b", "c", "d")

    handed: list[str] = []

    def handle(message_id: str, fields: object, body: bytes) -> bool:
        handed.append(message_id)
        return True

    taken = queues.take(source, {"b", "d", "zz"}, handle)

    assert taken == {"b", "d"}
    assert handed == ["b", "d"]
    assert ids_in(rabbit, source) == ["a", "c"]


def test_a_take_right_after_another_finds_every_message_the_first_gave_back(
    queues: DeadLetterQueue, namespace: str
) -> None:
    # Given a purge's blocker taken first, and its followers in the same queue
    source = f"{namespace}.critical.XQ"
    for round_ in range(20):
        fill(queues, source, f"blocker-{round_}", f"follower-{round_}-1", f"follower-{round_}-2")
        queues.take(source, {f"blocker-{round_}"}, lambda message_id, fields, body: True)

        # When the followers are taken at once after
        followers = {f"follower-{round_}-1", f"follower-{round_}-2"}
        taken = queues.take(source, followers, lambda message_id, fields, body: True)

        # Then both were there to take: RabbitMQ had put them back before the first take returned
        assert taken == followers


def test_a_message_the_handler_did_not_move_stays(queues: DeadLetterQueue, namespace: str, rabbit: RabbitProbe) -> None:
    source = f"{namespace}.critical.XQ"
    fill(queues, source, "a", "b")

    taken = queues.take(source, {"a", "b"}, lambda message_id, fields, body: message_id == "a")

    assert taken == {"a"}
    assert ids_in(rabbit, source) == ["b"]


def test_a_handler_that_fails_halfway_loses_nothing(
    queues: DeadLetterQueue, namespace: str, rabbit: RabbitProbe
) -> None:
    source = f"{namespace}.critical.XQ"
    fill(queues, source, "a", "b", "c")
    moved: list[str] = []

    def handle(message_id: str, fields: object, body: bytes) -> bool:
        if message_id == "b":
            raise QueueError("the destination refused it")
        moved.append(message_id)
        return True

    with pytest.raises(QueueError):
        queues.take(source, {"a", "b", "c"}, handle)

    assert moved == ["a"]
    assert sorted(ids_in(rabbit, source)) == ["b", "c"]


def test_publishing_to_a_queue_that_does_not_exist_is_an_error(queues: DeadLetterQueue, namespace: str) -> None:
    with pytest.raises(QueueError):
        queues.publish(f"{namespace}.nowhere", b"{}", "m1")


def test_the_depth_of_a_missing_queue_is_zero_and_the_connection_survives(
    queues: DeadLetterQueue, namespace: str
) -> None:
    assert queues.depth(f"{namespace}.nowhere") == 0
    fill(queues, f"{namespace}.quarantine", "a")
    assert queues.depth(f"{namespace}.quarantine") == 1


def test_an_unreachable_rabbitmq_is_a_queue_error() -> None:
    with pytest.raises(QueueError):
        DeadLetterQueue("amqp://guest:guest@127.0.0.1:1/%2F")
