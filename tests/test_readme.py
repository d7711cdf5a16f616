"""Every setting a process reads is in the settings tables of ``docs/configuration.md``, which the
README links to."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from erp.settings import ErpSettings
from oncall.settings import OnCallSettings
from queues.dead import DeadLetterSettings
from queues.settings import BrokerSettings
from receivers.settings import ReceiverSettings
from tasks.settings import ChannelApiSettings
from weir.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings
from workers.settings import WorkerSettings

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
#: The settings tables: one row per variable, ``| `NAME` | default | meaning |``.
CONFIGURATION = (REPO / "docs" / "configuration.md").read_text()


def variables(settings_class: type[BaseSettings]) -> list[str]:
    prefix = settings_class.model_config.get("env_prefix", "")
    names = []
    for field, info in settings_class.model_fields.items():
        alias = info.validation_alias
        names.append(alias.choices[0] if isinstance(alias, AliasChoices) else f"{prefix}{field}".upper())
    return [str(name) for name in names]


@pytest.mark.parametrize(
    "settings_class",
    [
        ServiceSettings,
        RedisSettings,
        BrokerSettings,
        ReceiverSettings,
        ChannelApiSettings,
        WorkerSettings,
        BudgetSettings,
        BreakerSettings,
        ErpSettings,
        DeadLetterSettings,
        OnCallSettings,
    ],
)
def test_every_setting_is_in_the_configuration_tables(settings_class: type[BaseSettings]) -> None:
    missing = [name for name in variables(settings_class) if f"| `{name}`" not in CONFIGURATION]
    assert missing == []


def test_the_readme_links_to_the_configuration_guide() -> None:
    assert "(docs/configuration.md)" in README
