"""The error tree drawn in weir.errors is the tree the code raises."""

from __future__ import annotations

import importlib
import pkgutil
import re

import weir.errors
from weir.errors import WeirError

PACKAGES: tuple[str, ...] = ("weir", "events", "channels", "receivers", "queues", "workers", "tasks", "erp")
PACKAGES += ("throttling", "oncall", "console", "cli", "samples", "simulator", "reconcile", "outbound")

#: One row of the drawing: its indent, then ``├── `` or ``└── `` and the class, perhaps with its module.
ROW = re.compile(r"^(?P<indent>[ │]*)[├└]── (?P<name>[\w.]+)")


def import_everything() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if not module.name.endswith("__main__"):
                importlib.import_module(module.name)


def drawn_parents() -> dict[str, str]:
    """Each class in the docstring's drawing -> its parent there, by class name."""
    parents: dict[str, str] = {}
    stack = ["WeirError"]
    for line in (weir.errors.__doc__ or "").splitlines():
        row = ROW.match(line.strip("\n")[4:])
        if row is None:
            continue
        depth = len(row["indent"]) // 4
        name = row["name"].rsplit(".", 1)[-1]
        del stack[depth + 1 :]
        parents[name] = stack[depth]
        stack.append(name)
    return parents


def raised_parents() -> dict[str, str]:
    """Each subclass of WeirError the packages define -> its parent in the tree, by class name."""
    import_everything()
    parents: dict[str, str] = {}
    pending = [WeirError]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.split(".")[0] in PACKAGES:
                parents[sub.__name__] = cls.__name__
                pending.append(sub)
    return parents


def test_the_drawn_error_tree_names_every_error_under_its_parent() -> None:
    assert drawn_parents() == raised_parents()
