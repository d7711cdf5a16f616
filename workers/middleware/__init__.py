"""Weir's Dramatiq middleware: cross-cutting policy around every actor."""

from workers.middleware.entity_locks import EntityLocks
from workers.middleware.retry_policy import RetryPolicy

__all__ = ["EntityLocks", "RetryPolicy"]
