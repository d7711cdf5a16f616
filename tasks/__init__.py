"""Tasks: join a canonical event to its ERP operation. Workers declare them; they call ``erp/``."""

from tasks.actors import RETRY_POLICY, declare_event_actor
from tasks.handlers import apply, handle

__all__ = ["RETRY_POLICY", "apply", "declare_event_actor", "handle"]
