"""The fast editor paints exactly what Textual's stock TextArea paints.

``ProseEditor`` overrides private TextArea internals (see its module docstring); these
tests are why Textual can be upgraded safely: the same script of documents, sizes, scroll
positions, key presses and API edits runs once on a stock ``TextArea`` and once on a
``ProseEditor``, and every visible row (``render_line``) and the whole screen
(``export_screenshot``) must be identical at every step. Height bookkeeping is checked
against Textual's own sum after random edits (hypothesis).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult
from textual.document._document import Document
from textual.document._wrapped_document import WrappedDocument
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import TextArea

from writers_tui.ui.widgets.editor import FastWrappedDocument, ProseEditor, count_words_yielding
from writers_tui.wordcount import count_words

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pride_and_prejudice.txt"
PROSE = FIXTURE.read_text(encoding="utf-8")[:30_000]
ODD = (
    "\tA tab-indented line\twith\ttabs inside it.\n"
    "Wide: 日本語のテキストも折り返します。"
    * 3
    + "\n\n"
    + "x" * 170  # a word longer than the column
    + "\nEmoji 🙂 and combining cafe\u0301 here.\n"
    "\n\n"
    "Last line, no newline at the end"
)
CRLF = "First line\r\nSecond line is a little longer than the first one\r\n\r\nEnd\r\n"

#: Textual's own height: what ``FastWrappedDocument.height`` replaces.
stock_height = WrappedDocument.height.fget  # type: ignore[attr-defined]

Row = list[tuple[str, object]]


@dataclass
class Frame:
    rows: list[Row]
    screenshot: str
    virtual_size: tuple[int, int]
    cursor: tuple[int, int]


class EditorApp(App[None]):
    """One editor, fixed styles (the stock and the fast one get the same CSS)."""

    CSS = """
    .under-test { height: 1fr; border: tall $border-blurred; padding: 0 1; }
    .under-test:focus { border: tall $border; }
    """

    def __init__(self, editor: TextArea) -> None:
        super().__init__()
        self.editor = editor

    def compose(self) -> ComposeResult:
        yield self.editor


def make_editor(fast: bool, text: str, *, soft_wrap: bool, placeholder: str = "") -> TextArea:
    editor: TextArea
    if fast:
        editor = ProseEditor(
            text, measure=0, soft_wrap=soft_wrap, placeholder=placeholder, classes="under-test"
        )
    else:
        editor = TextArea(text, soft_wrap=soft_wrap, placeholder=placeholder, classes="under-test")
    # Undo batches must not depend on how fast the machine runs the script.
    editor.history.checkpoint_timer = 1e9
    return editor


def capture(app: EditorApp) -> Frame:
    editor = app.editor
    rows = [
        [(segment.text, segment.style) for segment in editor.render_line(y)]
        for y in range(editor.size.height)
    ]
    if isinstance(editor, ProseEditor):
        # The bookkeeping the fast editor relies on, at every step.
        assert editor.wrapped_document.height == stock_height(editor.wrapped_document)
        assert editor.text == editor.document.text
    return Frame(
        rows=rows,
        screenshot=app.export_screenshot(),
        virtual_size=tuple(editor.virtual_size),  # type: ignore[arg-type]
        cursor=editor.cursor_location,
    )


Snap = Callable[[str], Awaitable[None]]


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Send keys the way the driver does, in order, and wait once at the end.

    (``Pilot.press`` waits for the app to go idle after every key: ~75 ms each.)
    """
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        character = key if len(key) == 1 else {"enter": "\r"}.get(key)
        driver.send_message(events.Key(name, character))
    await pilot.pause()


Script = Callable[[Pilot[None], TextArea, Snap], Awaitable[None]]


async def run_script(
    fast: bool,
    text: str,
    script: Script,
    *,
    soft_wrap: bool,
    size: tuple[int, int],
    placeholder: str = "",
) -> list[tuple[str, Frame]]:
    """Run ``script`` on a stock TextArea or a ProseEditor; a frame per ``await snap()``."""
    editor = make_editor(fast, text, soft_wrap=soft_wrap, placeholder=placeholder)
    app = EditorApp(editor)
    frames: list[tuple[str, Frame]] = []
    async with app.run_test(size=size) as pilot:
        editor.cursor_blink = False

        async def snap(label: str) -> None:
            await pilot.pause()
            frames.append((label, capture(app)))

        await snap("mounted")
        await script(pilot, editor, snap)
    return frames


