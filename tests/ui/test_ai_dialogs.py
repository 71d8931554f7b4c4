"""The AI call dialogs: what a call will cost before it is sent, and what it would do to
the budget; they answer True (send / override) only when the writer clearly means it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.widgets import Button, Label, Static

from tests.ui.conftest import ScreenHarness
from writers_tui.ui.ai_words import operation_name, sources_line
from writers_tui.ui.modals.ai_call import (
    BudgetBlocked,
    ConfirmCall,
    budget_table,
    format_estimate,
    limit_line,
)
from writers_tui.ui.ports import EstimateLike

D = Decimal
APP_CSS = str(Path(__file__).resolve().parents[2] / "writers_tui" / "ui" / "app.tcss")
SMALL = (80, 24)
DialogT = TypeVar("DialogT", ConfirmCall, BudgetBlocked)
ZERO = D(0)
COST = D("0.0492")
THRESHOLD = D("0.01")


@dataclass(frozen=True)
class Limit:
    period: str
    label: str
    limit: Decimal
    spent: Decimal
    reserved: Decimal = ZERO
    estimate: Decimal = ZERO

    @property
    def after(self) -> Decimal:
        return self.spent + self.reserved + self.estimate

    @property
    def exceeded(self) -> bool:
        return self.after > self.limit


@dataclass(frozen=True)
class Budget:
    limits: tuple[Limit, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(limit.exceeded for limit in self.limits)

    def message(self) -> str:
        return "over budget: " + "; ".join(lim.label for lim in self.limits if lim.exceeded)


@dataclass(frozen=True)
class FakeEstimate:
    model: str = "anthropic/claude-sonnet-4-5"
    operation: str = "continue"
    input_tokens: int = 12_400
    output_tokens: int = 800
    cost: Decimal = COST
    priced: bool = True
    warning: str | None = None
    threshold: Decimal = THRESHOLD
    budget: Budget = field(default_factory=Budget)
    cache_hit: bool = False
    sources: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return not self.cache_hit and self.cost > self.threshold

    @property
    def over_budget(self) -> bool:
        return not self.cache_hit and not self.budget.ok


def _fits(estimate: FakeEstimate) -> EstimateLike:
    return estimate  # mypy: the plain dataclass is what the dialogs are typed against


def confirm_estimate(**changes: Any) -> FakeEstimate:
    cost = changes.pop("cost", COST)
    limits = (
        Limit("day", "daily", D("5.00"), D("1.20"), estimate=cost),
        Limit("month", "monthly", D("50"), D("12.40"), estimate=cost),
    )
    return FakeEstimate(cost=cost, budget=Budget(limits), **changes)


def blocked_estimate(reserved: Decimal = ZERO) -> FakeEstimate:
    cost = D("0.1523")
    limits = (
        Limit("day", "daily", D("5.00"), D("4.90"), reserved, cost),
        Limit("week", "weekly", D("20.00"), D("9.10"), reserved, cost),
        Limit("month", "monthly", D("50.00"), D("49.95"), reserved, cost),
    )
    return FakeEstimate(operation="draft_scene", cost=cost, budget=Budget(limits))


def _text(screen: object, selector: str) -> str:
    return "\n".join(
        str(widget.render())
        for widget in screen.query(selector).results(Static)  # type: ignore[attr-defined]
    )


def _no_grace(dialog: DialogT) -> DialogT:
    dialog.grace_seconds = 0
    return dialog


# -- formatting ------------------------------------------------------------------------


def test_estimates_have_four_decimals_below_a_dollar_and_two_above() -> None:
    assert format_estimate(D("0.0123")) == "~$0.0123"
    assert format_estimate(D("0.01235")) == "~$0.0124"  # half up
    assert format_estimate(D("0.5")) == "~$0.5000"
    assert format_estimate(D("1.333")) == "~$1.33"
    assert format_estimate(D("0.99996")) == "~$1.00"
    assert format_estimate(D("1234.5")) == "~$1,234.50"
    assert format_estimate(D("0.00001")) == "<$0.0001"
    assert format_estimate(D(0)) == "~$0.0000"


def test_operation_names_and_limit_lines() -> None:
    assert operation_name("continue") == "Continue from the cursor"
    assert operation_name("draft_scene") == "Draft this scene"
    assert operation_name("ask") == "Ask the story bible"
    assert operation_name("summarise") == "summarise"
    limit = Limit("day", "daily", D("5"), D("1.20"), estimate=D("0.13"))
    assert limit_line(limit) == "daily budget $5.00: $1.20 spent, after this ~$1.33"
    running = Limit("day", "daily", D("5"), D("1.20"), D("0.10"), D("0.13"))
    assert limit_line(running) == (
        "daily budget $5.00: $1.20 spent, $0.10 running, after this ~$1.43"
    )


def test_budget_table_adds_up_and_shows_running_only_when_something_runs() -> None:
    limit = Limit("day", "daily", D("5.00"), D("4.90"), estimate=D("0.1523"))
    plain = str(budget_table([limit])).splitlines()
    assert plain[0].split() == ["Budget", "Limit", "Spent", "This", "call", "After", "Over", "by"]
    assert plain[1].split() == ["Daily", "$5.00", "$4.90", "~$0.1523", "~$5.05", "~$0.0523"]
    running = Limit("day", "daily", D("5.00"), D("4.90"), D("0.25"), D("0.1523"))
    plain = str(budget_table([running])).splitlines()
    assert "Running" in plain[0]
    assert plain[1].split() == [
        "Daily", "$5.00", "$4.90", "$0.25", "~$0.1523", "~$5.30", "~$0.3023"
    ]  # fmt: skip
    assert len({len(line) for line in plain}) == 1  # the columns line up


# -- ConfirmCall -------------------------------------------------------------------------


async def test_confirm_shows_operation_model_tokens_cost_threshold_and_limits() -> None:
    estimate = confirm_estimate(sources=("bible/characters.md", "bible/places.md"))
    dialog = ConfirmCall(_fits(estimate))
    app = ScreenHarness(dialog)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        facts = _text(dialog, "#facts Static")
        assert "Continue from the cursor" in facts
        assert "anthropic/claude-sonnet-4-5" in facts
        assert "~12,400 in · up to 800 out" in facts
        assert "~$0.0492 — above your $0.01 confirm threshold" in facts
        assert "daily budget $5.00: $1.20 spent, after this ~$1.25" in facts
        assert "monthly budget $50.00: $12.40 spent, after this ~$12.45" in facts
        assert "2 story-bible files: characters, places" in facts
        assert "Warning" not in facts
        assert "Preferences (F8) → Budget & AI" in _text(dialog, ".hint")
    assert app.results == []


async def test_confirm_shows_the_estimate_warning_for_an_unpriced_model() -> None:
    warning = "no price known for ollama/llama3 (your own provider); recorded as unpriced"
    estimate = confirm_estimate(
        model="ollama/llama3", cost=D(0), priced=False, warning=warning, threshold=D("0.10")
    )
    dialog = ConfirmCall(_fits(estimate))
    app = ScreenHarness(dialog)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        facts = _text(dialog, "#facts Static")
        assert "⚠ " + warning in facts
        assert "unknown (no price known)" in facts
        assert "~$0.0000" not in facts


async def test_confirm_cancel_has_focus_and_enter_or_space_right_away_do_nothing() -> None:
    dialog = ConfirmCall(_fits(confirm_estimate()))
    dialog.grace_seconds = 60  # every key below lands within it, however loaded the machine
    app = ScreenHarness(dialog)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert dialog.focused is dialog.query_one("#cancel", Button)
        await pilot.press("enter", "alt+s", "space", "escape")  # within the grace
        await pilot.pause()
        assert app.results == [] and app.screen is dialog
        assert "keys typed here did not reach your text" in _text(dialog, "#stray")
        # After the grace, a stray enter presses the focused Cancel: it never spends.
        dialog.grace_seconds = 0
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [False]


async def test_confirm_send_returns_true_by_alt_s_click_or_tab_enter() -> None:
    async def tab_enter(pilot: Pilot[Any]) -> None:
        await pilot.press("tab", "enter")

    async def alt_s(pilot: Pilot[Any]) -> None:
        await pilot.press("alt+s")

    async def click(pilot: Pilot[Any]) -> None:
        await pilot.click("#send")

    for answer in (alt_s, click, tab_enter):
        dialog = _no_grace(ConfirmCall(_fits(confirm_estimate())))
        app = ScreenHarness(dialog)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            await answer(pilot)
            await pilot.pause()
        assert app.results == [True], answer.__name__


async def test_confirm_cancel_returns_false_by_escape_alt_c_or_click() -> None:
    for keys in (("escape",), ("alt+c",), ()):
        dialog = _no_grace(ConfirmCall(_fits(confirm_estimate())))
        app = ScreenHarness(dialog)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            if keys:
                await pilot.press(*keys)
            else:
                await pilot.click("#cancel")
            await pilot.pause()
        assert app.results == [False], keys


async def test_a_click_in_the_grace_does_not_send() -> None:
    dialog = ConfirmCall(_fits(confirm_estimate()))
    dialog.grace_seconds = 60
    app = ScreenHarness(dialog)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.click("#send")
        await pilot.pause()
        assert app.results == []


# -- BudgetBlocked -----------------------------------------------------------------------


async def test_blocked_lays_out_each_exceeded_limit() -> None:
    dialog = BudgetBlocked(_fits(blocked_estimate()))
    app = ScreenHarness(dialog)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "daily and monthly budgets" in str(dialog.query_one("#title").render())
        facts = _text(dialog, "#facts Static")
        assert "Draft this scene" in facts and "~$0.1523" in facts
        rows = [line.split() for line in _text(dialog, "#table").splitlines()]
        assert rows[1:] == [
            ["Daily", "$5.00", "$4.90", "~$0.1523", "~$5.05", "~$0.0523"],
            ["Monthly", "$50.00", "$49.95", "~$0.1523", "~$50.10", "~$0.1023"],
        ]  # the weekly limit still has room: not shown
        assert "Running" not in _text(dialog, "#table")
        assert not dialog.query("#running")
        hints = _text(dialog, ".hint")
        assert "To raise a limit: Preferences (F8) → Budget & AI" in hints
        assert dialog.focused is dialog.query_one("#cancel", Button)


async def test_blocked_shows_running_calls_when_something_is_reserved() -> None:
    dialog = BudgetBlocked(_fits(blocked_estimate(reserved=D("0.30"))))
    app = ScreenHarness(dialog)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        table = _text(dialog, "#table")
        assert "Running" in table.splitlines()[0]
        assert table.splitlines()[1].split() == [
            "Daily", "$5.00", "$4.90", "$0.30", "~$0.1523", "~$5.35", "~$0.3523"
        ]  # fmt: skip
        assert "calls still in progress" in _text(dialog, "#running")


async def test_blocked_enter_never_overrides_only_alt_o_or_the_button_does() -> None:
    dialog = BudgetBlocked(_fits(blocked_estimate()))
    app = ScreenHarness(dialog)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("alt+o", "enter")  # within the grace: nothing
        await pilot.pause()
        assert app.results == []
        await pilot.pause(0.7)
        await pilot.press("enter")  # the focused button is Cancel
        await pilot.pause()
    assert app.results == [False]

    for answer in ("alt+o", "#override"):
        dialog = _no_grace(BudgetBlocked(_fits(blocked_estimate())))
        app = ScreenHarness(dialog)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            if answer.startswith("#"):
                await pilot.click(answer)
            else:
                await pilot.press(answer)
            await pilot.pause()
        assert app.results == [True], answer


async def test_blocked_escape_and_alt_c_cancel() -> None:
    for key in ("escape", "alt+c"):
        dialog = _no_grace(BudgetBlocked(_fits(blocked_estimate())))
        app = ScreenHarness(dialog)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [False], key


async def test_both_dialogs_keep_their_buttons_on_an_80_by_24_terminal() -> None:
    """Even with everything at once (a long warning, many bible files, three limits over,
    stray keys) the buttons stay on screen: the text above them scrolls instead."""
    warning = (
        "no price known for ollama/llama3 (ollama is your own provider and has no "
        "price_override); recorded as unpriced"
    )
    cost = D("0.1523")
    limits = tuple(
        Limit(period, label, D("5"), D("4.95"), D("0.30"), cost)
        for period, label in (("day", "daily"), ("week", "weekly"), ("month", "monthly"))
    )
    crowded = FakeEstimate(
        operation="ask",
        cost=cost,
        warning=warning,
        sources=tuple(f"bible/characters/person-{n}.md" for n in range(12)),
        budget=Budget(limits),
    )
    for dialog in (ConfirmCall(_fits(crowded)), BudgetBlocked(_fits(crowded))):
        app = StyledHarness(dialog)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            await pilot.press(*"typing on")  # within the grace: shown as stray keys
            await pilot.pause()
            assert dialog.query_one("#stray").display
            if isinstance(dialog, BudgetBlocked):
                title = str(dialog.query_one("#title", Label).render())
                assert title == "This AI call would go over your daily, weekly and monthly budgets"
            box = dialog.query_one("#dialog").region
            assert box.x >= 0 and box.right <= 80 and box.bottom <= 24, box
            for button in dialog.query(Button):
                region = button.region
                assert region.height == 3 and region.bottom <= box.bottom, button.id
        assert app.results == []
    assert "12 story-bible files: person-0, person-1" in sources_line(crowded.sources)
    assert sources_line(crowded.sources, room=30).endswith("person-2 … and 9 more")


# -- snapshots ---------------------------------------------------------------------------


class StyledHarness(ScreenHarness):
    CSS_PATH = APP_CSS


def test_confirm_call_snapshot(snap_compare: Any) -> None:
    estimate = confirm_estimate(sources=("bible/characters.md",))
    assert snap_compare(StyledHarness(ConfirmCall(_fits(estimate))), terminal_size=SMALL)


def test_budget_blocked_snapshot(snap_compare: Any) -> None:
    estimate = blocked_estimate(reserved=D("0.30"))
    assert snap_compare(StyledHarness(BudgetBlocked(_fits(estimate))), terminal_size=SMALL)
