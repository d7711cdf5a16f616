"""The event actor refuses a message that is no envelope, saying where without the customer's data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dramatiq import Middleware
from dramatiq.brokers.stub import StubBroker

from erp.adapter import ErpAdapter
from events.errors import PayloadError
from tasks.actors import declare_event_actor


class RetryOptions(Middleware):
    """Declares the retry options the actor names (the workers' retry policy reads them)."""

    @property
    def actor_options(self) -> set[str]:
        return {"max_failures", "min_backoff_ms", "max_backoff_ms", "throws", "time_limit"}


@pytest.fixture
def stub_broker() -> Iterator[StubBroker]:
    broker = StubBroker(middleware=[RetryOptions()])
    yield broker
    broker.close()


def test_a_message_that_is_no_envelope_is_refused_without_repeating_its_payload(stub_broker: StubBroker) -> None:
    # A pure check of the actor's first step: nothing reaches the ERP, so no ERP is given.
    erp: ErpAdapter = None  # type: ignore[assignment]
    actor = declare_event_actor(stub_broker, erp, actor_name="apply_event", queue_name="test")
    message = {"event_id": "e-1", "payload": '{"email": "ada@example.com", "name": "Ada Lovelace"}'}

    with pytest.raises(PayloadError) as raised:
        actor.fn(message)

    assert "the message does not carry an event envelope" in str(raised.value)
    assert "ada@example.com" not in str(raised.value)
    assert "Ada Lovelace" not in str(raised.value)
