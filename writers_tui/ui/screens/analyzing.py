"""The Analyzing stage (F4): the manuscript dashboard.

Four tabs over one :class:`ManuscriptAnalysis`: the chapters (words, dialogue share,
Flesch reading ease, sentence variety), the pacing of the scenes in binder order, the
character presence map (chapter × character) and the repeated phrases. The analysis
comes from the Workspace in a worker (see :mod:`.analysis_feed`); ``w`` writes the
Markdown report through the Workspace and names the file in a toast.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, ProgressBar, Static, TabbedContent, TabPane

from writers_tui.analysis import ManuscriptAnalysis
from writers_tui.ui.screens.analysis_feed import AnalysisScreen
from writers_tui.ui.screens.dashboard_rows import (
    chapter_rows,
    pacing_text,
    presence,
    presence_cell,
    unattributed_note,
)
from writers_tui.ui.stages import place

TABS = ("tab-chapters", "tab-pacing", "tab-characters", "tab-phrases")


class AnalyzingScreen(AnalysisScreen):
    DEFAULT_CSS = """
    AnalyzingScreen #analysis-head { height: auto; padding: 0 1; }
    AnalyzingScreen #analysis-summary { color: $text; text-style: bold; }
    AnalyzingScreen #analysis-status { color: $text-muted; }
    AnalyzingScreen #analysis-progress { width: 60; }
    AnalyzingScreen #dashboard { height: 1fr; }
    AnalyzingScreen DataTable { height: 1fr; }
    AnalyzingScreen #presence { height: 1fr; }
    AnalyzingScreen #unattributed { color: $text-muted; height: auto; padding: 0 1; }
    AnalyzingScreen #pacing-scroll { height: 1fr; padding: 0 1; }
    AnalyzingScreen #analysis-hint { color: $text-muted; padding: 0 1; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab(0)", "Chapters", show=False, id="analyzing.chapters"),
        Binding("2", "tab(1)", "Pacing", show=False, id="analyzing.pacing"),
        Binding("3", "tab(2)", "Characters", show=False, id="analyzing.characters"),
        Binding("4", "tab(3)", "Phrases", show=False, id="analyzing.phrases"),
        Binding("r", "reanalyse", "Re-analyse", id="analyzing.refresh"),
        Binding("w", "write_report", "Write report", id="analyzing.report"),
    ]

    def __init__(self) -> None:
        super().__init__(place("analyzing"))

    def compose(self) -> ComposeResult:
        with Vertical(id="analysis-head"):
            yield Static("", id="analysis-summary")
            yield ProgressBar(total=None, show_eta=False, id="analysis-progress")
            yield Static("", id="analysis-status")
        with TabbedContent(id="dashboard"):
            with TabPane("1 Chapters", id="tab-chapters"):
                yield DataTable(id="chapters", cursor_type="row", zebra_stripes=True)
            with TabPane("2 Pacing", id="tab-pacing"), VerticalScroll(id="pacing-scroll"):
                yield Static("", id="pacing")
            with TabPane("3 Characters", id="tab-characters"):
                yield DataTable(id="presence", cursor_type="cell")
                yield Static("", id="unattributed")
            with TabPane("4 Phrases", id="tab-phrases"):
                yield DataTable(id="phrases", cursor_type="row", zebra_stripes=True)
        yield Static(
            "1–4 tabs · r re-analyse · w write the Markdown report · "
            "figures are defined in docs/analysis.md",
            id="analysis-hint",
        )
        yield from self.compose_status()

    def on_mount(self) -> None:
        self.query_one("#chapters", DataTable).add_columns(
            "Chapter", "Files", "Words", "Dialogue", "Reading ease", "Sentence variety"
        )
        self.query_one("#phrases", DataTable).add_columns("Phrase", "Times", "Files")
        super().on_mount()
        self.query_one("#chapters", DataTable).focus()

    # -- the data ----------------------------------------------------------------------

    def show(self, analysis: ManuscriptAnalysis) -> None:
        """Fill every tab from one analysis."""
        self.analysis = analysis
        score = analysis.score
        grade = (
            f"craft score {score.total:.1f} ({score.grade})"
            if score.total is not None
            else f"not scored: {score.withheld}"
        )
        self.query_one("#analysis-summary", Static).update(
            f"{len(analysis.files)} files · {analysis.words:,} words · "
            f"reading ease {analysis.readability.flesch_reading_ease:.1f} · "
            f"dialogue {analysis.dialogue_words / analysis.words if analysis.words else 0:.0%} · "
            f"{grade}"
        )
        chapters = self.query_one("#chapters", DataTable)
        chapters.clear()
        for row in chapter_rows(analysis):
            chapters.add_row(*row.cells(), key=row.chapter)
        self.query_one("#pacing", Static).update(pacing_text(analysis))
        self._show_presence(analysis)
        phrases = self.query_one("#phrases", DataTable)
        phrases.clear()
        for phrase in analysis.phrases:
            phrases.add_row(phrase.phrase, f"{phrase.count}", f"{phrase.files}", key=phrase.phrase)
        if not analysis.phrases:
            phrases.add_row("No phrase of 3–5 words is repeated 3 times or more.", "", "")

    def _show_presence(self, analysis: ManuscriptAnalysis) -> None:
        table = self.query_one("#presence", DataTable)
        table.clear(columns=True)
        names, rows = presence(analysis)
        note = self.query_one("#unattributed", Static)
        if not names:
            table.add_column("Characters")
            table.add_row("The story bible names no characters (reference/characters/).")
            note.update("")
            return
        table.add_column("Chapter", key="chapter")
        for name in names:
            table.add_column(name, key=name)
        peak = max((n for row in rows for n in row.counts), default=0)
        for row in rows:
            table.add_row(
                row.chapter, *(presence_cell(n, peak) for n in row.counts), key=row.chapter
            )
        note.update(unattributed_note(analysis))

    # -- actions -----------------------------------------------------------------------

    def action_tab(self, index: int) -> None:
        self.query_one(TabbedContent).active = TABS[index]

    def action_reanalyse(self) -> None:
        self.refresh_analysis()

    @work(exclusive=True, group="analysis-report", exit_on_error=False)
    async def action_write_report(self) -> None:
        workspace = self.studio.workspace
        if workspace is None:
            return
        path = await workspace.write_report()
        root = self.studio.project_root
        shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
        self.notify(f"Report written: {shown}", title="Analysis report")
