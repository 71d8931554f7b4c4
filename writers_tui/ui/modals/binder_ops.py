"""Small dialogs for the binder's operations: a title, a yes/no, a chapter to move into.

:class:`TitlePrompt` does not validate titles itself: it hands the title to the
``submit`` coroutine it was given (a Workspace call) and, when that raises
``ValueError``, shows the one-line message under the field and stays open, so the
writer can correct the title without starting over. It dismisses with the callback's
result on success, or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

ResultT = TypeVar("ResultT")

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > #dialog {{
    width: 64; max-width: 95%; height: auto;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} #title {{ text-style: bold; color: $primary; width: 1fr; }}
{name} .hint {{ color: $foreground-muted; margin-top: 1; }}
{name} #error {{ color: $error; text-style: bold; height: auto; }}
{name} #buttons {{ height: auto; margin-top: 1; align-horizontal: right; }}
{name} Button {{ margin-left: 2; }}
"""


class TitlePrompt(ModalScreen[ResultT | None], Generic[ResultT]):
    """Ask for a title; ``submit(title)`` does the work (ValueError → shown inline)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
    ]
    DEFAULT_CSS = _DIALOG_CSS.format(name="TitlePrompt")

    def __init__(
        self,
        heading: str,
        submit: Callable[[str], Awaitable[ResultT]],
        *,
        value: str = "",
        placeholder: str = "Title",
        action: str = "Create",
        what: str = "A title",
    ) -> None:
        super().__init__()
        self.heading = heading
        self._submit = submit
        self._value = value
        self._placeholder = placeholder
        self._action = action
        self._what = what
        self.error: str = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.heading, id="title")
            yield Input(self._value, placeholder=self._placeholder, id="title-input")
            yield Static("", id="error")
            yield Static("enter " + self._action.lower() + " · escape cancel", classes="hint")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self._action, id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#error", Static).display = False
        self.query_one(Input).focus()

    def show_error(self, message: str) -> None:
        self.error = message
        error = self.query_one("#error", Static)
        error.update(message)
        error.display = bool(message)

    @on(Input.Changed)
    def _typing(self) -> None:
        if self.error:
            self.show_error("")

    @on(Input.Submitted)
    async def _submitted(self) -> None:
        await self._try()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            await self._try()
        else:
            self.dismiss(None)

    async def _try(self) -> None:
        title = self.query_one(Input).value.strip()
        if not title:
            self.show_error(f"{self._what} cannot be empty.")
            return
        try:
            result = await self._submit(title)
        except ValueError as problem:
            self.show_error(str(problem).splitlines()[0] if str(problem) else "Not a valid title.")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDelete(ModalScreen[bool]):
    """Move an entry to the trash? (Enter/y yes, Escape/n no; u undoes it later.)"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Delete", show=False),
        Binding("n,escape", "answer(False)", "Keep", show=False),
    ]
    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmDelete")

    def __init__(self, title: str, *, is_folder: bool, files: int = 0) -> None:
        super().__init__()
        self.entry_title = title
        self.is_folder = is_folder
        self.files = files

    def compose(self) -> ComposeResult:
        what = "chapter" if self.is_folder else "scene"
        with Vertical(id="dialog"):
            yield Label(f"Move the {what} “{self.entry_title}” to the trash?", id="title")
            detail = (
                f"The chapter and its {self.files} scene{'s' if self.files != 1 else ''} go to "
                if self.is_folder
                else "The scene goes to "
            )
            yield Static(
                detail + ".session/trash/ — nothing is lost. Press u in the binder to undo."
            )
            yield Static("y move to trash · n keep it", classes="hint")
            with Horizontal(id="buttons"):
                yield Button("Keep", id="keep")
                yield Button("Move to trash", id="delete", variant="error")

    def on_mount(self) -> None:
        self.query_one("#delete", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "delete")


@dataclass(frozen=True)
class ChapterChoice:
    path: str
    title: str


class ChapterPicker(ModalScreen[str | None]):
    """Choose the chapter to move an entry into (Enter picks, Escape cancels)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
    ]
    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="ChapterPicker")
        + """
    ChapterPicker OptionList { height: auto; max-height: 16; margin-top: 1; }
    """
    )

    def __init__(self, entry_title: str, chapters: Sequence[ChapterChoice]) -> None:
        super().__init__()
        self.entry_title = entry_title
        self.chapters = list(chapters)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Move “{self.entry_title}” into…", id="title")
            yield OptionList(
                *[Option(chapter.title, id=chapter.path) for chapter in self.chapters],
                id="chapters",
            )
            yield Static("enter move · escape cancel", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.chapters else None
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["ChapterChoice", "ChapterPicker", "ConfirmDelete", "TitlePrompt"]
