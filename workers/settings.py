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

    ``WEIR_MARK_TTL_SECONDS``: how long an entity's stale-write mark (the source version last
    applied) is kept after its last write; a state event older than the mark is skipped. Keep it
    above the longest a channel re-sends old payloads and a dead letter may wait for its replay.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    entity_lease_seconds: float = Field(default=15.0, ge=0.3)
    max_age_seconds: int = Field(default=72 * 3600, ge=60)
    max_hold_seconds: float = Field(default=600.0, gt=0)
    mark_ttl_seconds: int = Field(default=30 * 86_400, ge=3600)
