"""Two questions before an AI call spends money: "send it?" and "over budget: override?".

:class:`ConfirmCall` opens when a call's estimate is above the writer's confirm threshold
(``estimate.needs_confirmation``); :class:`BudgetBlocked` opens when the call would take
a budget limit past its amount (``estimate.over_budget``). Both show plain data from an
:class:`~writers_tui.ui.ports.EstimateLike` and dismiss with ``True`` (send / override
for this call) or ``False`` (cancel); the caller acts on the answer (the engine's
``confirmed`` / ``override_budget``). Neither touches the workspace or the AI engine.

Both are :class:`~writers_tui.ui.modals.unbidden.UnbiddenDialog` subclasses: an estimate takes
a moment, so the dialog may appear while the writer has gone back to typing. For
:data:`~writers_tui.ui.modals.unbidden.GRACE_SECONDS` after it opens every key of its own
is ignored, and text keys go on into the editor underneath. Unlike the conflict dialog
the *Cancel* button has focus from the start (see :class:`ConfirmCall` for why that is
the safe default), so enter or space after the grace can only ever cancel.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from writers_tui.ui.ai_words import operation_name, sources_line
from writers_tui.ui.modals.unbidden import UnbiddenDialog
from writers_tui.ui.ports import EstimateLike, LimitCheckLike
from writers_tui.ui.status import format_money
from writers_tui.ui.textsafe import visible

#: Where the writer changes the limits and the confirm threshold.
PREFERENCES_HINT = "Preferences (F8) → Budget & AI"

_CENT = Decimal("0.01")
_FOUR_PLACES = Decimal("0.0001")


def format_estimate(amount: Decimal) -> str:
    """An estimated amount: ``~$0.0123`` below $1 (4 decimals), ``~$1.23`` from $1 on.

    Rounded half up; an amount above zero that would round to nothing is ``<$0.0001``,
    never a misleading ``~$0.0000``.
    """
    if 0 < amount < _FOUR_PLACES / 2:
        return "<$0.0001"
    fine = amount.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)
    if abs(fine) < 1:
        return f"~${fine:,f}"
    return f"~${amount.quantize(_CENT, rounding=ROUND_HALF_UP):,f}"


def format_tokens(count: int) -> str:
    return f"{count:,}"


def estimated_cost(estimate: EstimateLike) -> str:
    """The estimate's cost, or that nobody knows it (an unpriced model counts as $0)."""
    return format_estimate(estimate.cost) if estimate.priced else "unknown (no price known)"


