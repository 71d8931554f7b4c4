"""The Scoring stage (F5): the craft score per chapter and scene, why, and its trend.

Left, the scores (manuscript, chapters, scenes) with their grade, or the reason a score
is withheld. Right, the highlighted row's sub-scores (weight, score, why) and the
violations that cost points; enter on a violation posts :class:`OpenAtLine`, which the
App answers by opening the file in the Writing stage at that line. Below, the trend from
``output/reports/scores.jsonl``: the manuscript over runs, and the highlighted scene's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Static

from writers_tui.analysis import ManuscriptAnalysis, SubScore
from writers_tui.ui.screens.analysis_feed import AnalysisScreen
from writers_tui.ui.screens.score_rows import ScoreRow, file_trend, manuscript_trend, score_rows
from writers_tui.ui.stages import place
from writers_tui.ui.widgets.unicode_charts import ColumnChart


@dataclass
class OpenAtLine(Message):
    """Open ``path`` in the Writing stage with the cursor at ``line``/``column`` (1-based,
    as the analysis reports them; the editor's are 0-based)."""

    path: str
    line: int
    column: int


class ScoringScreen(AnalysisScreen):
    DEFAULT_CSS = """
    ScoringScreen #analysis-head { height: auto; padding: 0 1; }
    ScoringScreen #analysis-status { color: $text-muted; }
    ScoringScreen #analysis-progress { width: 60; }
    ScoringScreen #scoring { height: 1fr; }
    ScoringScreen #scores { width: 52; height: 1fr; }
    ScoringScreen #detail { width: 1fr; height: 1fr; }
    ScoringScreen #score-title { text-style: bold; color: $primary; padding: 0 1; }
    ScoringScreen #subscores { height: auto; max-height: 10; }
    ScoringScreen #violations { height: 1fr; }
    ScoringScreen #trends { height: 10; }
    ScoringScreen #trends > Vertical { width: 1fr; padding: 0 1; }
    ScoringScreen .chart-title { color: $text-muted; }
    ScoringScreen #scoring-hint { color: $text-muted; padding: 0 1; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reanalyse", "Re-score", id="scoring.refresh"),
        Binding("tab", "app.focus_next", "Next table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(place("scoring"))
        self.rows: dict[str, ScoreRow] = {}
        self.selected: ScoreRow | None = None
        self.trend_records: list[dict[str, Any]] = []
        self._violation_rows: list[tuple[str, int, int]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="analysis-head"):
            yield ProgressBar(total=None, show_eta=False, id="analysis-progress")
            yield Static("", id="analysis-status")
        with Horizontal(id="scoring"):
            yield DataTable(id="scores", cursor_type="row", zebra_stripes=True)
            with Vertical(id="detail"):
                yield Label("", id="score-title")
                yield DataTable(id="subscores", cursor_type="row")
                yield DataTable(id="violations", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="trends"):
            with Vertical():
                yield Label("Manuscript over runs", classes="chart-title")
                yield ColumnChart(height=5, id="trend-manuscript")
            with Vertical():
                yield Label("This scene over runs", id="file-trend-title", classes="chart-title")
                yield ColumnChart(height=5, id="trend-file")
        yield Static(
            "↑↓ choose · tab next table · enter on a violation opens it in Writing · r re-score",
            id="scoring-hint",
        )
        yield from self.compose_status()

    def on_mount(self) -> None:
        self.query_one("#scores", DataTable).add_columns(
            "Chapter / scene", "Words", "Score", "Grade"
        )
        self.query_one("#subscores", DataTable).add_columns("Sub-score", "Weight", "Score", "Why")
        self.query_one("#violations", DataTable).add_columns("Line", "Col", "Rule", "Violation")
        super().on_mount()
        self.query_one("#scores", DataTable).focus()

    # -- the data ----------------------------------------------------------------------

    def show(self, analysis: ManuscriptAnalysis) -> None:
        self.analysis = analysis
        table = self.query_one("#scores", DataTable)
        keep = self.selected.key if self.selected else None
        table.clear()
        self.rows = {}
        for row in score_rows(analysis):
            self.rows[row.key] = row
            table.add_row(*row.cells(), key=row.key)
        keys = list(self.rows)
        if keys:
            index = keys.index(keep) if keep in self.rows else 0
            table.move_cursor(row=index)
            self.select(keys[index])

    async def after_analysis(self) -> None:
        workspace = self.studio.workspace
        if workspace is None:
            return
        self.show_trend(list(await workspace.score_trend()))

    def show_trend(self, records: list[dict[str, Any]]) -> None:
        """Draw the trend from the scores.jsonl records (oldest first)."""
        self.trend_records = records
        points = manuscript_trend(records)
        self.query_one("#trend-manuscript", ColumnChart).plot(
            points,
            caption=f"{len(points)} runs · last {points[-1]:.1f}" if points else "",
            empty="No scores logged yet: writers-tui analyze PROJECT logs one per run.",
        )
        self._show_file_trend()

    def _show_file_trend(self) -> None:
        chart = self.query_one("#trend-file", ColumnChart)
        row = self.selected
        if row is None or row.path is None:
            chart.plot([], empty="Highlight a scene to see its trend.")
            return
        points = file_trend(self.trend_records, row.path)
        chart.plot(
            points,
            caption=f"{len(points)} runs · last {points[-1]:.1f}" if points else "",
            empty="No logged score for this scene yet.",
        )

    def select(self, key: str) -> None:
        """Show one row's sub-scores and violations."""
        row = self.rows[key]
        self.selected = row
        total = row.score.total
        verdict = (
            f"{total:.1f} · {row.score.grade}"
            if total is not None
            else f"not scored: {row.score.withheld}"
        )
        self.query_one("#score-title", Label).update(f"{row.label.strip()} — {verdict}")
        subs = self.query_one("#subscores", DataTable)
        subs.clear()
        for sub in row.score.subscores:
            subs.add_row(sub.name, f"{sub.weight:g}", f"{sub.score:.1f}", sub.detail, key=sub.key)
        self._show_violations(row.score.subscores)
        self._show_file_trend()

    def _show_violations(self, subscores: list[SubScore]) -> None:
        table = self.query_one("#violations", DataTable)
        table.clear()
        self._violation_rows = []
        row = self.selected
        if row is None:
            return
        if row.path is None:
            table.add_row(
                "", "", "", "Pick a scene to see its violations (they are listed per file)."
            )
            return
        omitted = 0
        for sub in subscores:
            omitted += sub.violations_omitted
            for v in sub.violations:
                self._violation_rows.append((row.path, v.line, v.column))
                table.add_row(f"{v.line}", f"{v.column}", v.rule, v.message)
        if not self._violation_rows:
            table.add_row("", "", "", "Nothing here cost points.")
        elif omitted:
            table.add_row("", "", "", f"… and {omitted} more not listed")

    # -- events ------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#scores")
    def _score_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if (
            key is not None
            and key in self.rows
            and (self.selected is None or self.selected.key != key)
        ):
            self.select(key)

    @on(DataTable.RowHighlighted, "#subscores")
    def _subscore_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.selected
        if row is None or not self.query_one("#subscores", DataTable).has_focus:
            return
        chosen = [s for s in row.score.subscores if s.key == event.row_key.value]
        self._show_violations(chosen or row.score.subscores)

    @on(DataTable.RowSelected, "#violations")
    def _violation_chosen(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self._violation_rows):
            path, line, column = self._violation_rows[index]
            self.post_message(OpenAtLine(path, line, column))

    def action_reanalyse(self) -> None:
        self.refresh_analysis()
