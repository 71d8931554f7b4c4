"""The dialogs show what the writer needs to decide and return the choice."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Button, Checkbox, Static

from tests.ui.conftest import FakeHolder, ScreenHarness, frozen_clock, sample_recovery
from writers_tui.ui.diffing import side_by_side, unified
from writers_tui.ui.modals.conflict import ConflictDialog, DiffView
from writers_tui.ui.modals.help import HelpScreen, KeyRow
from writers_tui.ui.modals.read_only import ReadOnlyOffer
from writers_tui.ui.modals.recovery import RecoveryDecision, RecoveryDialog

MINE = "The letter came on the third day of rain.\nElizabeth read it twice.\nThe end.\n"
THEIRS = "The letter came on the third day of rain.\nJane read it once.\nThe end.\n"


def _static(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_recovery_shows_the_session_and_continue_restores_ticked_journals(
    utc_local_time: None,
) -> None:
    dialog = RecoveryDialog(sample_recovery(), clock=frozen_clock)
    app = ScreenHarness(dialog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        facts = _static(dialog, "#facts")
        assert "2024-11-13 13:40 (2 hours ago)" in facts
        assert "1 h 35 min" in facts
        assert "Writing" in facts
        files = _static(dialog, "#open-files")
        assert "▸ manuscript/1 Arrival/1.2 The Letter.md  (line 42, col 18)" in files
        assert "manuscript/1 Arrival/1.1 Rain.md  (line 4, col 1)" in files
        assert dialog.query_one("#journal-0", Checkbox).value
        await pilot.click("#continue")
        await pilot.pause()
    journal = sample_recovery().journals[0].journal
    assert app.results == [RecoveryDecision("continue", (journal,))]


async def test_recovery_unticked_journal_is_not_restored_and_fresh_restores_nothing() -> None:
    dialog = RecoveryDialog(sample_recovery(), clock=frozen_clock)
    app = ScreenHarness(dialog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dialog.query_one("#journal-0", Checkbox).value = False
        await pilot.click("#continue")
        await pilot.pause()
    assert app.results == [RecoveryDecision("continue", ())]

    dialog = RecoveryDialog(sample_recovery(), clock=frozen_clock)
    app = ScreenHarness(dialog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
    assert app.results == [RecoveryDecision("fresh", ())]


async def test_read_only_offer_names_the_holder_and_returns_the_choice(
    utc_local_time: None,
) -> None:
    holder = FakeHolder("writing-desk", 4242, "2024-11-13T09:05:00Z")
    for key, expected in (("enter", "read-only"), ("q", "quit")):
        dialog = ReadOnlyOffer("My Novel", holder)
        app = ScreenHarness(dialog)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            text = _static(dialog, "#holder")
            assert "writing-desk" in text and "4242" in text and "2024-11-13 09:05" in text
            assert dialog.focused is dialog.query_one("#read-only", Button)
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [expected]


async def test_conflict_dialog_returns_keep_mine_or_take_theirs() -> None:
    for selector, expected in (("#mine", "mine"), ("#theirs", "theirs")):
        dialog = ConflictDialog("manuscript/1.2.md", "1.2 The Letter", MINE, THEIRS)
        dialog.grace_seconds = 0
        app = ScreenHarness(dialog)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert "Both versions are kept on disk" in _static(dialog, "#explain")
            await pilot.click(selector)
            await pilot.pause()
        assert app.results == [expected]


async def test_diff_view_shows_unified_then_side_by_side_and_can_settle() -> None:
    dialog = ConflictDialog("manuscript/1.2.md", "1.2 The Letter", MINE, THEIRS)
    dialog.grace_seconds = 0
    app = ScreenHarness(dialog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("alt+d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen
        assert isinstance(view, DiffView)
        text = _static(view, "#unified")
        assert "-Elizabeth read it twice." in text
        assert "+Jane read it once." in text
        await pilot.press("s")
        await pilot.pause()
        rows = view.query(".row.-changed")
        assert len(rows) == 1
        cells = [str(s.render()) for s in rows.first().query(Static)]
        assert cells == ["Elizabeth read it twice.", "Jane read it once."]
        await pilot.press("t")
        await pilot.pause()
    assert app.results == ["theirs"]


def test_diff_functions_fold_unchanged_text() -> None:
    long_mine = "\n".join(f"line {n}" for n in range(100)) + "\nmine\n"
    long_theirs = "\n".join(f"line {n}" for n in range(100)) + "\ntheirs\n"
    rows = side_by_side(long_mine, long_theirs)
    assert len(rows) == 3  # two lines of context, then the changed pair
    assert rows[-1].kind == "changed"
    assert unified("same\n", "same\n") == []


async def test_help_screen_lists_the_rows_it_is_given() -> None:
    rows = [KeyRow("f2", "Writing", "stage.writing"), KeyRow("ctrl+w", "Save now", "save")]
    dialog = HelpScreen(rows)
    app = ScreenHarness(dialog)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        from textual.widgets import DataTable

        table = dialog.query_one(DataTable)
        assert [table.get_row_at(i) for i in range(table.row_count)] == [
            ["f2", "Writing", "stage.writing"],
            ["ctrl+w", "Save now", "save"],
        ]
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_conflict_dialog_ignores_prose_keys_and_its_own_keys_in_the_grace() -> None:
    dialog = ConflictDialog("manuscript/1.2.md", "1.2 The Letter", MINE, THEIRS)
    app = ScreenHarness(dialog)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert dialog.focused is None  # enter or space presses no button by chance
        await pilot.press("alt+m", "enter", "space")  # within the grace: nothing happens
        await pilot.pause(0.7)
        await pilot.press(*"made", "space", *"it", "enter", "space", "d", "t", "m")
        await pilot.pause()
        assert app.results == [] and app.screen is dialog
        # No editor below to take them: the keys are shown, not silently dropped.
        assert "".join(dialog.stray_keys) == "⏎ made it⏎ dtm"
        assert "did not reach your text" in _static(dialog, "#stray")
        await pilot.press("alt+t")
        await pilot.pause()
    assert app.results == ["theirs"]


async def test_recovery_does_not_pre_tick_a_journal_older_than_the_file() -> None:
    base = sample_recovery()
    stale = replace(base.journals[0], journal=".session/recovery/old.md", stale=True)
    dialog = RecoveryDialog(replace(base, journals=[base.journals[0], stale]), clock=frozen_clock)
    app = ScreenHarness(dialog)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        fresh_box = dialog.query_one("#journal-0", Checkbox)
        stale_box = dialog.query_one("#journal-1", Checkbox)
        assert fresh_box.value and not stale_box.value
        assert "the file changed since (restoring keeps the current file as a conflict copy)" in (
            str(stale_box.label)
        )
        assert "file changed since" not in str(fresh_box.label)
        await pilot.click("#continue")
        await pilot.pause()
    assert app.results == [RecoveryDecision("continue", (base.journals[0].journal,))]
