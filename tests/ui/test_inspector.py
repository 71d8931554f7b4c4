"""The Writing inspector on the demo project: fields edit the front matter through the editor
(and reach the disk by auto-save), mentions come from the scene's analysis, notes round-trip,
and the panel folds away on a narrower terminal and with f10."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.apphelpers import studio, until, writing_ready
from tests.ui.conftest import frozen_clock
from writers_tui.config import Settings
from writers_tui.project import make_demo
from writers_tui.ui.app import make_app
from writers_tui.ui.front_matter import (
    FrontMatter,
    escape_notes,
    parse,
    unescape_notes,
    with_field,
)
from writers_tui.ui.screens.writing import WritingScreen
from writers_tui.ui.widgets.inspector import NotesArea, mention_lines

WIDE = (160, 40)
CHAPTER = "manuscript/1 Chapter 1.md"
FRONT = (
    '---\npov: Elizabeth\nmood: "grey: rain"\n# a comment\nstatus: draft\ntarget_words: 2000\n---\n'
)


def _demo(tmp_path: Path) -> Path:
    root = make_demo(tmp_path / "demo")
    scene = root / CHAPTER
    scene.write_text(FRONT + scene.read_text(encoding="utf-8"), encoding="utf-8")
    return root


async def _writing(pilot: Pilot[Any]) -> WritingScreen:
    await writing_ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WritingScreen)
    if screen.path != CHAPTER:
        screen.open_file(CHAPTER)
        await until(pilot, lambda: screen.path == CHAPTER)
    await pilot.pause()
    return screen


# -- the pure module ---------------------------------------------------------------------


def test_front_matter_keeps_unknown_keys_and_their_order() -> None:
    text = FRONT + "Prose: with a colon.\n"
    changed = with_field(text, "pov", "Jane")
    assert changed == FRONT.replace("Elizabeth", "Jane") + "Prose: with a colon.\n"
    front = parse(changed.split("\n"))
    assert front.keys() == ["pov", "mood", "status", "target_words"]
    assert front.get("mood") == '"grey: rain"'  # kept as written
    added = with_field(changed, "synopsis", "A letter comes")
    assert parse(added.split("\n")).keys()[-1] == "synopsis"


def test_no_block_is_made_on_demand_and_an_unclosed_fence_is_prose() -> None:
    assert with_field("Once.\n", "pov", "Jane") == "---\npov: Jane\n---\nOnce.\n"
    assert parse(["---", "pov: Jane", "no fence"]) == FrontMatter()
    assert with_field("---\npov: Jane\n---\nOnce.", "pov", "") == "Once."


def test_notes_escape_round_trips() -> None:
    notes = "Line one\nback\\slash \\n literal\n"
    assert "\n" not in escape_notes(notes)
    assert unescape_notes(escape_notes(notes)) == notes


def test_mention_lines_rank_by_count() -> None:
    assert mention_lines({"Jane Bennet": 3, "Elizabeth Bennet": 12, "Nobody": 0}) == [
        "Elizabeth Bennet ×12",
        "Jane Bennet ×3",
    ]


# -- the inspector in the studio -----------------------------------------------------------


async def test_editing_pov_changes_the_front_matter_and_reaches_the_disk(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    app = studio(root)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _writing(pilot)
        assert screen.inspector_visible
        pov = screen.query_one("#inspector-pov", Input)
        assert pov.value == "Elizabeth"
        pov.focus()
        pov.value = "Jane"
        await pilot.press("enter")
        await pilot.pause()
        text = screen.editor.text
        assert text.startswith('---\npov: Jane\nmood: "grey: rain"\n# a comment\nstatus: draft\n')
        assert screen.editor.history.undo_stack  # one undoable edit
        on_disk = root / CHAPTER
        await until(pilot, lambda: on_disk.read_text(encoding="utf-8") == text, timeout=4)
        screen.editor.undo()
        await pilot.pause()
        assert screen.editor.text.startswith("---\npov: Elizabeth\n")


async def test_mentions_list_the_demo_characters(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    app = studio(root)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _writing(pilot)
        await until(pilot, lambda: bool(screen.inspector.mentions), timeout=8)
        assert screen.workspace is not None
        result = await screen.workspace.analyze_file(CHAPTER)  # type: ignore[attr-defined]
        counts = {name: hit.count for name, hit in result.analysis.characters.items()}
        assert screen.inspector.mentions == mention_lines(counts)
        names = [line.rsplit(" ×", 1)[0] for line in screen.inspector.mentions]
        assert {"Elizabeth Bennet", "Jane Bennet", "Mr. Bingley"} <= set(names)


async def test_notes_round_trip_through_the_scene(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    app = studio(root)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _writing(pilot)
        notes = screen.query_one("#inspector-notes", NotesArea)
        notes.focus()
        notes.load_text("Cut the rain?\nJane must not know yet.")
        screen.editor.focus()  # leaving the notes stores them
        await pilot.pause()
        front = screen.front_matter()
        assert front.get("notes") == "Cut the rain?\\nJane must not know yet."
        assert front.keys()[:4] == ["pov", "mood", "status", "target_words"]
        on_disk = root / CHAPTER
        await until(pilot, lambda: "notes: Cut the rain?" in on_disk.read_text(encoding="utf-8"))
        screen.open_file("manuscript/2 Chapter 2.md")
        await until(pilot, lambda: screen.path == "manuscript/2 Chapter 2.md")
        await pilot.pause()
        assert notes.text == ""  # another scene, no notes
        screen.open_file(CHAPTER)
        await until(pilot, lambda: screen.path == CHAPTER)
        await pilot.pause()
        assert notes.text == "Cut the rain?\nJane must not know yet."


async def test_target_words_show_progress(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    app = studio(root)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _writing(pilot)
        line = str(screen.inspector.query_one("#inspector-target-line").render())
        assert line == f"{screen.file_words:,} of 2,000 words"
        assert screen.inspector.query_one("#inspector-target-bar").display


async def test_folded_below_wide_and_toggled(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    app = studio(root)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _writing(pilot)
        assert not screen.inspector_visible and not screen.inspector.display
        screen.action_toggle_inspector()
        await pilot.pause()
        assert screen.inspector.display
        assert screen.query_one("#inspector-pov", Input).has_focus
        assert screen.query_one("#inspector-pov", Input).value == "Elizabeth"
        screen.action_toggle_inspector()
        await pilot.pause()
        assert not screen.inspector.display and screen.editor.has_focus


async def test_f10_toggles(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    app = studio(root)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _writing(pilot)
        await pilot.press("f10")
        assert not screen.inspector.display
        await pilot.press("f10")
        assert screen.inspector.display


def test_snapshot_with_the_inspector(tmp_path: Path, snap_compare: Any) -> None:
    root = _demo(tmp_path)

    async def ready(pilot: Pilot[Any]) -> None:
        screen = await _writing(pilot)
        await until(pilot, lambda: bool(screen.inspector.mentions), timeout=8)
        for widget in (screen.editor, *screen.query(Input), *screen.query(NotesArea)):
            widget.cursor_blink = False
        for _ in range(3):  # settled: the word count and the mentions report late under load
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.2)

    app = make_app(Settings(), root=root, clock=frozen_clock, handle_signals=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=ready)


def test_target_words_must_be_a_plain_number() -> None:
    from writers_tui.ui.front_matter import parse
    from writers_tui.ui.widgets.inspector import target_of

    def target(value: str) -> int | None:
        return target_of(parse(["---", f"target_words: {value}", "---"]))

    assert target("2,000") == 2000
    assert target("²") is None  # a digit to str.isdigit, not a number
    assert target("10^30") is None
    assert target("1" * 30) is None
    assert target("0") is None
