"""A new bible entry from its template: pick the kind, type a title, see what is wrong.

The dialog does the creating itself (through the ``create`` callable the screen passes,
which calls ``workspace.create_entry``) so a refused title — empty, a name that exists,
a character that is not allowed in a file name — is shown *in the dialog*, next to the
field, and the writer fixes it there instead of starting over. It dismisses with the new
file's project path, or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

#: (workspace kind, what the writer reads)
KINDS: tuple[tuple[str, str], ...] = (
    ("character", "Character (reference/characters/)"),
    ("place", "Place (reference/places/)"),
    ("chapter", "Chapter (manuscript/, with a first scene)"),
    ("beats", "Beat sheet (planning/)"),
)

#: Creates an entry, returns its path; raises ValueError with a message the writer reads.
Create = Callable[[str, str], Awaitable[str]]

_FORBIDDEN = set('/\\:*?"<>|')


def title_problem(title: str) -> str | None:
    """Why a title cannot be a file name (checked before asking the workspace)."""
    cleaned = title.strip()
    if not cleaned:
        return "Give it a title."
    if cleaned.startswith("."):
        return "A title cannot start with a dot."
    bad = sorted(set(cleaned) & _FORBIDDEN)
    if bad:
        return f"A title cannot contain {' '.join(bad)}."
    if len(cleaned) > 120:
        return "Keep the title under 120 characters."
    return None


class NewEntryDialog(ModalScreen[str | None]):
    """Kind (up/down), title, enter creates; escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    NewEntryDialog { align: center middle; }
    NewEntryDialog > #dialog {
        width: 64; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    NewEntryDialog #heading { text-style: bold; margin-bottom: 1; }
    NewEntryDialog RadioSet { width: 1fr; margin-bottom: 1; }
    NewEntryDialog #error { color: $error; height: auto; }
    NewEntryDialog .hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, create: Create, kind: str = "character") -> None:
        super().__init__()
        self.create = create
        self.kind = kind if kind in dict(KINDS) else "character"
        self.error = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("New entry from a template", id="heading")
            with RadioSet(id="kind"):
                for kind, label in KINDS:
                    yield RadioButton(label, value=kind == self.kind, name=kind)
            yield Input(placeholder="Title, e.g. Elizabeth Bennet", id="title")
            yield Static("", id="error")
            yield Static("tab: kind / title · enter creates · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    @on(RadioSet.Changed)
    def _kind(self, event: RadioSet.Changed) -> None:
        self.kind = event.pressed.name or self.kind

    @on(Input.Changed, "#title")
    def _typed(self, event: Input.Changed) -> None:
        if self.error:
            self._show_error(None)

    @on(Input.Submitted, "#title")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = title_problem(event.value)
        if problem:
            self._show_error(problem)
            return
        self._create(event.value.strip())

    @work(exclusive=True, group="new-entry", exit_on_error=False)
    async def _create(self, title: str) -> None:
        try:
            path = await self.create(self.kind, title)
        except (ValueError, OSError) as refused:
            self._show_error(str(refused) or "That entry could not be created.")
            return
        self.dismiss(path)

    def _show_error(self, message: str | None) -> None:
        self.error = message or ""
        self.query_one("#error", Static).update(self.error)

    def action_cancel(self) -> None:
        self.dismiss(None)