def words_list(words: Sequence[str]) -> str:
    """``daily``, ``daily and weekly``, ``daily, weekly and monthly``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def limit_line(limit: LimitCheckLike) -> str:
    """``daily budget $5.00: $1.20 spent, after this ~$1.33`` (running calls if any)."""
    running = f", {format_money(limit.reserved)} running" if limit.reserved > 0 else ""
    return (
        f"{limit.label} budget {format_money(limit.limit)}: {format_money(limit.spent)} "
        f"spent{running}, after this {format_estimate(limit.after)}"
    )


def budget_table(limits: Sequence[LimitCheckLike]) -> Content:
    """The limits as aligned columns: spent + running + this call = after, and how much over.

    The *Running* column (estimates of calls still in progress) is there only when some
    limit has something running.
    """
    with_running = any(limit.reserved > 0 for limit in limits)
    headers = ["Budget", "Limit", "Spent"]
    if with_running:
        headers.append("Running")
    headers += ["This call", "After", "Over by"]
    rows: list[list[str]] = []
    for limit in limits:
        row = [visible(limit.label).capitalize(), format_money(limit.limit)]
        row.append(format_money(limit.spent))
        if with_running:
            row.append(format_money(limit.reserved) if limit.reserved > 0 else "—")
        over = limit.after - limit.limit
        row += [
            format_estimate(limit.estimate),
            format_estimate(limit.after),
            format_estimate(over) if over > 0 else "—",
        ]
        rows.append(row)
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str], styles: Sequence[str]) -> Content:
        parts: list[str | tuple[str, str]] = []
        for index, (cell, width, style) in enumerate(zip(cells, widths, styles, strict=True)):
            text = cell.ljust(width) if index == 0 else cell.rjust(width)
            parts.append("  " if index else "")
            parts.append((text, style) if style else text)
        return Content.assemble(*parts)

    last = len(headers) - 1
    lines = [line(headers, ["bold"] * len(headers))]
    for row in rows:
        lines.append(
            line(
                row, ["bold" if i == 0 else "$error" if i == last else "" for i in range(len(row))]
            )
        )
    return Content("\n").join(lines)


def _fact(key: str, value: str | Content, *, classes: str = "") -> Horizontal:
    """One ``Label   value`` row; a long value wraps under itself, not under the label."""
    shown = value if isinstance(value, Content) else Content(value)
    return Horizontal(
        Static(key, classes="key"),
        Static(shown, classes="value"),
        classes=f"fact {classes}".strip(),
    )


_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > #dialog {{
    width: 78; max-width: 100%; height: auto; max-height: 100%;
    border: thick {border}; background: $surface; padding: 1 2 0 2;
}}
{name} #title {{ text-style: bold; color: {border}; width: 1fr; }}
{name} #body {{ height: auto; }}
{name} .fact {{ height: auto; }}
{name} .fact > .key {{ width: 12; color: $foreground-muted; }}
{name} .fact > .value {{ width: 1fr; }}
{name} .-warning > .value {{ color: $warning; }}
{name} #facts {{ height: auto; margin-top: 1; }}
{name} .hint {{ color: $foreground-muted; margin-top: 1; }}
{name} .keys {{ margin-top: 0; }}
{name} #stray {{ color: $warning; height: auto; margin-top: 1; }}
{name} #buttons {{ dock: bottom; height: auto; margin: 1 0; align-horizontal: right; }}
{name} Button {{ margin-left: 2; }}
"""


class _CallDialog(UnbiddenDialog[bool]):
    """What both dialogs share: Cancel focused, a grace, stray keys shown, True/False."""

    #: The button that answers True.
    yes_id: ClassVar[str] = ""

    def on_mount(self) -> None:
        super().on_mount()  # starts the grace (and clears the focus)
        self.query_one("#stray", Static).display = False
        self.query_one("#cancel", Button).focus()

    def show_stray_keys(self) -> None:
        stray = self.query_one("#stray", Static)
        stray.update(
            Content(
                f"{len(self.stray_keys)} keys typed here did not reach your text: "
                f"“{visible(''.join(self.stray_keys)[-40:])}”"
            )
        )
        stray.display = True

    def action_answer(self, yes: bool) -> None:
        if self.in_grace:
            return
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.in_grace:
            return
        self.dismiss(event.button.id == self.yes_id)