def assert_same(stock: list[tuple[str, Frame]], fast: list[tuple[str, Frame]]) -> None:
    assert [label for label, _ in stock] == [label for label, _ in fast]
    for (label, want), (_, got) in zip(stock, fast, strict=True):
        for y, (want_row, got_row) in enumerate(zip(want.rows, got.rows, strict=True)):
            assert got_row == want_row, f"step {label!r}: row {y} differs"
        assert got.virtual_size == want.virtual_size, f"step {label!r}: virtual size"
        assert got.cursor == want.cursor, f"step {label!r}: cursor"
        assert got.screenshot == want.screenshot, f"step {label!r}: screenshot"


async def editing_script(pilot: Pilot[None], editor: TextArea, snap: Snap) -> None:
    """Scrolling, typing, newlines, deletes, API edits, selection, undo and redo."""
    editor.focus()
    await snap("focused")
    middle = editor.document.line_count // 2
    editor.scroll_to(y=editor.wrapped_document.height // 2, animate=False, immediate=True)
    await snap("scrolled to the middle")
    editor.move_cursor((middle, 3))
    await snap("cursor in the middle")
    await press(pilot, *"Hello, world")
    await snap("typed")
    editor.history.checkpoint()
    await press(pilot, "enter", "x", "enter", "enter")
    await snap("newlines")
    await press(pilot, "backspace", "backspace", "backspace", "delete", "delete")
    await snap("deleted across lines")
    editor.history.checkpoint()
    editor.insert("Inserted\nover two lines, and a long one " + "word " * 30, (0, 0))
    await snap("api insert at the top")
    editor.history.checkpoint()
    last = editor.document.line_count - 1
    editor.delete((1, 2), (min(last, 4), 1))
    await snap("api delete spanning lines")
    editor.select_line(min(last, 2))
    await snap("line selected")
    editor.selection = type(editor.selection)((0, 1), (min(last, 3), 2))
    await snap("multi-line selection")
    editor.move_cursor((middle, 0))
    await press(pilot, "ctrl+z")
    await snap("undo by key")
    editor.undo()
    editor.undo()
    await snap("undo twice")
    editor.redo()
    await snap("redo")
    editor.scroll_end(animate=False, immediate=True)
    await snap("scrolled to the end")
    editor.move_cursor(editor.document.end)
    await press(pilot, *" The end.", "enter")
    await snap("typed at the end")
    editor.scroll_to(x=7, animate=False, immediate=True)
    await snap("scrolled right (unwrapped only)")
    editor.soft_wrap = not editor.soft_wrap
    await snap("soft wrap toggled")
    await pilot.resize_terminal(47, 14)
    await snap("resized")
    editor.blur()
    await snap("blurred")


DOCUMENTS = {"prose": PROSE, "odd": ODD, "crlf": CRLF}


# The script toggles soft wrap half way, so every case covers both modes.
@pytest.mark.parametrize(
    ("name", "soft_wrap"),
    [("prose", True), ("prose", False), ("odd", True), ("odd", False), ("crlf", True)],
)
async def test_renders_exactly_like_stock_text_area(name: str, soft_wrap: bool) -> None:
    text = DOCUMENTS[name]
    stock = await run_script(False, text, editing_script, soft_wrap=soft_wrap, size=(60, 18))
    fast = await run_script(True, text, editing_script, soft_wrap=soft_wrap, size=(60, 18))
    assert len(fast) == 20
    assert_same(stock, fast)


async def placeholder_script(pilot: Pilot[None], editor: TextArea, snap: Snap) -> None:
    editor.focus()
    await snap("empty, focused")
    await press(pilot, "a")
    await snap("one letter")
    await press(pilot, "backspace")
    await snap("empty again")
    await press(pilot, "enter")
    await snap("one newline (not empty)")
    editor.undo()
    await snap("undone")
    editor.load_text("Loaded text")
    await snap("loaded")
    editor.load_text("")
    await snap("cleared")


async def test_placeholder_renders_like_stock() -> None:
    kwargs = {"soft_wrap": True, "size": (40, 8), "placeholder": "Write here. " * 8}
    stock = await run_script(False, "", placeholder_script, **kwargs)  # type: ignore[arg-type]
    fast = await run_script(True, "", placeholder_script, **kwargs)  # type: ignore[arg-type]
    assert any("Write here" in text for text, _ in fast[1][1].rows[0])
    assert_same(stock, fast)


# --- height bookkeeping -----------------------------------------------------------------

TEXT_PIECES = st.sampled_from(["", "a", "word ", "\n", "\n\n", "\t", "日本", "x" * 25, "é"])
EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),  # start: line, column picked modulo the document
        st.integers(0, 10_000),
        st.integers(0, 3),  # lines spanned by the replaced range
        st.integers(0, 40),
        st.lists(TEXT_PIECES, max_size=4).map("".join),
    ),
    max_size=25,
)


