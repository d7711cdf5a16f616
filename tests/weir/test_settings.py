"""Settings read from the environment: a bad one stops start-up, named, without its secret."""

from __future__ import annotations

import pytest

from erp.settings import ErpSettings
from queues.settings import BrokerSettings
from weir.errors import ConfigError
from weir.settings import RedisSettings, ServiceSettings, load


def test_a_bad_setting_is_named_with_the_value_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_ERP_TIMEOUT_SECONDS", "soon")

    with pytest.raises(ConfigError, match=r"WEIR_ERP_TIMEOUT_SECONDS: .*'soon'"):
        load(ErpSettings)


def test_a_bad_secret_setting_is_named_but_not_shown() -> None:
    with pytest.raises(ConfigError, match="WEIR_SENTRY_DSN") as caught:
        load(ServiceSettings, sentry_dsn=["https://key@sentry.example/1"])

    assert "key@" not in str(caught.value)
    assert "not shown" in str(caught.value)


def test_a_bad_url_is_shown_with_its_password_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_BROKER_URL", "http://guest:s3cret@127.0.0.1:5672/")

    with pytest.raises(ConfigError) as caught:
        load(BrokerSettings)

    assert "WEIR_BROKER_URL" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_the_broker_url_may_list_the_nodes_of_a_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_BROKER_URL", "amqp://guest:guest@a:5672/%2F, amqp://guest:guest@b:5672/%2F")

    assert load(BrokerSettings).urls == ["amqp://guest:guest@a:5672/%2F", "amqp://guest:guest@b:5672/%2F"]


def test_a_bad_node_among_several_is_named_with_its_password_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_BROKER_URL", "amqp://guest:guest@a:5672/%2F,http://guest:s3cret@b:5672/")

    with pytest.raises(ConfigError, match="WEIR_BROKER_URL") as caught:
        load(BrokerSettings)

    assert "s3cret" not in str(caught.value)


def test_redis_sentinels_are_host_port_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_REDIS_SENTINELS", "10.0.0.1:26379, 10.0.0.2:26379")

    assert load(RedisSettings).sentinel_addresses == [("10.0.0.1", 26379), ("10.0.0.2", 26379)]
    assert load(RedisSettings, sentinels="").sentinel_addresses == []


def test_a_sentinel_without_a_port_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_REDIS_SENTINELS", "10.0.0.1")

    with pytest.raises(ConfigError, match=r"WEIR_REDIS_SENTINELS: .*host:port"):
        load(RedisSettings)