class ConfirmCall(_CallDialog):
    """Send an AI call whose estimate is above the confirm threshold? True: send it.

    ``ConfirmCall(estimate)``; dismisses with ``True`` (Send) or ``False`` (Cancel).

    Keys: alt+s sends, alt+c or escape cancels, tab moves between the buttons and enter
    or space presses the one with focus. *Cancel* has focus when the dialog opens, so a
    stray enter (or space) can only cancel: the worst a slip can do is cost the writer
    one more keystroke to ask again, never money. Enter therefore sends only once the
    writer has tabbed to *Send* on purpose (a screen-wide "enter sends" would be either
    shadowed by the focused button or, worse, spend money on a habitual enter). For the
    grace after opening every key is ignored (text keys go on into the editor below).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("alt+s", "answer(True)", "Send", show=False),
        Binding("alt+c,escape", "answer(False)", "Cancel", show=False),
    ]
    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmCall", border="$warning")
    AUTO_FOCUS = "#cancel"
    yes_id = "send"

    def __init__(self, estimate: EstimateLike) -> None:
        super().__init__()
        self.estimate = estimate

    def compose(self) -> ComposeResult:
        estimate = self.estimate
        cost = estimated_cost(estimate)
        if estimate.priced:
            cost += f" — above your {format_money(estimate.threshold)} confirm threshold"
        limits = [limit_line(limit) for limit in estimate.budget.limits]
        with Vertical(id="dialog"):
            yield Label("Send this AI call?", id="title")
            yield Static("", id="stray")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Send", id="send", variant="primary")
            with VerticalScroll(id="body", can_focus=False):
                with Vertical(id="facts"):
                    yield _fact("Operation", operation_name(estimate.operation))
                    yield _fact("Model", visible(estimate.model))
                    yield _fact(
                        "Tokens",
                        f"~{format_tokens(estimate.input_tokens)} in · "
                        f"up to {format_tokens(estimate.output_tokens)} out",
                    )
                    yield _fact("Cost", cost)
                    if estimate.warning:
                        yield _fact("Warning", f"⚠ {visible(estimate.warning)}", classes="-warning")
                    if estimate.sources:
                        yield _fact("Sends", sources_line(estimate.sources))
                    yield _fact("Budget", "\n".join(limits) if limits else "no limits set")
                yield Static(f"Change the threshold in {PREFERENCES_HINT}.", classes="hint")
                yield Static(
                    "alt+s send · alt+c or escape cancel · tab to a button", classes="hint keys"
                )


class BudgetBlocked(_CallDialog):
    """An AI call would go over a budget limit: cancel, or override for this one call?

    ``BudgetBlocked(estimate)``; dismisses with ``True`` (override: send this call anyway,
    the limits stay as they are) or ``False`` (Cancel). Each exceeded limit of
    ``estimate.budget`` is a row of a small table: limit, spent, running (only when calls
    are running), this call, after, and how much over.

    Overriding needs a deliberate act: alt+o, or a click on (or tab to, then enter on)
    *Override for this call*. *Cancel* has focus when the dialog opens and enter never
    overrides by default; escape and alt+c cancel. Keys are ignored during the grace.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("alt+o", "answer(True)", "Override for this call", show=False),
        Binding("alt+c,escape", "answer(False)", "Cancel", show=False),
    ]
    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="BudgetBlocked", border="$error")
        + """
    BudgetBlocked #table { height: auto; margin-top: 1; }
    BudgetBlocked #running { color: $foreground-muted; height: auto; }
    """
    )
    AUTO_FOCUS = "#cancel"
    yes_id = "override"

    def __init__(self, estimate: EstimateLike) -> None:
        super().__init__()
        self.estimate = estimate

    @property
    def exceeded(self) -> list[LimitCheckLike]:
        """The limits this call would go past (all of them, should none be marked)."""
        limits = list(self.estimate.budget.limits)
        return [limit for limit in limits if limit.exceeded] or limits

    def compose(self) -> ComposeResult:
        estimate = self.estimate
        exceeded = self.exceeded
        which = words_list([visible(limit.label) for limit in exceeded])
        plural = "s" if len(exceeded) > 1 else ""
        title = f"This AI call would go over your {which} budget{plural}".replace("  ", " ")
        with Vertical(id="dialog"):
            yield Label(Content(title), id="title")
            yield Static("", id="stray")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Override for this call", id="override", variant="error")
            with VerticalScroll(id="body", can_focus=False):
                with Vertical(id="facts"):
                    yield _fact("Operation", operation_name(estimate.operation))
                    yield _fact("Model", visible(estimate.model))
                    yield _fact("This call", estimated_cost(estimate))
                    if estimate.warning:
                        yield _fact("Warning", f"⚠ {visible(estimate.warning)}", classes="-warning")
                yield Static(budget_table(exceeded), id="table")
                if any(limit.reserved > 0 for limit in exceeded):
                    yield Static("Running: estimates of AI calls still in progress.", id="running")
                yield Static(
                    f"Nothing has been sent. To raise a limit: {PREFERENCES_HINT}. "
                    "Overriding sends this one call; your limits stay as they are.",
                    classes="hint",
                )
                yield Static(
                    "alt+o override for this call · alt+c or escape cancel", classes="hint keys"
                )


__all__ = [
    "BudgetBlocked",
    "ConfirmCall",
    "budget_table",
    "format_estimate",
    "limit_line",
]
