"""The status bar tells the truth about saving, words, cost, budget and read-only mode."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from textual.widgets import Label

from tests.ui.conftest import NOW, FakeSaveState, WidgetHarness
from writers_tui.ui.status import BudgetView, StatusData, goal_bar, words_text
from writers_tui.ui.widgets.status_bar import StatusBar


def _text(bar: StatusBar, part: str) -> str:
    return str(bar.query_one(f"#sb-{part}", Label).render())


async def test_save_state_transitions_saved_dirty_saving_failed() -> None:
    bar = StatusBar(StatusData(stage="Writing"), clock=lambda: NOW, tick=0)
    async with WidgetHarness(bar).run_test(size=(120, 5)) as pilot:
        saved = FakeSaveState("saved", NOW - timedelta(seconds=12))
        steps = [
            (saved, "● Auto-saved 12s ago", "-saved"),
            (FakeSaveState("dirty"), "○ Unsaved changes", "-dirty"),
            (FakeSaveState("saving"), "⟳ Saving…", "-saving"),
            (FakeSaveState("failed"), "⚠ Auto-save failed — retrying", "-failed"),
        ]
        for state, text, css_class in steps:
            bar.data = bar.data.with_(save=state)
            await pilot.pause()
            label = bar.query_one("#sb-save", Label)
            assert _text(bar, "save") == text
            assert label.has_class(css_class)
            assert [
                c for c in ("-saved", "-dirty", "-saving", "-failed") if label.has_class(c)
            ] == [css_class]


async def test_saved_label_ticks_with_the_clock() -> None:
    now = [NOW]
    bar = StatusBar(StatusData(save=FakeSaveState("saved", NOW)), clock=lambda: now[0], tick=0.05)
    async with WidgetHarness(bar).run_test(size=(120, 5)) as pilot:
        assert _text(bar, "save") == "● Auto-saved 0s ago"
        now[0] = NOW + timedelta(seconds=7)
        await pilot.pause(0.2)
        assert _text(bar, "save") == "● Auto-saved 7s ago"


async def test_words_cost_budget_and_read_only() -> None:
    data = StatusData(
        stage="Writing",
        file_title="1.2 The Letter",
        session_words=412,
        day_words=620,
        daily_goal=1000,
        session_cost=Decimal("0.42"),
        budget=BudgetView(0.38, "day 38% of $5"),
    )
    bar = StatusBar(data, clock=lambda: NOW, tick=0)
    async with WidgetHarness(bar).run_test(size=(140, 5)) as pilot:
        assert _text(bar, "stage") == "Writing"
        assert _text(bar, "file") == "1.2 The Letter"
        assert _text(bar, "words") == "+412 words · goal ▓▓▓▓▓▓░░░░ 62%"
        assert _text(bar, "cost") == "$0.42"
        budget = bar.query_one("#sb-budget", Label)
        assert not budget.has_class("-warning")
        assert not bar.query_one("#sb-readonly").display
        bar.data = data.with_(
            budget=BudgetView(0.81, "day 81% of $5"),
            read_only=True,
            save=FakeSaveState("saved", NOW),
        )
        await pilot.pause()
        assert budget.has_class("-warning")
        assert bar.query_one("#sb-readonly").display
        # Read-only: nothing is saved, so no save state ("● All changes saved") is shown.
        assert _text(bar, "readonly") == "READ-ONLY — nothing is saved here"
        assert not bar.query_one("#sb-save").display
        assert bar.save_text == "READ-ONLY — nothing is saved here"


async def test_a_narrow_bar_drops_cost_words_and_title_before_the_save_state() -> None:
    data = StatusData(
        stage="Writing",
        file_title="1.2 The Letter",
        session_words=412,
        daily_goal=1000,
        session_cost=Decimal("0.42"),
        budget=BudgetView(0.38, "day 38% of $5"),
        save=FakeSaveState("saved", NOW),
    )
    shown: dict[int, set[str]] = {}
    for width in (140, 60, 40, 24):
        bar = StatusBar(data, clock=lambda: NOW, tick=0)
        async with WidgetHarness(bar).run_test(size=(width, 5)) as pilot:
            await pilot.pause()
            parts = ("stage", "file", "words", "save", "cost", "budget")
            shown[width] = {p for p in parts if bar.query_one(f"#sb-{p}").display}
            save = bar.query_one("#sb-save", Label)
            assert save.display and _text(bar, "save") == "● Auto-saved 0s ago"
            assert save.region.right <= width  # on screen, not pushed off the edge
    assert shown[140] == {"stage", "file", "words", "save", "cost", "budget"}
    assert "budget" not in shown[60] and "cost" not in shown[60]
    assert shown[40] <= {"stage", "file", "save"} and "words" not in shown[40]
    assert shown[24] == {"save"} or shown[24] == {"stage", "save"}


def test_goal_bar_and_words_text() -> None:
    assert goal_bar(0, None) == ""
    assert goal_bar(1500, 1000) == "goal ▓▓▓▓▓▓▓▓▓▓ 150%"
    assert words_text(StatusData(session_words=-3)) == "-3 words"
    assert BudgetView(None, "x", warned=True).warning
