"""Project-wide search and replace on the real studio and a real Workspace (the demo novel).

The dialog is pushed on ``make_app`` with an open Workspace, so these tests go through the
same ``search`` / ``plan_replace`` / ``apply_replace`` / ``undo_replace`` the lead's
ctrl+shift+f binding will call; app.py's wiring is not needed for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from tests.ui.apphelpers import until
from tests.ui.conftest import frozen_clock
from writers_tui import search_replace
from writers_tui.project import make_demo
from writers_tui.ui.app import WritersApp, make_app
from writers_tui.ui.modals.search_replace import (
    ConfirmReplaceAll,
    SearchReplaceScreen,
    undo_last_replace,
)
from writers_tui.ui.screens.scoring import OpenAtLine
from writers_tui.ui.screens.writing import WritingScreen
from writers_tui.workspace import Workspace

SIZE = (120, 36)


def disk_texts(root: Path) -> dict[str, str]:
    return search_replace.project_texts(root)


def disk_bytes(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for top in ("manuscript", "reference", "planning")
        for path in sorted((root / top).rglob("*.md"))
    }


@asynccontextmanager
async def dialog(
    root: Path,
) -> AsyncIterator[tuple[WritersApp, Pilot[Any], SearchReplaceScreen, list[Any]]]:
    """The studio on ``root`` with the dialog pushed; the list collects what it dismissed with."""
    workspace = await Workspace.open(root, clock=frozen_clock)
    app = make_app(workspace.settings, workspace, clock=frozen_clock, handle_signals=False)
    dismissed: list[Any] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, WritingScreen))
            screen = SearchReplaceScreen(workspace)
            await app.push_screen(screen, callback=dismissed.append)
            await pilot.pause()
            yield app, pilot, screen, dismissed
    finally:
        await workspace.close()


async def search_for(
    pilot: Pilot[Any], screen: SearchReplaceScreen, query: str, *toggles: str
) -> None:
    """Toggle by key, type the query, and wait for the debounced search to land."""
    for key in toggles:
        await pilot.press(key)
    before = screen.searches
    screen.query_one("#sr-query", Input).focus()
    await pilot.press(*query)
    await until(pilot, lambda: screen.searches > before and screen.query_text == query)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def status(screen: SearchReplaceScreen) -> str:
    return str(screen.query_one("#sr-status", Static).render())


async def test_whole_word_results_are_grouped_by_file_with_counts(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    expected = search_replace.search(disk_texts(root), "Bennet", whole_word=True)
    assert expected
    async with dialog(root) as (_app, pilot, screen, _dismissed):
        await search_for(pilot, screen, "Bennet", "alt+w")
        assert screen.query_one("#whole-word", Checkbox).value is True
        assert screen.matches == expected

        tree = screen.results
        files = list(tree.root.children)
        expected_counts: dict[str, int] = {}
        for match in expected:
            expected_counts[match.path] = expected_counts.get(match.path, 0) + 1
        assert [node.data for node in files] == list(expected_counts)
        for node in files:
            assert isinstance(node.data, str)
            assert len(node.children) == expected_counts[node.data]
            assert f"({expected_counts[node.data]} match" in str(node.label)
        first = files[0].children[0]
        assert first.data == expected[0]
        assert f"{expected[0].line}:" in str(first.label)
        total = len(expected)
        assert status(screen).startswith(f"{total:,} matches in {len(expected_counts)} files")

        # Whole word excludes "Bennets"; without it they are found too.
        loose = search_replace.search(disk_texts(root), "Bennet")
        await pilot.press("alt+w")
        await until(pilot, lambda: screen.matches == loose)
        assert len(loose) >= total


async def test_replace_across_three_files_then_undo_restores_the_bytes(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    query = "Longbourn"
    expected = search_replace.search(disk_texts(root), query, whole_word=True, case_sensitive=True)
    paths = list(dict.fromkeys(match.path for match in expected))
    assert len(paths) >= 3
    # Three files only: everything else loses the word first, on disk, before opening.
    for path in paths[3:]:
        file = root / path
        file.write_text(file.read_text(encoding="utf-8").replace(query, "L-bourn"), "utf-8")
    before = disk_bytes(root)
    three = [match for match in expected if match.path in paths[:3]]

    async with dialog(root) as (app, pilot, screen, _dismissed):
        await search_for(pilot, screen, query, "alt+w", "alt+c")
        assert screen.matches == three
        screen.query_one("#sr-replacement", Input).value = "Netherfield Park"
        await pilot.pause()
        await pilot.press("ctrl+shift+r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmReplaceAll))
        confirm = app.screen
        assert isinstance(confirm, ConfirmReplaceAll)
        assert confirm.summary == f"{len(three)} replacements in 3 files"
        await pilot.press("enter")
        await until(pilot, lambda: screen.last_plan is not None and not screen.matches)
        await app.workers.wait_for_complete()
        after = disk_bytes(root)
        changed = {path for path in before if before[path] != after[path]}
        assert changed == set(paths[:3])
        for path in paths[:3]:
            assert query.encode() not in after[path]
            assert b"Netherfield Park" in after[path]
        assert "Replaced" in status(screen) and "ctrl+z" in status(screen)

        await pilot.press("ctrl+z")
        await until(pilot, lambda: screen.last_plan is None and screen.matches == three)
        await app.workers.wait_for_complete()
        assert disk_bytes(root) == before
        assert "undone" in status(screen)


async def test_replace_this_one_changes_one_match_and_previews_it(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    async with dialog(root) as (app, pilot, screen, _dismissed):
        await search_for(pilot, screen, "Bennet", "alt+w")
        count = len(screen.matches)
        first = screen.selected_match()
        assert first is not None and first == screen.matches[0]
        screen.query_one("#sr-replacement", Input).value = "Smith"
        await pilot.pause()
        preview = str(screen.query_one("#sr-preview", Static).render())
        assert "After:" in preview and "Smith" in preview
        await pilot.press("ctrl+r")
        await until(
            pilot, lambda: screen.last_plan is not None and len(screen.matches) == count - 1
        )
        await app.workers.wait_for_complete()
        text = (root / first.path).read_text(encoding="utf-8")
        assert text.splitlines()[first.line - 1].startswith(
            first.line_text[: first.column - 1] + "Smith"
        )


async def test_bad_regex_shows_the_error_and_nothing_breaks(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    async with dialog(root) as (app, pilot, screen, _dismissed):
        await search_for(pilot, screen, "Ben(net", "alt+r")
        assert screen.query_one("#regex", Checkbox).value is True
        assert screen.matches == []
        assert screen.error.startswith("not a valid regular expression")
        assert status(screen) == screen.error
        assert screen.query_one("#sr-status", Static).has_class("error")
        # Replace all has nothing to do; the dialog is still here and still searches.
        await pilot.press("ctrl+shift+r")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"net")
        await until(pilot, lambda: bool(screen.matches) and not screen.error)


async def test_enter_on_a_result_dismisses_with_open_at_line(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    async with dialog(root) as (app, pilot, screen, dismissed):
        await search_for(pilot, screen, "Bennet", "alt+w")  # chapter 1 has several
        await pilot.press("down")  # into the results: the first match is selected
        assert app.focused is screen.results
        await pilot.press("down")
        match = screen.selected_match()
        assert match is not None and match == screen.matches[1]
        await pilot.press("enter")
        await until(pilot, lambda: bool(dismissed))
        assert dismissed == [OpenAtLine(match.path, match.line, match.column)]
        assert app.screen is not screen


async def test_escape_closes_with_nothing(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    async with dialog(root) as (app, pilot, screen, dismissed):
        await pilot.press("escape")
        await until(pilot, lambda: bool(dismissed))
        assert dismissed == [None]
        assert app.screen is not screen


def test_search_replace_snapshot(snap_compare: Any, tmp_path: Path, utc_local_time: None) -> None:
    root = make_demo(tmp_path / "demo")
    holder: dict[str, Workspace] = {}

    async def opener(path: Path, read_only: bool) -> Any:
        workspace = await Workspace.open(path, read_only=read_only, clock=frozen_clock)
        holder["ws"] = workspace
        return workspace

    from writers_tui.config import Settings

    app = make_app(Settings(), root=root, opener=opener, clock=frozen_clock, handle_signals=False)

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, WritingScreen))
        screen = SearchReplaceScreen(holder["ws"])
        await pilot.app.push_screen(screen)
        await pilot.pause()
        for widget in screen.query(Input):
            widget.cursor_blink = False
        await search_for(pilot, screen, "Bennet", "alt+w")
        screen.query_one("#sr-replacement", Input).value = "Bennett"
        screen.results.focus()
        await pilot.press("down", "down")
        pilot.app.clear_notifications()
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


async def test_palette_undo_helper_outside_the_dialog(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    before = disk_bytes(root)
    workspace = await Workspace.open(root, clock=frozen_clock)
    try:
        message, warning = await undo_last_replace(workspace)
        assert warning and message.startswith("Nothing undone")
        matches = await workspace.search("Meryton", whole_word=True, case_sensitive=True)
        await workspace.apply_replace(await workspace.plan_replace(matches, "Hertford"))
        assert disk_bytes(root) != before
        message, warning = await undo_last_replace(workspace)
        assert not warning and "undone" in message
        assert disk_bytes(root) == before
    finally:
        await workspace.close()


async def test_the_workspace_provides_the_search_tools(tmp_path: Path) -> None:
    from writers_tui.ui.modals.search_replace import SearchTools

    workspace = await Workspace.open(make_demo(tmp_path / "demo"), clock=frozen_clock)
    try:
        assert isinstance(workspace, SearchTools)
    finally:
        await workspace.close()