def pick_range(
    document: Document, line: int, column: int, span: int, end_column: int
) -> tuple[tuple[int, int], tuple[int, int]]:
    start_line = line % document.line_count
    start = (start_line, column % (len(document[start_line]) + 1))
    end_line = min(document.line_count - 1, start_line + span)
    end = (end_line, end_column % (len(document[end_line]) + 1))
    return (start, end) if start <= end else (end, start)


@settings(max_examples=150, deadline=None)
@given(
    text=st.lists(TEXT_PIECES, max_size=30).map("".join),
    width=st.integers(0, 12),
    edits=EDITS,
)
def test_fast_height_tracks_random_edits(
    text: str, width: int, edits: list[tuple[int, int, int, int, str]]
) -> None:
    document = Document(text)
    wrapped = FastWrappedDocument(document, width)
    for line, column, span, end_column, insert in edits:
        start, end = pick_range(document, line, column, span, end_column)
        result = document.replace_range(start, end, insert)
        wrapped.wrap_range(start, end, result.end_location)
        fresh = WrappedDocument(document, width)
        assert wrapped.height == stock_height(wrapped) == stock_height(fresh)
        assert wrapped._offset_to_line_info == fresh._offset_to_line_info


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(edits=EDITS, undo=st.integers(0, 3))
def test_editor_height_and_text_track_random_edits(
    edits: list[tuple[int, int, int, int, str]], undo: int
) -> None:
    """Through the widget (edit, undo, redo paths), at a real wrap width."""

    async def run() -> None:
        editor = ProseEditor(PROSE[:3000], measure=0, classes="under-test")
        async with EditorApp(editor).run_test(size=(50, 12)) as pilot:
            for line, column, span, end_column, insert in edits:
                start, end = pick_range(editor.document, line, column, span, end_column)
                editor.replace(insert, start, end)
                editor.history.checkpoint()
                assert editor.text == editor.document.text
                assert editor.wrapped_document.height == stock_height(editor.wrapped_document)
                assert editor.virtual_size.height == editor.wrapped_document.height
            for _ in range(undo):
                editor.undo()
            editor.redo()
            await pilot.pause()
            assert editor.text == editor.document.text
            fresh = WrappedDocument(editor.document, editor.wrap_width, editor.indent_width)
            assert editor.wrapped_document.height == stock_height(fresh)
            assert editor.wrapped_document._offset_to_line_info == fresh._offset_to_line_info

    asyncio.run(run())


# --- the measure and the word count -----------------------------------------------------


async def test_text_column_is_at_most_measure_and_centred() -> None:
    editor = ProseEditor(PROSE[:5000])
    async with EditorApp(editor).run_test(size=(130, 20)) as pilot:
        await pilot.pause()
        assert editor.wrap_width == 90
        padding = editor.styles.padding
        assert abs(padding.left - padding.right) <= 1
        assert (
            max(len(s) for line in range(40) for s in editor.wrapped_document.get_sections(line))
            <= 90
        )
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        # narrower than the measure: the column takes the width, the padding its minimum
        assert (editor.styles.padding.left, editor.styles.padding.right) == (1, 1)
        # border, padding, scrollbar, and a cell for the cursor at a line end
        assert editor.wrap_width == 60 - 2 - 2 - 2 - 1
        editor.measure = 40
        await pilot.pause()
        assert editor.wrap_width == 40


class CountingApp(EditorApp):
    def __init__(self, editor: TextArea) -> None:
        super().__init__(editor)
        self.counts: list[int] = []

    def on_prose_editor_words_changed(self, message: ProseEditor.WordsChanged) -> None:
        self.counts.append(message.words)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    for _ in range(100):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out")


async def test_word_count_is_posted_and_throttled() -> None:
    editor = ProseEditor("One two three.")
    app = CountingApp(editor)
    async with app.run_test(size=(60, 10)) as pilot:
        await wait_for(pilot, lambda: app.counts == [3])
        editor.focus()
        editor.move_cursor(editor.document.end)
        await press(pilot, *" Four five six seven")
        expected = count_words(editor.text)
        await wait_for(pilot, lambda: bool(app.counts) and app.counts[-1] == expected)
        assert editor.words == expected == 7
        # twenty keys, but a count at most every ~150 ms: far fewer messages than keys
        assert len(app.counts) < 10


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            ["word", " ", "\n", "\n\n", "3.14", "U.S.A.", "don't", "# ", "- ", "1. ", "```", "—"]
        ),
        max_size=60,
    ).map("".join),
    chunk=st.integers(1, 20),
)
def test_chunked_count_is_the_app_count(text: str, chunk: int) -> None:
    assert count_words_yielding(text, chunk) == count_words(text)


def test_chunked_count_of_the_novel() -> None:
    book = FIXTURE.read_text(encoding="utf-8")
    assert count_words_yielding(book) == count_words(book)
