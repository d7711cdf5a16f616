"""Error reporting to Sentry, for every entry point.

Deferrals (a busy entity, a throttled or unavailable ERP) are how Weir works, not errors: they
never reach Sentry. An entry point may drop more (the workers drop each failed attempt, since
their retry policy reports a dead letter once, see :mod:`workers.reporting`); what Weir reports
on purpose (:func:`report`) is never dropped. Every event carries the ids of
:mod:`weir.log_context` bound where it was captured as tags, so an issue leads to its log lines.
The Dramatiq integration must be initialised before the broker is built, because it patches the
broker's constructor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sentry_sdk
from sentry_sdk.integrations import Integration
from sentry_sdk.transport import Transport
from sentry_sdk.types import Event, Hint

from weir import log_context
from weir.settings import ServiceSettings

__all__ = ["Drop", "init_reporting", "is_deferral", "report"]

#: Whether an event Sentry is about to send should be dropped instead.
Drop = Callable[[Event, Hint], bool]

# Marks the events Weir reports on purpose, in their hint: no drop rule applies to them.
_DELIBERATE = "weir_deliberate"


def init_reporting(
    settings: ServiceSettings,
    integrations: list[Integration] | None = None,
    *,
    drop: Sequence[Drop] = (),
    transport: Transport | None = None,
) -> bool:
    """Start reporting to ``WEIR_SENTRY_DSN``; return whether reporting is on.

    Deferrals and whatever a rule of ``drop`` matches are not sent. ``transport`` replaces the
    network (tests record envelopes with it).
    """
    if settings.sentry_dsn is None:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.environment,
        integrations=integrations or [],
        before_send=_BeforeSend((is_deferral, *drop)),
        # Webhook bodies and event payloads hold customers' names and addresses; an event's ids
        # (tags) find it in the dead letters and the logs instead.
        max_request_body_size="never",
        # A frame's locals hold the envelope and the order being applied: the same data again.
        include_local_variables=False,
        transport=transport,
    )
    return True


def report(event: Event, hint: Hint | None = None) -> None:
    """Send ``event`` to Sentry (if reporting is on), whatever the drop rules say."""
    sentry_sdk.capture_event(event, hint={**(hint or {}), _DELIBERATE: True})


def is_deferral(event: Event, hint: Hint) -> bool:
    """Whether the event is about an exception that only defers its message."""
    exc_info = hint.get("exc_info")
    return bool(exc_info and getattr(exc_info[1], "deferral", False))


class _BeforeSend:
    def __init__(self, drops: Sequence[Drop]) -> None:
        self._drops = tuple(drops)

    def __call__(self, event: Event, hint: Hint) -> Event | None:
        if not hint.get(_DELIBERATE) and any(drop(event, hint) for drop in self._drops):
            return None
        _tag_with_ids(event)
        return event


def _tag_with_ids(event: Event) -> None:
    # before_send runs in the thread (or task) that captured the event, where its ids are bound.
    tags: dict[str, Any] = event.setdefault("tags", {})  # type: ignore[assignment]
    for name, value in log_context.current().items():
        tags.setdefault(name, value)
