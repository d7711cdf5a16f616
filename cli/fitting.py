"""Tables that keep every value whole at whatever width ``weir`` prints to.

Rich prints 80 columns wide when standard output is no terminal (a pipe, cron, a CI log) unless
``COLUMNS`` says otherwise, and squeezes a table too wide for that into cut values (``di…``).
:class:`Fitted` shows a table only where each of its values fits whole, and another layout of
the same values (fewer columns, or one block per row) elsewhere.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table

__all__ = ["PROSE_WIDTH", "Fitted", "fits", "table"]

#: The narrowest a column of prose (a cause, a why) may wrap to before a table counts as too
#: wide, in characters.
PROSE_WIDTH = 24


class Fitted:
    """``wide`` where :func:`fits` says it does, else ``narrow``."""

    def __init__(self, wide: Table, narrow: RenderableType) -> None:
        self.wide = wide
        self.narrow = narrow

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide if fits(self.wide, console, options) else self.narrow


def table(title: str | None, columns: tuple[str, ...], *, prose: tuple[str, ...] = (), **options: object) -> Table:
    """A table of ``columns`` whose values are never cut: the columns named in ``prose`` wrap
    between words, the others keep each value on one line; either folds a value onto the next
    line rather than cut it when the width leaves no other way."""
    made = Table(title=title, **options)  # type: ignore[arg-type]
    for column in columns:
        made.add_column(column, no_wrap=column not in prose, overflow="fold")
    return made


def fits(shown: Table, console: Console, options: ConsoleOptions) -> bool:
    """Whether ``shown`` fits ``options.max_width`` with each one-line column as wide as its
    widest value and each prose column at least :data:`PROSE_WIDTH` wide (or its widest value)."""
    widths = [_widest(column.header, *column.cells, console=console, options=options) for column in shown.columns]
    content = sum(
        width if column.no_wrap else min(width, PROSE_WIDTH)
        for width, column in zip(widths, shown.columns, strict=True)
    )
    padding = sum(shown.padding[1] + shown.padding[3] for _ in shown.columns)
    borders = len(shown.columns) + 1 if shown.box else 0
    return content + padding + borders <= options.max_width


def _widest(*cells: RenderableType, console: Console, options: ConsoleOptions) -> int:
    return max(Measurement.get(console, options, cell).maximum for cell in cells)
