"""How a worker process behaves around its actors."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["WorkerSettings"]


class WorkerSettings(BaseSettings):
    """``WEIR_ENTITY_LEASE_SECONDS``: how long a worker that died (SIGKILL, lost host) keeps the
    entity it was applying locked. Live workers renew their leases, so this only bounds the wait
    after a crash; keep it well above a Redis round trip.

    ``WEIR_MAX_AGE_SECONDS``: how old an event may grow, waiting through deferrals and retries,
    before it is dead-lettered as expired (channels stop retrying within about 72 h).
    ``WEIR_MAX_HOLD_SECONDS``: how long a worker holds a message while the ERP's gate is closed
    before it parks it instead.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    entity_lease_seconds: float = Field(default=15.0, ge=0.3)
    max_age_seconds: int = Field(default=72 * 3600, ge=60)
    max_hold_seconds: float = Field(default=600.0, gt=0)
