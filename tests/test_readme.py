"""The documentation holds together: every setting a process reads is in ``docs/configuration.md``,
which the README links to, and every relative link in the README and ``docs/`` names a file (and
heading) that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from erp.settings import ErpSettings
from oncall.settings import OnCallSettings
from outbound.settings import OutboundSettings
from queues.dead import DeadLetterSettings
from queues.settings import BrokerSettings
from receivers.settings import ReceiverSettings
from reconcile.settings import ReconcileSettings
from tasks.settings import ChannelApiSettings
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings
from workers.settings import WorkerSettings

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
#: The settings tables: one row per variable, ``| `NAME` | default | meaning |``.
CONFIGURATION = (REPO / "docs" / "configuration.md").read_text()

DOCUMENTS = ["README.md", *sorted(path.relative_to(REPO).as_posix() for path in REPO.glob("docs/*.md"))]

_LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)")
_HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


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
        ReconcileSettings,
        OutboundSettings,
    ],
)
def test_every_setting_is_in_the_configuration_tables(settings_class: type[BaseSettings]) -> None:
    missing = [name for name in variables(settings_class) if f"| `{name}`" not in CONFIGURATION]
    assert missing == []


def test_the_readme_links_to_the_configuration_guide() -> None:
    assert "(docs/configuration.md)" in README


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens."""
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in _HEADING.findall(markdown)}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_relative_link_names_a_file_and_heading_that_exist(document: str) -> None:
    path = REPO / document
    broken = []
    for target, anchor in _LINK.findall(path.read_text()):
        if "://" in target:
            continue
        linked = (path.parent / target) if target else path
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
            broken.append(f"{target}#{anchor}")
    assert broken == []
