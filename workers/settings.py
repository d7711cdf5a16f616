"""How a worker process behaves around its actors."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["WorkerSettings"]


class WorkerSettings(BaseSettings):
    """``WEIR_ENTITY_LEASE_SECONDS``: how long a worker that died (SIGKILL, lost host) keeps the
    entity it was applying locked. Live workers renew their leases, so this only bounds the wait
    after a crash; keep it well above a Redis round trip.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    entity_lease_seconds: float = Field(default=15.0, ge=0.3)
