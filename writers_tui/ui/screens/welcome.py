"""The welcome screen: the folder given is not a writers-tui project (yet).

Three ways forward, all by keyboard: make a project here from a template, open a recent
project, or open the demo (Pride and Prejudice, in the user data folder). The screen only
gathers the choice and dismisses with it; the App creates or opens the project.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from writers_tui.ui.recent import RecentProject


@dataclass(frozen=True)
class WelcomeChoice:
    action: Literal["create", "open", "demo", "quit"]
    path: Path | None = None
    template: str | None = None
    title: str | None = None


class WelcomeScreen(Screen[WelcomeChoice]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "create", "Create here", show=True),
        Binding("ctrl+d", "demo", "Open the demo", show=True),
    ]

    def __init__(
        self,
        folder: Path,
        templates: Sequence[str],
        recent: Sequence[RecentProject],
        *,
        shown_folder: str | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__(id="screen-welcome")
        self.folder = folder
        self.templates = list(templates)
        self.recent = list(recent)
        self.shown_folder = shown_folder or str(folder)
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Label("Welcome to writers-tui", id="welcome-title")
            yield Static(
                f"{self.shown_folder} is not a writers-tui project yet "
                "(it has no manuscript/ folder).",
                id="welcome-folder",
            )
            if self.error:
                yield Static(self.error, id="welcome-error")
            with Horizontal(id="welcome-columns"):
                with Vertical(id="welcome-create", classes="welcome-card"):
                    yield Label("Start a project in this folder", classes="section")
                    yield Input(placeholder="Title (optional)", id="welcome-title-input")
                    with RadioSet(id="welcome-template"):
                        for index, name in enumerate(self.templates):
                            yield RadioButton(
                                name.replace("-", " "), value=index == 0, id=f"template-{name}"
                            )
                    yield Button("Create project here", id="create", variant="primary")
                with Vertical(id="welcome-open", classes="welcome-card"):
                    yield Label("Open a recent project", classes="section")
                    if self.recent:
                        yield OptionList(
                            *[
                                Option(f"{entry.title}\n  {entry.path}", id=str(index))
                                for index, entry in enumerate(self.recent)
                            ],
                            id="welcome-recent",
                        )
                    else:
                        yield Static("No recent projects yet.", classes="hint")
                    yield Label("Or try the sample novel", classes="section")
                    yield Button("Open the demo", id="demo")
            yield Static(
                "tab moves between parts · ctrl+n creates · ctrl+d opens the demo · ctrl+q quits",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#create", Button).focus()

    def _template(self) -> str:
        radio = self.query_one(RadioSet)
        index = radio.pressed_index
        return self.templates[index] if 0 <= index < len(self.templates) else self.templates[0]

    def action_create(self) -> None:
        title = self.query_one("#welcome-title-input", Input).value.strip() or None
        self.dismiss(WelcomeChoice("create", self.folder, self._template(), title))

    def action_demo(self) -> None:
        self.dismiss(WelcomeChoice("demo"))

    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#demo")
    def _demo(self) -> None:
        self.action_demo()

    @on(OptionList.OptionSelected, "#welcome-recent")
    def _recent(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        self.dismiss(WelcomeChoice("open", self.recent[index].path))
