"""One past session in full: when, how long, words, cost, every file it touched.

The History screen's table has room for counts only; this dialog lists the files created
and modified and the AI operations by kind, so a writer can answer "what did I do on
Tuesday?" without opening the log. Read-only: it changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from writers_tui.ui.status import format_money
from writers_tui.ui.timefmt import duration


class SessionLike(Protocol):
    """A history entry as the Workspace's ``history()`` returns it."""

    @property
    def session_id(self) -> str: ...
    @property
    def start_time(self) -> datetime: ...
    @property
    def end_time(self) -> datetime: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def total_cost(self) -> Decimal: ...
    @property
    def files_modified(self) -> Sequence[str]: ...
    @property
    def files_created(self) -> Sequence[str]: ...
    @property
    def operations_count(self) -> Mapping[str, int]: ...
    @property
    def words_written(self) -> int: ...
    @property
    def interrupted(self) -> bool: ...


def local(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b %Y, %H:%M")


def detail_lines(entry: SessionLike) -> list[str]:
    """The dialog's text, as lines (tested as data)."""
    ended = entry.end_time.astimezone().strftime("%H:%M")
    lines = [
        f"Started    {local(entry.start_time)}",
        f"Ended      {ended}"
        + ("  (interrupted: the app did not close cleanly)" if entry.interrupted else ""),
        f"Duration   {duration(entry.duration_minutes)}",
        f"Words      {entry.words_written:+,}",
        f"AI cost    {format_money(entry.total_cost)}",
        "",
    ]
    for title, files in (("Created", entry.files_created), ("Modified", entry.files_modified)):
        lines.append(f"{title} ({len(files)})")
        lines.extend(f"  {path}" for path in files)
        if not files:
            lines.append("  none")
    operations = entry.operations_count
    lines.append("")
    if operations:
        lines.append("AI operations")
        lines.extend(f"  {name:<20} {count:>4}" for name, count in sorted(operations.items()))
    else:
        lines.append("AI operations  none")
    return lines


class SessionDetail(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close"),
    ]

    DEFAULT_CSS = """
    SessionDetail { align: center middle; }
    SessionDetail > #dialog {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    SessionDetail #title { text-style: bold; color: $primary; }
    SessionDetail #title.-interrupted { color: $warning; }
    SessionDetail #body { height: auto; max-height: 24; margin: 1 0; }
    SessionDetail .keys { color: $text-muted; }
    """

    def __init__(self, entry: SessionLike) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        entry = self.entry
        title = "Session of " + local(entry.start_time)
        if entry.interrupted:
            title = "⚠ " + title + " — interrupted"
        with Vertical(id="dialog"):
            yield Label(title, id="title", classes="-interrupted" if entry.interrupted else "")
            with VerticalScroll(id="body"):
                yield Static("\n".join(detail_lines(entry)), id="detail")
            yield Static("escape or enter closes · ↑↓ scroll", classes="keys")

    def action_close(self) -> None:
        self.dismiss(None)
