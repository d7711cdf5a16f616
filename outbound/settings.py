"""How the outbound process reads the ERP: how often, how far back, and its lease."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["OutboundSettings"]


class OutboundSettings(BaseSettings):
    """``WEIR_OUTBOUND_*``: the ``outbound`` process's settings.

    ``INTERVAL_SECONDS``: how long the process waits between two reads of the ERP.
    ``OVERLAP_SECONDS``: how far before its cursors a read starts again, for a change the ERP
    committed late under an earlier timestamp (what it reads twice is dropped downstream).
    ``FIRST_LOOKBACK_SECONDS``: how far back the very first read looks. ``LEASE_SECONDS``: how
    long a process that died keeps the others from reading (one reads at a time, fleet-wide).
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_OUTBOUND_", extra="ignore")

    interval_seconds: float = Field(default=10.0, gt=0)
    overlap_seconds: float = Field(default=60.0, ge=0)
    first_lookback_seconds: float = Field(default=300.0, ge=0)
    lease_seconds: float = Field(default=60.0, gt=0)
