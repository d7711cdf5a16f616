"""A generic HMAC channel's options: the header names its sender uses, and its topic names."""

from __future__ import annotations

from pydantic import Field

from channels.options import ProviderOptions

__all__ = ["GenericHmacOptions"]

_HEADER_NAME = r"^[A-Za-z0-9-]{1,64}$"


class GenericHmacOptions(ProviderOptions):
    """Which headers carry the signature, the delivery id and the topic (case-insensitive), and
    ``topics``: the sender's topic names translated to canonical ones (others pass unchanged)."""

    signature_header: str = Field(default="X-Hub-Signature-256", pattern=_HEADER_NAME)
    delivery_header: str = Field(default="X-GitHub-Delivery", pattern=_HEADER_NAME)
    topic_header: str = Field(default="X-GitHub-Event", pattern=_HEADER_NAME)
    topics: dict[str, str] = Field(default_factory=dict)
