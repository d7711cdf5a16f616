"""Log lines name messages and events by their ids: Dramatiq's lines print a message whole, and
an event's payload carries the customer's name, e-mail and address."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from dramatiq import Message
from dramatiq.broker import MessageProxy

from weir.log_redaction import install_redaction
from workers.errors import EntityBusy
from workers.hook_logs import WORKER_THREAD_LOGGER, HookErrorLines

ENVELOPE = {
    "event_id": "e-1",
    "channel": "shop-us",
    "topic": "order.created",
    "entity_type": "order",
    "entity_id": "1001",
    "correlation_id": "trace-1",
    "payload": '{"email": "jane@example.com", "shipping_address": {"address1": "5 Elm St"}}',
}


@pytest.fixture
def redacting(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    saved = logging.getLogRecordFactory()
    install_redaction()
    caplog.set_level(logging.DEBUG)
    yield caplog
    logging.setLogRecordFactory(saved)


def message(envelope: dict[str, Any] = ENVELOPE) -> Message[Any]:
    return Message(
        queue_name="weir.critical", actor_name="apply_event", args=(envelope,), kwargs={}, options={}, message_id="m-1"
    )


def test_dramatiq_s_failure_line_names_the_message_by_its_ids(redacting: pytest.LogCaptureFixture) -> None:
    logging.getLogger("dramatiq.worker.WorkerThread").info(
        "Failed to process message %s with expected exception %s.", MessageProxy(message()), "UnknownSku"
    )

    assert redacting.messages == [
        "Failed to process message apply_event(message_id=m-1, queue=weir.critical, event_id=e-1, channel=shop-us, "
        "topic=order.created, entity_type=order, entity_id=1001, correlation_id=trace-1) "
        "with expected exception UnknownSku."
    ]


def test_an_actor_s_arguments_show_the_event_s_ids_only(redacting: pytest.LogCaptureFixture) -> None:
    logging.getLogger("dramatiq.actor.Actor").debug("Received args=%r kwargs=%r.", (ENVELOPE,), {"event": ENVELOPE})

    [line] = redacting.messages
    assert "jane@example.com" not in line and "Elm" not in line
    assert line.startswith("Received args=(event(event_id=e-1, channel=shop-us, topic=order.created,")
    assert "kwargs={'event': event(event_id=e-1," in line


def test_a_message_s_raw_fields_and_a_lone_envelope_are_redacted_too(redacting: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("weir")
    logger.warning("Could not decode %s.", message().asdict())
    logger.warning("Event %s.", ENVELOPE)

    assert all("jane@example.com" not in line and "e-1" in line for line in redacting.messages)
    assert redacting.messages[0].startswith("Could not decode apply_event(message_id=m-1, queue=weir.critical,")


def test_a_message_s_repeated_ids_are_written_once(redacting: pytest.LogCaptureFixture) -> None:
    logging.getLogger("weir").info("Message %s.", message({**ENVELOPE, "event_id": "m-1", "correlation_id": "m-1"}))

    assert redacting.messages == [
        "Message apply_event(message_id=m-1, queue=weir.critical, channel=shop-us, topic=order.created, "
        "entity_type=order, entity_id=1001)."
    ]


def test_other_arguments_are_left_alone(redacting: pytest.LogCaptureFixture) -> None:
    logging.getLogger("weir").info("Sale %s for %s lines %s, %s.", "S-1", {"sku": "SKU-1"}, ["a", 1], 2.5)
    logging.getLogger("weir").info("Stock %(sku)s.", {"sku": "SKU-1"})

    assert redacting.messages == ["Sale S-1 for {'sku': 'SKU-1'} lines ['a', 1], 2.5.", "Stock SKU-1."]


def test_a_hook_s_steering_line_keeps_its_redacted_message(redacting: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger(WORKER_THREAD_LOGGER)
    logger.addFilter(steering := HookErrorLines(logger))
    try:
        try:
            raise EntityBusy("order shop-us:1001 is being applied elsewhere")
        except EntityBusy:
            logger.error(
                "Failed to process message %s with unhandled exception.", MessageProxy(message()), exc_info=True
            )
    finally:
        logger.removeFilter(steering)

    [line] = redacting.messages
    assert line.startswith("Message apply_event(message_id=m-1, queue=weir.critical, event_id=e-1,")
    assert "jane@example.com" not in line
