"""Imports run the way the data flows: receivers -> queues -> workers -> tasks -> erp.

Each top-level package may import only the packages named for it below. The kernel (``weir``)
imports nothing of Weir; ``throttling`` and ``events`` sit just above it, below everything that
moves data. ``workers`` is the composition root of the worker processes: nothing imports it. The
tools on top (``cli``, ``console``, ``samples``, ``simulator``) are imported by nothing that moves
data.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

KERNEL = {"weir"}
FOUNDATIONS = KERNEL | {"throttling", "events"}

#: package -> the Weir packages it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "weir": set(),
    "throttling": KERNEL,
    "events": KERNEL,
    "erp": FOUNDATIONS,
    # A channel writer (tasks.outbound) and its access tokens are built from the channel's options.
    "tasks": FOUNDATIONS | {"erp", "channels"},
    "queues": FOUNDATIONS,
    # A channel names its lane; receivers read channels, so channels sit between the two.
    "channels": FOUNDATIONS | {"queues"},
    # What on-call reads of the fleet: queue depths and the gates' state.
    "oncall": FOUNDATIONS | {"queues"},
    # The web process serves the fleet's metrics beside the webhooks, hence oncall.
    "receivers": FOUNDATIONS | {"channels", "queues", "oncall"},
    "workers": FOUNDATIONS | {"channels", "queues", "tasks", "erp"},
    "simulator": KERNEL,
    "samples": FOUNDATIONS | {"channels"},
    "console": FOUNDATIONS | {"queues", "oncall"},
    # Reconciliation reads channel APIs as tasks do, the ERP's sales as tasks do, and publishes
    # on a lane as receivers do; it records for on-call. It moves data only into a lane, so
    # nothing that moves data imports it: only the command line, which runs it by hand.
    "reconcile": FOUNDATIONS | {"channels", "queues", "oncall", "tasks", "erp"},
    # The outbound process reads the ERP as tasks do, knows the channels with a writer and
    # publishes on the outbound lane as reconciliation does; nothing that moves data imports it.
    "outbound": FOUNDATIONS | {"channels", "queues", "tasks", "erp"},
    "cli": FOUNDATIONS | {"channels", "queues", "oncall", "receivers", "erp", "samples", "reconcile"},
}


def imports_of(package: str) -> Iterator[tuple[str, int, str]]:
    """Every Weir package that ``package`` imports at module level or in a function, with where."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in ALLOWED and top != package:
                    yield str(path.relative_to(ROOT)), node.lineno, top


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_packages_below_it(package: str) -> None:
    imports = imports_of(package)
    upward = [f"{where}:{line} imports {top}" for where, line, top in imports if top not in ALLOWED[package]]
    assert upward == []


def test_every_top_level_package_has_a_place_in_the_layers() -> None:
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages <= set(ALLOWED)


def test_nothing_imports_the_workers_composition_root() -> None:
    assert [package for package, allowed in ALLOWED.items() if "workers" in allowed] == []
