"""Error reporting to Sentry, for every entry point.

Deferrals (a busy entity, a throttled or unavailable ERP) are how Weir works, not errors: they
never reach Sentry. The Dramatiq integration must be initialised before the broker is built,
because it patches the broker's constructor.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations import Integration
from sentry_sdk.types import Event

from weir.settings import ServiceSettings

__all__ = ["init_reporting"]


def init_reporting(settings: ServiceSettings, integrations: list[Integration] | None = None) -> bool:
    """Start reporting to ``WEIR_SENTRY_DSN``; return whether reporting is on."""
    if settings.sentry_dsn is None:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.environment,
        integrations=integrations or [],
        before_send=_drop_deferrals,
    )
    return True


def _drop_deferrals(event: Event, hint: dict[str, Any]) -> Event | None:
    exc_info = hint.get("exc_info")
    if exc_info and getattr(exc_info[1], "deferral", False):
        return None
    return event
