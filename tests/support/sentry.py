"""A real Sentry client for tests, whose transport keeps envelopes in memory instead of sending them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sentry_sdk
from pydantic import SecretStr
from sentry_sdk.envelope import Envelope
from sentry_sdk.integrations import Integration
from sentry_sdk.transport import Transport
from sentry_sdk.types import Event

from weir.reporting import Drop, init_reporting
from weir.settings import ServiceSettings

__all__ = ["RecordingTransport", "recording_sentry"]

#: A well-formed DSN nobody listens at; the transport never uses the network anyway.
DSN = "https://public@sentry.invalid/1"


class RecordingTransport(Transport):
    """Keeps every envelope the client would send."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    @property
    def events(self) -> list[Event]:
        """The error events sent (not transactions, sessions or client reports)."""
        return [event for envelope in self.envelopes if (event := envelope.get_event()) is not None]


@contextmanager
def recording_sentry(
    service: ServiceSettings, integrations: list[Integration] | None = None, drop: Sequence[Drop] = ()
) -> Iterator[RecordingTransport]:
    """Weir's reporting initialised as an entry point does it, for the ``with`` block; then off again."""
    transport = RecordingTransport()
    settings = service.model_copy(update={"sentry_dsn": SecretStr(DSN)})
    assert init_reporting(settings, integrations, drop=drop, transport=transport)
    try:
        yield transport
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)
