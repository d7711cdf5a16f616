"""How reconciliation runs: how often, how far back, and how hard it tries a channel."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ReconcileSettings"]


class ReconcileSettings(BaseSettings):
    """``WEIR_RECONCILE_*``: the ``reconcile`` process's settings.

    ``INTERVAL_SECONDS``: how long the process waits between runs (each run covers every channel
    with API credentials). ``OVERLAP_SECONDS``: how far before its cursor a run starts again, for
    orders a channel indexes late. ``FIRST_LOOKBACK_HOURS``: how far back a channel's first run
    looks. ``MAX_WINDOW_HOURS``: the longest window one scheduled run lists (a channel further
    behind catches up over the following runs). ``MAX_PAGES``: the most pages one run lists per
    channel (a run past it stops, cursor unmoved; ``--since`` splits a longer backfill).
    ``ATTEMPTS``: tries of one page when the channel fails (5xx, no answer) before the run stops
    for that channel; ``BACKOFF_MS`` the first wait between them, doubling; ``MAX_THROTTLES``:
    429s one page may wait out before the same.
    ``SEEN_DAYS``: how long an enqueued order version is remembered, so overlapping runs do not
    enqueue it twice. ``ERP_MAX_WAIT_SECONDS``: the longest a sale lookup waits for the ERP's gate
    (an open breaker) before the run stops.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_RECONCILE_", extra="ignore")

    interval_seconds: float = Field(default=300.0, gt=0)
    overlap_seconds: float = Field(default=300.0, ge=0)
    first_lookback_hours: float = Field(default=24.0, gt=0)
    max_window_hours: float = Field(default=24.0, gt=0)
    max_pages: int = Field(default=400, ge=1)
    attempts: int = Field(default=4, ge=1)
    backoff_ms: int = Field(default=1_000, ge=0)
    max_throttles: int = Field(default=60, ge=0)
    seen_days: int = Field(default=7, ge=1)
    erp_max_wait_seconds: float = Field(default=60.0, gt=0)
