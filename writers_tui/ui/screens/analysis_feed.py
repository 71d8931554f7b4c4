"""What the Analyzing and Scoring screens share: getting a fresh analysis, off the loop.

Both screens show the same :class:`ManuscriptAnalysis` (the Workspace caches it, so the
second screen's request is cheap). The analysis runs in a worker with a progress bar; an
edit, an outside change or a new file marks it stale, and a debounced timer asks again
(1.5 s after the last change, and only while the screen is shown: a hidden screen just
remembers to refresh when it comes back). Subclasses get their data through
:meth:`AnalysisScreen.show`, so tests can hand them a real analysis directly.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import work
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from writers_tui.ui.messages import BinderStale, ReloadFile, WordsUpdated
from writers_tui.ui.screens.base import StudioScreen

if TYPE_CHECKING:
    from writers_tui.analysis import ManuscriptAnalysis

#: Seconds of quiet after a change before the analysis is asked for again.
REFRESH_DELAY = 1.5


class AnalysisScreen(StudioScreen):
    """A screen that shows the manuscript's analysis and keeps it current."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.analysis: ManuscriptAnalysis | None = None
        self.stale = True
        self._refresh_timer: Timer | None = None
        #: (done, total) reported by the last progress callback (for tests and the bar)
        self.progress_seen: list[tuple[int, int]] = []

    # -- subclasses ------------------------------------------------------------------

    def show(self, analysis: ManuscriptAnalysis) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def after_analysis(self) -> None:
        """Anything else the screen fetches once the analysis is in (the score trend)."""

    # -- life cycle ------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.studio, "words", self._words_changed, init=False)
        signal = getattr(self.studio, "writing_signal", None)
        if signal is not None:
            signal.subscribe(self, self._on_signal)
        self.refresh_analysis()

    def on_screen_resume(self) -> None:
        if self.stale:
            self.refresh_analysis()

    def _words_changed(self, words: WordsUpdated | None) -> None:
        self.mark_stale()

    def _on_signal(self, message: object) -> None:
        if isinstance(message, BinderStale | ReloadFile):
            self.mark_stale()

    def mark_stale(self) -> None:
        """A file changed: refresh after a short quiet spell (now, if shown)."""
        self.stale = True
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(REFRESH_DELAY, self._refresh_if_shown)

    def _refresh_if_shown(self) -> None:
        self._refresh_timer = None
        if self.is_current:
            self.refresh_analysis()

    # -- the worker --------------------------------------------------------------------

    @property
    def progress_bar(self) -> ProgressBar:
        return self.query_one("#analysis-progress", ProgressBar)

    def _on_progress(self, done: int, total: int) -> None:
        """The workspace's progress callback; safe from the loop or from a thread."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # called from the analysis thread
            self.app.call_from_thread(self._show_progress, done, total)
        else:
            self._show_progress(done, total)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress_seen.append((done, total))
        bar = self.progress_bar
        bar.display = True
        bar.update(total=max(total, 1), progress=done)

    def _say(self, text: str) -> None:
        status = self.query_one("#analysis-status", Static)
        status.update(text)
        status.display = bool(text)

    @work(exclusive=True, group="analysis", exit_on_error=False)
    async def refresh_analysis(self) -> None:
        """Ask the workspace for the manuscript's analysis and show it."""
        workspace = self.studio.workspace
        if workspace is None:
            return
        analyze = workspace.analyze_manuscript
        self.stale = False
        self.progress_seen.clear()
        bar = self.progress_bar
        bar.display = True
        bar.update(total=None, progress=0)
        self._say("Analysing the manuscript…")
        analysis: ManuscriptAnalysis = await analyze(progress=self._on_progress)
        self.analysis = analysis
        bar.display = False
        self._say("")
        self.show(analysis)
        await self.after_analysis()
