"""The recovery dialog: the last session did not end cleanly; continue it or start fresh.

Shown before anything else (the workspace refuses other work until it is answered). It
lists what the writer needs to decide: when the session last saved, how long it ran, the
stage, the open files with their cursors, and the journals of unsaved text that can be
restored. Journals the writer unticks are left on disk, never deleted from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static

from writers_tui.ui.ports import RecoveryLike
from writers_tui.ui.stages import stage_title
from writers_tui.ui.textsafe import visible
from writers_tui.ui.timefmt import ago, duration, parse_time, size, when
from writers_tui.values import utc_now


@dataclass(frozen=True)
class RecoveryDecision:
    action: Literal["continue", "fresh"]
    #: Journals (project-relative paths) to restore into their buffers.
    restore: tuple[str, ...] = ()


class RecoveryDialog(ModalScreen[RecoveryDecision]):
    """Continue (restore stage, files, cursors and the ticked journals) or start fresh."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "choose('continue')", "Continue", show=False),
        Binding("f", "choose('fresh')", "Start fresh", show=False),
    ]

    DEFAULT_CSS = """
    RecoveryDialog { align: center middle; }
    RecoveryDialog > #dialog {
        width: 76; max-width: 95%; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    RecoveryDialog #title { text-style: bold; color: $warning; width: 1fr; }
    RecoveryDialog .facts { height: auto; margin: 1 0; }
    RecoveryDialog .section { text-style: bold; margin-top: 1; }
    RecoveryDialog #journals { height: auto; max-height: 8; }
    RecoveryDialog .hint { color: $foreground-muted; }
    RecoveryDialog #buttons { height: auto; margin-top: 1; align-horizontal: right; }
    RecoveryDialog Button { margin-left: 2; }
    RecoveryDialog .keys { color: $foreground-muted; margin-top: 1; }
    """

    def __init__(self, recovery: RecoveryLike, *, clock: Callable[[], datetime] = utc_now):
        super().__init__()
        self.recovery = recovery
        self._clock = clock

    def compose(self) -> ComposeResult:
        r = self.recovery
        now = self._clock()
        with Vertical(id="dialog"):
            yield Label("Your last session did not end cleanly", id="title")
            yield Static(
                "writers-tui was closed without saving its session (a crash, a kill or a "
                "closed terminal). Your prose is saved every second, so little or nothing "
                "should be lost.",
            )
            facts = [
                f"Last saved   {when(r.last_saved_at, now)}",
                f"Ran for      {duration(r.duration_minutes)}",
                f"Stage        {stage_title(r.stage)}",
            ]
            yield Static("\n".join(facts), classes="facts", id="facts")
            yield Label("Open files", classes="section")
            if r.open_files:
                rows = []
                for info in r.open_files:
                    mark = "▸ " if info.path == r.active_file else "  "
                    rows.append(
                        f"{mark}{visible(info.path)}  (line {info.cursor_line + 1}, "
                        f"col {info.cursor_col + 1})"
                    )
                yield Static("\n".join(rows), id="open-files")
            else:
                yield Static("  none", id="open-files", classes="hint")
            yield Label("Unsaved text that can be restored", classes="section")
            if r.journals:
                with VerticalScroll(id="journals"):
                    for index, journal in enumerate(r.journals):
                        stamp = parse_time(journal.saved_at)
                        saved = f"kept {ago(stamp, now)}" if stamp else "time unknown"
                        name = visible(journal.path.rsplit("/", 1)[-1])
                        stale = bool(getattr(journal, "stale", False))
                        note = (
                            " — the file changed since (restoring keeps the current file "
                            "as a conflict copy)"
                            if stale
                            else ""
                        )
                        # A journal older than the file is never restored unasked.
                        yield Checkbox(
                            f"{name} — {size(journal.size)}, {saved}{note}",
                            value=not stale,
                            id=f"journal-{index}",
                            classes="-stale" if stale else "",
                        )
                yield Static(
                    "Ticked journals go back into their files. Unticked ones stay in "
                    ".session/recovery/.",
                    classes="hint",
                )
            else:
                yield Static("  none — everything was on disk", id="no-journals", classes="hint")
            yield Static("c continue · f start fresh · tab moves", classes="keys")
            with Horizontal(id="buttons"):
                yield Button("Start fresh", id="fresh")
                yield Button("Continue", id="continue", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#continue", Button).focus()

    def _ticked(self) -> tuple[str, ...]:
        chosen = []
        for index, journal in enumerate(self.recovery.journals):
            if self.query_one(f"#journal-{index}", Checkbox).value:
                chosen.append(journal.journal)
        return tuple(chosen)

    def action_choose(self, action: Literal["continue", "fresh"]) -> None:
        restore = self._ticked() if action == "continue" else ()
        self.dismiss(RecoveryDecision(action, restore))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose("continue" if event.button.id == "continue" else "fresh")
