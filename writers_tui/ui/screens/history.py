"""The History screen (F7): past sessions, writing streaks and words per day.

Top: the current and longest writing streak, the totals, and the words written per day
over the last 30 days as a block chart (the live session included, as the Workspace's
``history_summary()`` counts it). Below: the last 20 sessions, newest first — start,
duration, words, AI cost, files created and modified — with interrupted sessions marked;
enter opens one in full. The rules for streaks and days are in
:mod:`writers_tui.history_stats`; this screen only shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar, Protocol, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static

from writers_tui.history_stats import HistorySummary
from writers_tui.ui.modals.session_detail import SessionDetail, SessionLike
from writers_tui.ui.screens.base import StudioScreen
from writers_tui.ui.stages import place
from writers_tui.ui.status import format_money
from writers_tui.ui.timefmt import duration
from writers_tui.ui.widgets.block_chart import BlockChart

SESSIONS_SHOWN = 20

COLUMNS: tuple[tuple[str, str], ...] = (
    ("start", "Started"),
    ("duration", "Duration"),
    ("words", "Words"),
    ("cost", "AI cost"),
    ("created", "Created"),
    ("modified", "Modified"),
    ("state", "Ended"),
)


class HistoryWorkspace(Protocol):
    async def history(self) -> Sequence[SessionLike]: ...
    async def history_summary(self) -> HistorySummary: ...


def missing_methods(workspace: object) -> list[str]:
    return [
        name
        for name in ("history", "history_summary")
        if not callable(getattr(workspace, name, None))
    ]


def days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def summary_lines(summary: HistorySummary) -> list[str]:
    """The streaks and totals as the writer reads them (tested as data)."""
    streak = f"Current streak  {days(summary.current_streak)}"
    if summary.current_streak == 0:
        streak += "  (write today to start one)"
    best = summary.best_day
    best_text = (
        f"{best.day.strftime('%d %b %Y')}: {best.words:,} words" if best is not None else "—"
    )
    interrupted = (
        f" ({summary.interrupted_sessions} interrupted)" if summary.interrupted_sessions else ""
    )
    return [
        streak,
        f"Longest streak  {days(summary.longest_streak)}",
        f"Words written   {summary.total_words:,} on {days(summary.writing_days)}",
        f"Sessions        {summary.sessions:,}{interrupted} · {duration(summary.total_minutes)}",
        f"Best day        {best_text}",
    ]


def session_cells(entry: SessionLike) -> list[str | Text]:
    start = entry.start_time.astimezone().strftime("%a %Y-%m-%d %H:%M")
    state: str | Text = Text("⚠ interrupted", style="bold") if entry.interrupted else "closed"
    return [
        start,
        Text(duration(entry.duration_minutes), justify="right"),
        Text(f"{entry.words_written:+,}", justify="right"),
        Text(format_money(entry.total_cost), justify="right"),
        Text(str(len(entry.files_created)), justify="right"),
        Text(str(len(entry.files_modified)), justify="right"),
        state,
    ]


class HistoryScreen(StudioScreen):
    """F7: streaks, words per day, and the last sessions with a detail view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "details", "Details", id="history.details"),
        Binding("r", "reload", "Refresh", id="history.refresh"),
    ]

    DEFAULT_CSS = """
    HistoryScreen #history { height: 1fr; padding: 0 1; }
    HistoryScreen .panel-title { text-style: bold; color: $primary; height: 1; }
    HistoryScreen #history-message { color: $warning; height: auto; display: none; }
    HistoryScreen #history-message.-shown { display: block; }
    HistoryScreen #history-top { height: 10; }
    HistoryScreen #streaks-panel { width: 52; height: 10; margin-right: 2; }
    HistoryScreen #streaks { height: auto; }
    HistoryScreen #words-panel { width: 1fr; height: 10; }
    HistoryScreen #words-chart { height: 9; }
    HistoryScreen #sessions-panel { height: 1fr; margin-top: 1; }
    HistoryScreen #sessions { height: 1fr; }
    HistoryScreen #sessions-empty { color: $text-muted; height: auto; }
    HistoryScreen .hint { color: $text-muted; height: 1; }
    """

    def __init__(self) -> None:
        super().__init__(place("history"))
        self.sessions: list[SessionLike] = []
        self.summary: HistorySummary | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="history"):
            yield Static("", id="history-message")
            with Horizontal(id="history-top"):
                with Vertical(id="streaks-panel"):
                    yield Label("Streaks", classes="panel-title")
                    yield Static("", id="streaks")
                with Vertical(id="words-panel"):
                    yield Label("Words per day, last 30 days", classes="panel-title")
                    yield BlockChart(
                        id="words-chart",
                        format_value=lambda value: f"{value:,.0f} words",
                        empty_text="no words written in these days",
                    )
            with Vertical(id="sessions-panel"):
                yield Label(f"Last {SESSIONS_SHOWN} sessions", classes="panel-title")
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                yield Static("", id="sessions-empty")
                yield Static(
                    "↑↓ choose a session · enter its details (files, AI operations) · r refresh",
                    classes="hint",
                )
        yield from self.compose_status()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#sessions", DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()  # a session may have ended (another window) or today's words grown

    @work(exclusive=True, group="history-load", exit_on_error=False)
    async def reload(self) -> None:
        workspace = self.studio.workspace
        if workspace is None:
            return
        missing = missing_methods(workspace)
        if missing:
            self._say(f"This Workspace has no {', '.join(missing)} yet: history cannot be shown.")
            return
        source = cast(HistoryWorkspace, workspace)
        entries = list(await source.history())
        summary = await source.history_summary()
        entries.sort(key=lambda entry: entry.start_time, reverse=True)
        self.show(entries[:SESSIONS_SHOWN], summary)

    def _say(self, message: str) -> None:
        shown = self.query_one("#history-message", Static)
        shown.update(message)
        shown.set_class(bool(message), "-shown")

    def show(self, sessions: list[SessionLike], summary: HistorySummary) -> None:
        self.sessions, self.summary = sessions, summary
        self.query_one("#streaks", Static).update("\n".join(summary_lines(summary)))
        chart = self.query_one("#words-chart", BlockChart)
        if summary.days:
            first = summary.days[0].day
            last = summary.days[-1].day
            chart.plot(
                [day.words for day in summary.days],
                first_label=first.strftime("%d %b"),
                last_label="today"
                if last - first == timedelta(days=len(summary.days) - 1)
                else last.strftime("%d %b"),
                caption=f"{sum(day.words for day in summary.days):,} words",
            )
        table = self.query_one("#sessions", DataTable)
        row = table.cursor_row
        table.clear()
        for index, entry in enumerate(sessions):
            table.add_row(*session_cells(entry), key=str(index))
        if sessions:
            table.move_cursor(row=min(row, len(sessions) - 1))
        self.query_one("#sessions-empty", Static).update(
            ""
            if sessions
            else "No finished sessions yet: each time you quit, the session is added here."
        )
        self.loaded = True

    def action_reload(self) -> None:
        self.reload()

    def selected(self) -> SessionLike | None:
        table = self.query_one("#sessions", DataTable)
        if not self.sessions or table.row_count == 0:
            return None
        return self.sessions[min(table.cursor_row, len(self.sessions) - 1)]

    def action_details(self) -> None:
        entry = self.selected()
        if entry is None:
            self.notify("No session to show yet.")
            return
        self.app.push_screen(SessionDetail(entry))

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()
