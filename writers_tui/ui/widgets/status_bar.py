"""The status line under every screen.

``stage │ file │ +N words · goal ▓▓▓░ │ ● Auto-saved 12s ago │ $0.42 │ budget │ READ-ONLY``

It is fed plain :class:`~writers_tui.ui.status.StatusData` (the App builds it from the
Workspace's events) and never asks anyone for anything, except the time: the clock is
injected so that "Auto-saved 12s ago" can tick every second in the app and stay frozen in
a snapshot test. The save label is the workspace's own ``SaveState.label(now)``, so the bar
cannot say "saved" before the workspace does; in a read-only window nothing is saved, so
the bar says that instead of a save state.

On a narrow terminal the save state stays: the bar drops the less important parts first
(the cost and budget, then the words, then the file's title, then the stage).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

from writers_tui.ui.status import StatusData, format_money, words_text
from writers_tui.ui.textsafe import visible
from writers_tui.values import utc_now

Clock = Callable[[], datetime]
SAVE_CLASSES = ("-saved", "-dirty", "-saving", "-failed")
READ_ONLY_TEXT = "READ-ONLY — nothing is saved here"
#: The parts the bar may drop on a narrow terminal, first dropped first, with their separator.
DROP_ORDER: tuple[tuple[str, str | None], ...] = (
    ("#sb-budget", "#sb-budget-sep"),
    ("#sb-cost", "#sb-cost-sep"),
    ("#sb-words", "#sb-words-sep"),
    ("#sb-file", "#sb-file-sep"),
    ("#sb-stage", "#sb-stage-sep"),
)
#: The narrowest the file title may get before it is dropped.
FILE_MIN_CELLS = 8


class StatusBar(Horizontal):
    """One line of labels; each part is its own widget so CSS can colour it."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
        & > Label { padding: 0 1; height: 1; }
        & > .sep { padding: 0; color: $foreground-muted; }
        & > #sb-stage { text-style: bold; color: $primary; }
        & > #sb-file { width: 1fr; min-width: 8; }
        & > #sb-save.-dirty { color: $foreground; }
        & > #sb-save.-saving { color: $accent; }
        & > #sb-save.-failed { background: $error; color: $text; text-style: bold; }
        & > #sb-budget.-warning { background: $warning; color: $text; text-style: bold; }
        & > #sb-readonly { background: $warning; color: $text; text-style: bold; }
    }
    """

    data: reactive[StatusData] = reactive(StatusData, always_update=True, init=False)

    def __init__(
        self,
        data: StatusData | None = None,
        *,
        clock: Clock = utc_now,
        tick: float = 1.0,
        id: str | None = "status-bar",
    ) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._tick = tick
        if data is not None:
            self.set_reactive(StatusBar.data, data)

    def compose(self) -> ComposeResult:
        yield Label(id="sb-stage")
        yield Label("│", classes="sep", id="sb-stage-sep")
        yield Label(id="sb-file")
        yield Label("│", classes="sep", id="sb-file-sep")
        yield Label(id="sb-words")
        yield Label("│", classes="sep", id="sb-words-sep")
        yield Label(id="sb-save")
        yield Label(READ_ONLY_TEXT, id="sb-readonly")
        yield Label("│", classes="sep", id="sb-cost-sep")
        yield Label(id="sb-cost")
        yield Label("·", classes="sep", id="sb-budget-sep")
        yield Label(id="sb-budget")

    def on_mount(self) -> None:
        self._render_data()
        if self._tick > 0:
            self.set_interval(self._tick, self._render_save, name="status-bar-tick")

    def watch_data(self) -> None:
        if self.is_mounted:
            self._render_data()

    def on_resize(self) -> None:
        self._fit()

    @property
    def save_text(self) -> str:
        """The save label as shown now (what a test reads); the read-only notice in a
        read-only window, where nothing is saved."""
        if self.data.read_only:
            return READ_ONLY_TEXT
        state = self.data.save
        return state.label(self._clock()) if state is not None else ""

    def _render_save(self) -> None:
        label = self.query_one("#sb-save", Label)
        state = self.data.save
        text = "" if self.data.read_only else self.save_text
        resized = cell_len(text) != cell_len(str(label.render()))
        label.update(text)
        label.display = state is not None and not self.data.read_only
        if resized:
            self._fit()
        status = str(getattr(state.status, "value", state.status)) if state else ""
        for name in SAVE_CLASSES:
            label.set_class(name == f"-{status}", name)

    def _render_data(self) -> None:
        data = self.data
        self.query_one("#sb-stage", Label).update(data.stage)
        self.query_one("#sb-file", Label).update(visible(data.file_title or "no file open"))
        self.query_one("#sb-words", Label).update(words_text(data))
        self._render_save()
        self.query_one("#sb-cost", Label).update(format_money(data.session_cost))
        budget = self.query_one("#sb-budget", Label)
        budget.display = data.budget is not None
        self.query_one("#sb-budget-sep").display = data.budget is not None
        if data.budget is not None:
            budget.update(data.budget.text)
            budget.set_class(data.budget.warning, "-warning")
        self.query_one("#sb-readonly", Label).display = data.read_only
        self._fit()

    def _wanted(self) -> dict[str, int]:
        """The cells each part would take (0: not shown whatever the width)."""
        data = self.data
        texts = {
            "#sb-stage": data.stage,
            "#sb-file": "",  # 1fr: takes what is left, at least FILE_MIN_CELLS
            "#sb-words": words_text(data),
            "#sb-save": "" if data.read_only else self.save_text,
            "#sb-readonly": READ_ONLY_TEXT if data.read_only else "",
            "#sb-cost": format_money(data.session_cost),
            "#sb-budget": data.budget.text if data.budget is not None else "",
        }
        wanted = {key: cell_len(text) + 2 if text else 0 for key, text in texts.items()}
        wanted["#sb-file"] = FILE_MIN_CELLS
        if not data.stage:
            wanted["#sb-stage"] = 0
        return wanted

    def _fit(self) -> None:
        """Drop the less important parts until the save state (or read-only) fits."""
        if not self.is_mounted:
            return
        width = self.size.width
        wanted = self._wanted()
        shown = {key for key, cells in wanted.items() if cells}
        if self.data.save is None and not self.data.read_only:
            shown.discard("#sb-save")

        def total() -> int:
            parts = sum(wanted[key] for key in shown)
            seps = sum(1 for key, sep in DROP_ORDER if sep and key in shown and key != "#sb-budget")
            return parts + seps + (1 if "#sb-budget" in shown else 0)

        for key, _sep in DROP_ORDER:
            if width <= 0 or total() <= width:
                break
            shown.discard(key)
        for key, sep in DROP_ORDER:
            self.query_one(key).display = key in shown
            if sep is not None:
                self.query_one(sep).display = key in shown
