"""Progress on long work: a rich progress bar on a terminal, nothing when piped or in tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text


class RateColumn(ProgressColumn):
    """Records per second."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f} records/s" if task.speed else "", style="progress.data.speed")


@contextmanager
def progress_bar(description: str, total: int, min_total: int = 200) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(n=1)``; shows a bar with the rate on stderr for long interactive work."""
    console = Console(stderr=True)
    if total < min_total or not console.is_terminal:
        yield lambda n=1: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)
