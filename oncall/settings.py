"""What on-call's tools aim for: each lane's service level, and how worker processes are sized."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from queues.lanes import Lane

__all__ = ["OnCallSettings"]


class OnCallSettings(BaseSettings):
    """``WEIR_SLO_<LANE>_SECONDS``: how long an event of that lane may wait for the ERP before
    ``weir status`` and the metrics raise an alert (critical 5 min, standard 30 min, bulk 2 h,
    replay 1 h, reconcile 1 h, outbound 10 min). ``WEIR_WORKER_THREADS_<LANE>``: the threads each
    of that lane's worker processes runs (the Procfile's ``--threads``: critical 16, standard 2,
    outbound 2, the others 1), to turn the ERP calls a lane needs in flight into ``desired_workers``.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    slo_critical_seconds: float = Field(default=300.0, gt=0)
    slo_standard_seconds: float = Field(default=1_800.0, gt=0)
    slo_bulk_seconds: float = Field(default=7_200.0, gt=0)
    slo_replay_seconds: float = Field(default=3_600.0, gt=0)
    slo_reconcile_seconds: float = Field(default=3_600.0, gt=0)
    slo_outbound_seconds: float = Field(default=600.0, gt=0)
    worker_threads_critical: int = Field(default=16, ge=1)
    worker_threads_standard: int = Field(default=2, ge=1)
    worker_threads_bulk: int = Field(default=1, ge=1)
    worker_threads_replay: int = Field(default=1, ge=1)
    worker_threads_reconcile: int = Field(default=1, ge=1)
    worker_threads_outbound: int = Field(default=2, ge=1)

    def slo_seconds(self, lane: Lane) -> float:
        """The SLO of ``lane``, in seconds."""
        return float(getattr(self, f"slo_{lane.value}_seconds"))

    def worker_threads(self, lane: Lane) -> int:
        """The threads each worker process of ``lane`` runs."""
        return int(getattr(self, f"worker_threads_{lane.value}"))
