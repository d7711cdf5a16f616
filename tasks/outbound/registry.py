"""Which writer tells each kind of channel, and the writers of a channels file.

Each provider with an outbound writer maps to its module's ``writer_for``; a channel of another
provider (``standard``, ``hmac``, ``stripe``), or one whose options lack an API base URL or
credentials, has no writer and is told nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from channels import ProviderName, channel_options
from tasks.outbound import amazon, bigcommerce, shopify, square, woocommerce
from tasks.outbound.writer import ChannelWriter

__all__ = ["WRITERS", "WriterFactory", "channel_writers"]

logger = logging.getLogger(__name__)

WriterFactory = Callable[..., ChannelWriter | None]

#: ``writer_for(options, *, environ, transport=None, timeout_seconds=10.0)`` by provider.
WRITERS: Mapping[ProviderName, WriterFactory] = {
    "shopify": shopify.writer_for,
    "woocommerce": woocommerce.writer_for,
    "bigcommerce": bigcommerce.writer_for,
    "square": square.writer_for,
    "amazon": amazon.writer_for,
}


def channel_writers(
    channels_file: Path,
    environ: Mapping[str, str],
    *,
    transport: httpx.BaseTransport | None = None,
    timeout_seconds: float = 10.0,
) -> dict[str, ChannelWriter]:
    """The writer of every channel in ``channels_file`` that has one, by channel name, each call
    bounded by ``timeout_seconds``.

    Raises:
        ConfigError: the channels file is unreadable or invalid.
    """
    writers: dict[str, ChannelWriter] = {}
    for provider, writer_for in WRITERS.items():
        for name, options in channel_options(channels_file, provider).items():
            # Amazon's writer names its channel in Login with Amazon's refusals.
            named = {"channel": name} if provider == "amazon" else {}
            writer = writer_for(options, environ=environ, transport=transport, timeout_seconds=timeout_seconds, **named)
            if writer is None:
                logger.info("Channel %s has no API base URL or credentials: it is told nothing outbound.", name)
                continue
            writers[name] = writer
    return writers
