"""Add a manual expense: an AI call made outside the app (a chat window, another tool).

The same path as ``writers-tui costs add``: the dialog only collects the fields and hands
them to the caller's ``submit`` (the Workspace's ``add_expense``), which validates, prices
and records durably. Whatever it refuses comes back as a one-line message shown under the
fields, so the writer fixes the value in place instead of losing the form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


@dataclass(frozen=True)
class ExpenseForm:
    """What the writer typed, tokens already whole numbers."""

    model: str
    input_tokens: int
    output_tokens: int
    cached_tokens: int = 0
    operation: str = "manual"


#: Records the expense (or raises ``ValueError`` / ``OSError`` with a one-line message).
Submit = Callable[[ExpenseForm], Awaitable[Any]]

_TOKEN_FIELDS = (
    ("input-tokens", "input tokens"),
    ("output-tokens", "output tokens"),
    ("cached-tokens", "cached tokens"),
)


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def parse_tokens(label: str, text: str, *, default: int | None = None) -> int:
    """A token count from an input (``ValueError`` naming the field otherwise)."""
    text = text.strip().replace(",", "").replace("_", "")
    if not text and default is not None:
        return default
    if not text.isdigit():
        raise ValueError(f"{label}: enter a whole number (0 or more)")
    return int(text)


class ExpenseDialog(ModalScreen[Any]):
    """Collects one expense; dismisses with what ``submit`` returned, or None (cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    DEFAULT_CSS = """
    ExpenseDialog { align: center middle; }
    ExpenseDialog > #dialog {
        width: 72; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    ExpenseDialog #title { text-style: bold; color: $primary; }
    ExpenseDialog #why { color: $text-muted; margin-bottom: 1; }
    ExpenseDialog #fields { grid-size: 2; grid-columns: 16 1fr; grid-rows: 3; height: auto; }
    ExpenseDialog #fields Label { padding: 1 0 0 0; }
    ExpenseDialog #expense-error { color: $error; height: auto; max-height: 3; margin-top: 1; }
    ExpenseDialog #buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ExpenseDialog Button { margin-left: 2; }
    ExpenseDialog .keys { color: $text-muted; }
    """

    def __init__(self, submit: Submit) -> None:
        super().__init__()
        self.submit = submit
        self.error = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Add a manual expense", id="title")
            yield Static(
                "An AI call made outside writers-tui, priced and recorded like `costs add`.",
                id="why",
            )
            with Grid(id="fields"):
                yield Label("Model")
                yield Input(
                    placeholder="provider/model, e.g. anthropic/claude-sonnet-4-5", id="model"
                )
                yield Label("Input tokens")
                yield Input(placeholder="prompt tokens, not counting cached", id="input-tokens")
                yield Label("Output tokens")
                yield Input(placeholder="0", id="output-tokens")
                yield Label("Cached tokens")
                yield Input("0", id="cached-tokens")
                yield Label("Operation")
                yield Input("manual", id="operation")
            yield Static("", id="expense-error")
            yield Static("tab next field · enter add · escape cancel", classes="keys")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add expense", id="add", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#model", Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def form(self) -> ExpenseForm:
        """The typed values (``ValueError`` naming the first field that is not a number)."""
        counts = {
            field: parse_tokens(
                label, self._value(field), default=0 if field == "cached-tokens" else None
            )
            for field, label in _TOKEN_FIELDS
        }
        return ExpenseForm(
            model=self._value("model").strip(),
            input_tokens=counts["input-tokens"],
            output_tokens=counts["output-tokens"],
            cached_tokens=counts["cached-tokens"],
            operation=self._value("operation").strip() or "manual",
        )

    def show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#expense-error", Static).update(message)

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _add(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        try:
            form = self.form()
        except ValueError as error:
            self.show_error(first_line(error))
            return
        self._record(form)

    @work(exclusive=True, group="expense", exit_on_error=False)
    async def _record(self, form: ExpenseForm) -> None:
        self.show_error("")
        try:
            result = await self.submit(form)
        except (ValueError, OSError) as error:  # refused input, read-only, disk
            self.show_error(first_line(error))
            return
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
