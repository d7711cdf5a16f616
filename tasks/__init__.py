"""Tasks: join a canonical event to its ERP operation. Workers declare them; they call ``erp/``."""

from tasks.actors import RETRY_POLICY, declare_event_actor
from tasks.errors import ChannelApiDeferred, ChannelApiError, ChannelApiRejected, ChannelApiTransient
from tasks.handlers import apply, handle
from tasks.resources import ChannelResources, ResourceFetcher

__all__ = [
    "RETRY_POLICY",
    "ChannelApiDeferred",
    "ChannelApiError",
    "ChannelApiRejected",
    "ChannelApiTransient",
    "ChannelResources",
    "ResourceFetcher",
    "apply",
    "declare_event_actor",
    "handle",
]
