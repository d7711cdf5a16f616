"""The channel APIs a worker builds from the channels file: BigCommerce stores and Square
sellers with a base URL and a token, each behind its own fleet gate in the real Redis."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import redis

from events.mapping import SquareResource
from tasks import ChannelApiRejected, ChannelApiTransient
from tasks.settings import ChannelApiSettings
from workers.app import channel_resources

CHANNELS = """
[channels.sq-api]
provider = "square"
secrets = ["k"]

[channels.sq-api.options]
notification_url = "https://w.example/webhooks/sq-api"
api_base_url = "http://127.0.0.1:9"
access_token_env = "SQ_API_TOKEN"

[channels.sq-bare]
provider = "square"
secrets = ["k"]
options = { notification_url = "https://w.example/webhooks/sq-bare" }
"""


def test_a_square_channel_with_an_api_fetches_and_one_without_refuses(
    tmp_path: Path, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given one Square channel with a base URL and a token (nothing listens there) and one without
    path = tmp_path / "channels.toml"
    path.write_text(CHANNELS)
    monkeypatch.setenv("SQ_API_TOKEN", "t0k3n")
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    settings = ChannelApiSettings(channels_file=path, channel_api_timeout_seconds=1)
    resources = channel_resources(settings, redis_client, namespace)

    # Then the first is called (and fails for want of an answer), the second refused outright
    with pytest.raises(ChannelApiTransient):
        resources.fetch("sq-api", SquareResource("order", "O-1"))
    with pytest.raises(ChannelApiRejected, match="no API base URL"):
        resources.fetch("sq-bare", SquareResource("order", "O-1"))
    resources.close()
    redis_client.delete(*redis_client.keys(f"{namespace}:*"))
