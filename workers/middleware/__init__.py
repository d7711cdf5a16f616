"""Weir's Dramatiq middleware: cross-cutting policy around every actor."""

from workers.middleware.entity_hold import EntityHold
from workers.middleware.entity_locks import EntityLocks
from workers.middleware.gate_hold import GateHold
from workers.middleware.lane_activity import LaneActivity
from workers.middleware.lane_context import LaneContext
from workers.middleware.log_context import LogContext
from workers.middleware.retry_policy import RetryPolicy
from workers.middleware.stale_fence import StaleFence

__all__ = [
    "EntityHold",
    "EntityLocks",
    "GateHold",
    "LaneActivity",
    "LaneContext",
    "LogContext",
    "RetryPolicy",
    "StaleFence",
]
