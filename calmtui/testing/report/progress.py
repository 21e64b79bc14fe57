"""A progress bar on stderr while cases run, only on a terminal (rich, imported only then)."""

from __future__ import annotations

import os
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.progress import Progress

    from calmtui.testing.results import CaseResult


class progress_bar:
    def __init__(self, total: int, stream: TextIO, *, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = (
            enabled
            and stream.isatty()
            and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb"
        )
        self._progress: Progress | None = None

    def __enter__(self) -> Callable[[CaseResult], None]:
        if not self.enabled:
            return lambda result: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        progress = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=self.stream),
            transient=True,
        )
        progress.start()
        task = progress.add_task("tests", total=self.total)
        self._progress = progress

        def advance(result: CaseResult) -> None:
            progress.advance(task)

        return advance

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
