"""A file changed on disk while the writer had unsaved edits in it.

The workspace has already kept both versions on disk (the file as the other program
wrote it, and a ``NAME.conflict-<time>.md`` copy of the buffer), so nothing is lost
whatever the writer chooses; the dialog says so. "Show diff" opens :class:`DiffView`,
which can also settle the conflict.

It opens unbidden, while the writer may be typing (:class:`UnbiddenDialog`): its keys are
alt+m / alt+t / alt+d (or tab to a button), typing goes on into the editor underneath,
and a further outside change to the same file updates this dialog (:meth:`changed_again`)
instead of stacking another.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar, Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from writers_tui.ui.diffing import DiffRow, cut, side_by_side, unified
from writers_tui.ui.modals.unbidden import UnbiddenDialog
from writers_tui.ui.textsafe import visible

Versions = Callable[[], Awaitable[tuple[str, str]]]

ConflictChoice = Literal["mine", "theirs"]


class ConflictDialog(UnbiddenDialog[ConflictChoice]):
    """Keep mine / Take theirs / Show diff. ``mine``/``theirs`` feed the diff view
    (``versions``, when given, fetches them afresh: the writer may have typed on)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("alt+m", "choose('mine')", "Keep mine", show=False),
        Binding("alt+t", "choose('theirs')", "Take theirs", show=False),
        Binding("alt+d", "show_diff", "Show diff", show=False),
    ]

    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    ConflictDialog > #dialog {
        width: 78; max-width: 95%; height: auto;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ConflictDialog #title { text-style: bold; color: $error; }
    ConflictDialog #explain { margin: 1 0; }
    ConflictDialog #buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ConflictDialog Button { margin-left: 2; }
    ConflictDialog .keys { color: $foreground-muted; margin-top: 1; }
    ConflictDialog #again, ConflictDialog #stray { color: $warning; height: auto; }
    """

    def __init__(
        self, path: str, title: str, mine: str, theirs: str, *, versions: Versions | None = None
    ) -> None:
        super().__init__()
        self.path = path
        self.file_title = title
        self.mine = mine
        self.theirs = theirs
        self.versions = versions
        #: How many outside changes this dialog stands for (one dialog per file).
        self.changes = 1

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"“{visible(self.file_title)}” was changed outside writers-tui", id="title")
            yield Static(
                f"{visible(self.path)} changed on disk while you had unsaved edits in it "
                "(another editor, a sync tool or git).\n\n"
                "Both versions are kept on disk: whichever you choose, the other one is "
                "saved beside the file as a .conflict- copy.",
                id="explain",
            )
            yield Static("", id="again")
            yield Static("", id="stray")
            yield Static(
                "Typing goes on into your text. alt+m keep mine · alt+t take theirs · "
                "alt+d show diff · or tab to a button",
                classes="keys",
            )
            with Horizontal(id="buttons"):
                yield Button("Show diff", id="diff")
                yield Button("Take theirs", id="theirs")
                yield Button("Keep mine", id="mine", variant="primary")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#again", Static).display = False
        self.query_one("#stray", Static).display = False

    def changed_again(self, mine: str, theirs: str) -> None:
        """Another outside change to the same file: this dialog now stands for it too."""
        self.mine, self.theirs = mine, theirs
        self.changes += 1
        if self.is_mounted:
            again = self.query_one("#again", Static)
            again.update(f"The file changed on disk again ({self.changes} changes so far).")
            again.display = True

    def show_stray_keys(self) -> None:
        stray = self.query_one("#stray", Static)
        stray.update(
            f"{len(self.stray_keys)} keys typed here did not reach your text: "
            f"“{visible(''.join(self.stray_keys)[-40:])}”"
        )
        stray.display = True

    def action_choose(self, choice: ConflictChoice) -> None:
        if self.in_grace:
            return
        self.dismiss(choice)

    @work(group="conflict-diff", exit_on_error=False)
    async def action_show_diff(self) -> None:
        if self.in_grace:
            return
        if self.versions is not None:
            self.mine, self.theirs = await self.versions()

        def settled(choice: ConflictChoice | None) -> None:
            if choice is not None:
                self.dismiss(choice)

        self.app.push_screen(DiffView(self.path, self.mine, self.theirs), settled)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.in_grace:
            return
        if event.button.id == "diff":
            self.action_show_diff()
        elif event.button.id in ("mine", "theirs"):
            self.dismiss("mine" if event.button.id == "mine" else "theirs")


_ROW_STYLE = {
    "same": "",
    "changed": "$warning",
    "mine": "$error",
    "theirs": "$success",
    "fold": "$foreground-muted",
}


class DiffView(ModalScreen[ConflictChoice | None]):
    """The two versions, unified or side by side (``s`` switches); computed in a thread."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "toggle_layout", "Side by side / unified"),
        Binding("m", "choose('mine')", "Keep mine"),
        Binding("t", "choose('theirs')", "Take theirs"),
        Binding("escape", "back", "Back"),
    ]

    DEFAULT_CSS = """
    DiffView { align: center middle; }
    DiffView > #dialog {
        width: 95%; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    DiffView #heading { height: 1; text-style: bold; }
    DiffView #legend { height: 1; color: $foreground-muted; }
    DiffView #body { height: 1fr; }
    DiffView .row { height: auto; }
    DiffView .row > Static { width: 1fr; padding: 0 1; }
    DiffView .row > .left { border-right: vkey $panel; }
    DiffView .row.-changed > Static { color: $warning; }
    DiffView .row.-mine > .left { color: $error; }
    DiffView .row.-theirs > .right { color: $success; }
    DiffView .row.-fold > Static { color: $foreground-muted; text-align: center; }
    DiffView #columns { height: 1; text-style: bold; }
    DiffView #columns > Label { width: 1fr; padding: 0 1; }
    DiffView #buttons { height: auto; align-horizontal: right; }
    DiffView Button { margin-left: 2; }
    """

    side_by_side: reactive[bool] = reactive(False, init=False)

    def __init__(self, path: str, mine: str, theirs: str) -> None:
        super().__init__()
        self.path = path
        self.mine = mine
        self.theirs = theirs
        self.unified_lines: list[str] | None = None
        self.rows: list[DiffRow] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Differences in {self.path}", id="heading")
            yield Label(
                "− only in mine (your buffer)   + only in theirs (on disk)   "
                "s: side by side / unified",
                id="legend",
            )
            yield VerticalScroll(Static("Comparing…", id="loading"), id="body")
            with Horizontal(id="buttons"):
                yield Button("Back", id="back")
                yield Button("Take theirs", id="theirs")
                yield Button("Keep mine", id="mine", variant="primary")

    def on_mount(self) -> None:
        self._compute()

    @work(thread=True, exit_on_error=False, group="diff")
    def _compute(self) -> None:
        lines = unified(self.mine, self.theirs)
        rows = side_by_side(self.mine, self.theirs)
        self.app.call_from_thread(self._computed, lines, rows)

    def _computed(self, lines: list[str], rows: list[DiffRow]) -> None:
        self.unified_lines = lines
        self.rows = rows
        self._show()

    def watch_side_by_side(self) -> None:
        if self.rows is not None:
            self._show()

    def _show(self) -> None:
        body = self.query_one("#body", VerticalScroll)
        body.remove_children()
        if self.unified_lines is None or self.rows is None:
            return
        if not self.unified_lines:
            body.mount(Static("The two versions are the same.", id="same"))
            return
        if self.side_by_side:
            shown, left_out = cut(self.rows)
            widgets: list[Static | Horizontal] = [
                Horizontal(Label("Mine (your buffer)"), Label("Theirs (on disk)"), id="columns")
            ]
            for row in self.rows[:shown]:
                widgets.append(
                    Horizontal(
                        Static(Content(row.mine or ""), classes="left"),
                        Static(Content(row.theirs or ""), classes="right"),
                        classes=f"row -{row.kind}",
                    )
                )
        else:
            shown, left_out = cut(self.unified_lines)
            parts: list[Content] = []
            for line in self.unified_lines[:shown]:
                style = (
                    "bold"
                    if line.startswith(("---", "+++"))
                    else "$accent"
                    if line.startswith("@@")
                    else _ROW_STYLE["mine"]
                    if line.startswith("-")
                    else _ROW_STYLE["theirs"]
                    if line.startswith("+")
                    else ""
                )
                parts.append(Content.styled(line, style) if style else Content(line))
            widgets = [Static(Content("\n").join(parts), id="unified")]
        if left_out:
            widgets.append(Static(f"… {left_out} more lines not shown", classes="hint"))
        body.mount_all(widgets)

    def action_toggle_layout(self) -> None:
        self.side_by_side = not self.side_by_side

    def action_choose(self, choice: ConflictChoice) -> None:
        self.dismiss(choice)

    def action_back(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "back":
            self.dismiss(None)
        elif event.button.id in ("mine", "theirs"):
            self.dismiss("mine" if event.button.id == "mine" else "theirs")
