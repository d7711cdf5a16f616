"""What on-call's tools aim for: each lane's service level, and how worker processes are sized."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from queues.lanes import Lane

__all__ = ["OnCallSettings"]


class OnCallSettings(BaseSettings):
    """``WEIR_SLO_<LANE>_SECONDS``: how long an event of that lane may wait for the ERP before
    ``weir status`` and the metrics raise an alert (critical 5 min, standard 30 min, bulk 2 h,
    replay 1 h,
    reconcile 1 h, outbound 10 min). ``WEIR_WORKER_THREADS``: the threads each worker process runs (the Procfile's
    ``--threads``), to turn the ERP calls a lane needs in flight into ``desired_workers``.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    slo_critical_seconds: float = Field(default=300.0, gt=0)
    slo_standard_seconds: float = Field(default=1_800.0, gt=0)
    slo_bulk_seconds: float = Field(default=7_200.0, gt=0)
    slo_replay_seconds: float = Field(default=3_600.0, gt=0)
    slo_reconcile_seconds: float = Field(default=3_600.0, gt=0)
    slo_outbound_seconds: float = Field(default=600.0, gt=0)
    worker_threads: int = Field(default=2, ge=1)

    def slo_seconds(self, lane: Lane) -> float:
        """The SLO of ``lane``, in seconds."""
        return float(getattr(self, f"slo_{lane.value}_seconds"))
