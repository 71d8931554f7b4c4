"""The manuscript editor: a :class:`~textual.widgets.TextArea` that stays fast on a novel.

Textual 8.2.8's ``TextArea`` does work proportional to the *whole document* for every
visible row it paints, so a 700 KB manuscript (a whole novel in one file) costs several
times more per key than a short scene. :class:`ProseEditor` removes the three costs that
matter, without changing a single painted cell:

* Opening a novel wrapped the whole document seven times (every resize, scrollbar change
  and watched reactive rewraps); :class:`FastWrappedDocument` skips rewraps that cannot
  change anything.
* ``WrappedDocument.height`` is ``sum(len(offsets) + 1 for offsets in _wrap_offsets)``,
  evaluated by ``TextArea._render_line`` once per visible row and by ``_refresh_size``
  once per edit. :class:`FastWrappedDocument` returns ``len(_offset_to_line_info)``
  instead: that list has one entry per wrapped row, and ``wrap``/``wrap_range`` already
  keep it up to date incrementally, so the height is O(1) and always equal to the sum.
* ``TextArea.render_line`` tests ``not self.text`` (a join of the whole document) for
  the placeholder on every row. :meth:`ProseEditor.render_line` asks "is the document
  empty?" in O(1) and :attr:`ProseEditor.text` is cached until the next edit.
* The live word count never joins the document on a key press: it is throttled (at most
  every ~150 ms, longer for long documents) and computed in a thread worker with
  :func:`count_words_yielding` (the same count as
  :func:`writers_tui.wordcount.count_words`, in chunks that let the event loop run), then
  posted as :class:`ProseEditor.WordsChanged`.

Markdown highlighting is *not* enabled: Textual's tree-sitter extra is not a dependency
(see the benchmarks in ``benchmarks/bench_ui_editor.py``). ``language=`` still works if a
screen passes one, with stock Textual highlighting costs.

Why ``textual`` is pinned to ``>=8.2.8,<8.3``: this module relies on these private
TextArea/WrappedDocument internals, all checked against 8.2.8 by
``tests/ui/test_editor_render.py`` (the fast editor must paint exactly what the stock
TextArea paints):

* ``WrappedDocument._offset_to_line_info`` (one entry per wrapped row);
* ``TextArea.wrapped_document`` being assigned (never mutated in place) by ``__init__`` and
  ``_set_document``;
* ``TextArea._set_document``, ``edit``, ``_undo_batch``, ``_redo_batch`` being the only
  paths that change the document;
* ``TextArea.render_line``'s line-cache key and ``TextArea._render_line``, ``_line_cache``,
  ``_cursor_offset``, ``_cursor_visible``, ``_matching_bracket_location`` (copied
  verbatim in :meth:`ProseEditor.render_line`);
* ``TextArea._on_resize``, ``TextArea._watch_show_vertical_scrollbar`` and
  ``TextArea._rewrap_and_refresh_virtual_size`` (the measure);
* ``WrappedDocument.wrap``/``wrap_range``, ``_width`` and ``_tab_width`` (a rewrap at an
  unchanged width after no edit is skipped: startup wrapped a novel seven times).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.document._document import EditResult, Location
from textual.document._edit import Edit
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import TextArea

from writers_tui.wordcount import WORD_RE, mask_markdown

__all__ = ["FastWrappedDocument", "ProseEditor", "count_words_yielding"]

#: Shortest time between two word counts (seconds).
WORD_COUNT_INTERVAL = 0.15
#: A count may take at most this share of wall time while the writer types: after a count
#: that took ``d`` seconds, the next starts no sooner than ``d / WORD_COUNT_DUTY`` later.
#: (``count_words`` holds the GIL, so a long count competes with the event loop.)
WORD_COUNT_DUTY = 0.1


#: Characters of masked text per ``findall`` call in :func:`count_words_yielding`.
COUNT_CHUNK = 16_384


def count_words_yielding(text: str, chunk: int = COUNT_CHUNK) -> int:
    """Exactly :func:`writers_tui.wordcount.count_words`, but kind to the event loop.

    For a worker *thread*: a regex call holds the GIL until it returns, so
    ``WORD_RE.findall`` over a 700 KB novel (~45 ms in one C call) would freeze the
    event loop for as long. The masked text is searched a chunk at a time instead (cut at
    newlines: a word never spans one, so the count is the same), yielding the GIL
    between chunks; the longest single call left is one of ``mask_markdown``'s
    whole-text substitutions (~3 ms on the novel).
    """
    masked = mask_markdown(text)
    total = 0
    start = 0
    end_of_text = len(masked)
    while start < end_of_text:
        end = masked.find("\n", start + chunk)
        if end < 0:
            end = end_of_text
        total += len(WORD_RE.findall(masked, start, end))
        start = end
        time.sleep(0)  # let the event loop take the GIL
    return total


class FastWrappedDocument(WrappedDocument):
    """A :class:`WrappedDocument` with an O(1) :attr:`height` and no redundant rewraps.

    * ``height``: relies on the 8.2.8 invariant that ``_offset_to_line_info`` holds exactly
      one entry per wrapped row (``wrap`` appends ``len(offsets) + 1`` entries per line,
      ``wrap_range`` replaces the rows of the edited lines with those of the new lines).
      The stock property recomputes the same number by summing over every line.
    * ``wrap``: TextArea rewraps the *whole* document on every resize, scrollbar change
      and reactive it watches — seven full wraps while a novel opens, ~150 ms each at
      700 KB. When the width and tab width are unchanged and no edit happened since the
      last ``wrap``/``wrap_range`` (the editor calls :meth:`mark_stale` before each
      edit), the state already equals what ``wrap`` would compute (``wrap_range`` keeps
      it so; the tests check it against a fresh wrap), so the call is skipped.
    """

    _in_sync = False  # (a class default: TextArea builds the stock class, see below)

    @property
    def height(self) -> int:
        """The height of the wrapped document (number of wrapped rows)."""
        return len(self._offset_to_line_info)

    def mark_stale(self) -> None:
        """The document is about to change: the next ``wrap`` must really wrap."""
        self._in_sync = False

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        """Wrap the document at ``width``, unless it is already wrapped so."""
        if self._in_sync and width == self._width and tab_width in (None, 0, self._tab_width):
            return
        super().wrap(width, tab_width)
        self._in_sync = True

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        """Stock incremental rewrap after an edit; the state is in sync afterwards."""
        super().wrap_range(start, old_end, new_end)
        self._in_sync = True


class ProseEditor(TextArea):
    """A soft-wrapped TextArea for long manuscripts, with a live word count.

    Use it like a TextArea: ``ProseEditor(text)``; set ``editor.cursor_blink = False`` after
    constructing it for snapshot tests (it is a reactive, not an ``__init__`` argument).
    Handle :class:`ProseEditor.WordsChanged` for the word count and ``TextArea.Changed``
    for dirty tracking; read :attr:`words` for the last count.

    The text column is at most :attr:`measure` cells wide and centred in the widget (the
    widget itself stays full width, so its scrollbar sits at the edge). ``measure = 0``
    leaves the horizontal padding to CSS.
    """

    DEFAULT_CSS = """
    ProseEditor {
        height: 1fr;
        background: $surface;
        color: $foreground;
        border: tall $surface;
        padding: 1 1;
        &:focus {
            border: tall $accent 40%;
        }
    }
    """

    measure: reactive[int] = reactive(90, init=False)
    """Maximum width of the text column in cells (0: no limit, padding from CSS)."""

    @dataclass
    class WordsChanged(Message):
        """The editor's word count changed (posted at most every ~150 ms).

        ``words`` counts the text as of ``generation`` (see :attr:`ProseEditor.generation`);
        a later edit brings another message.
        """

        editor: ProseEditor
        words: int
        generation: int

        @property
        def control(self) -> ProseEditor:
            """The editor that counted."""
            return self.editor

    def __init__(
        self,
        text: str = "",
        *,
        measure: int = 90,
        word_count: bool = True,
        soft_wrap: bool = True,
        **kwargs: Any,
    ) -> None:
        """Construct the editor.

        Args:
            text: The initial text.
            measure: Maximum text column width in cells (0 for no limit).
            word_count: Count words in a worker and post :class:`WordsChanged`.
            soft_wrap: Soft wrap (on for prose).
            **kwargs: Passed to :class:`~textual.widgets.TextArea`.
        """
        # Set before TextArea.__init__, which already calls _set_document and assigns
        # wrapped_document.
        self._text_cache: str | None = None
        self._generation = 0
        self._fast_wrapped: FastWrappedDocument | None = None
        self._word_count_enabled = word_count
        self._words = 0
        self._words_generation = -1
        self._count_timer: Timer | None = None
        self._counting = False
        self._last_count_started = 0.0
        self._next_count_delay = WORD_COUNT_INTERVAL
        super().__init__(text, soft_wrap=soft_wrap, **kwargs)
        self.set_reactive(ProseEditor.measure, measure)

    # --- O(1) height -------------------------------------------------------------------

    @property
    def wrapped_document(self) -> FastWrappedDocument:
        """The wrapped view of the document, always a :class:`FastWrappedDocument`.

        ``TextArea.__init__`` and ``TextArea._set_document`` assign a fresh stock
        ``WrappedDocument``; the setter turns it into the fast subclass in place (the
        subclass adds no state, only a cheaper ``height``), so nothing is wrapped twice.
        """
        assert self._fast_wrapped is not None
        return self._fast_wrapped

    @wrapped_document.setter
    def wrapped_document(self, value: WrappedDocument) -> None:
        if not isinstance(value, FastWrappedDocument):
            value.__class__ = FastWrappedDocument
            assert isinstance(value, FastWrappedDocument)
            # TextArea assigns a WrappedDocument it has just built, and building one wraps.
            value._in_sync = True
        self._fast_wrapped = value

    # --- cached text ---------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Counts changes to the document (edits, undo, redo, loads)."""
        return self._generation

    @property
    def text(self) -> str:
        """The entire text of the document, joined once per change and cached."""
        if self._text_cache is None:
            self._text_cache = self.document.text
        return self._text_cache

    @text.setter
    def text(self, value: str) -> None:
        self.load_text(value)

    def _document_changed(self) -> None:
        self._text_cache = None
        self._generation += 1
        self._schedule_word_count()

    def _set_document(self, text: str, language: str | None) -> None:
        """Stock ``_set_document``, then drop the cached text (a new document)."""
        super()._set_document(text, language)
        self._document_changed()

    def edit(self, edit: Edit) -> EditResult:
        """Stock ``edit``; the cached text is dropped *before* ``TextArea.Changed`` handlers
        can read it (they run later, from the message queue)."""
        self._text_cache = None
        self.wrapped_document.mark_stale()
        result = super().edit(edit)
        self._document_changed()
        return result

    def _undo_batch(self, edits: Sequence[Edit]) -> None:
        """Stock ``_undo_batch``, then drop the cached text."""
        self._text_cache = None
        self.wrapped_document.mark_stale()
        super()._undo_batch(edits)
        self._document_changed()

    def _redo_batch(self, edits: Sequence[Edit]) -> None:
        """Stock ``_redo_batch``, then drop the cached text."""
        self._text_cache = None
        self.wrapped_document.mark_stale()
        super()._redo_batch(edits)
        self._document_changed()

    def _document_is_empty(self) -> bool:
        document = self.document
        return document.line_count == 1 and not document[0]

    def render_line(self, y: int) -> Strip:
        """``TextArea.render_line`` without joining the document per row.

        The stock method starts with ``if not self.text and self.placeholder`` on every
        row; an empty document here is one empty line, an O(1) test. An empty document
        with a placeholder goes to the stock method (where ``self.text`` is ``""``).
        The rest is the stock method verbatim (Textual 8.2.8): the line-cache key and
        ``_render_line``.
        """
        if self.placeholder and self._document_is_empty():
            return super().render_line(y)

        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        selection = self.selection
        _, cursor_y = self._cursor_offset
        cache_key = (
            self.size,
            scroll_x,
            absolute_y,
            (
                selection
                if selection.contains_line(absolute_y) or self.soft_wrap
                else selection.end[0] == absolute_y
            ),
            (
                selection.end
                if (self._cursor_visible and self.cursor_blink and absolute_y == cursor_y)
                else None
            ),
            self.theme,
            self._matching_bracket_location,
            self.match_cursor_bracket,
            self.soft_wrap,
            self.show_line_numbers,
            self.read_only,
            self.show_cursor,
            self.suggestion,
        )
        if (cached_line := self._line_cache.get(cache_key)) is not None:
            return cached_line
        line = self._render_line(y)
        self._line_cache[cache_key] = line
        return line

    # --- the measure ---------------------------------------------------------------------

    def _apply_measure(self) -> bool:
        """Set the horizontal padding so the text column is at most ``measure`` cells.

        Returns True if the padding changed. The wrap width is
        ``scrollable_content_region.width - gutter_width - 1`` (a cell for the cursor at a
        line end), so that region is made ``measure + gutter_width + 1`` wide.
        """
        if self.measure <= 0 or not self.is_mounted:
            return False
        padding = self.styles.padding
        available = self.scrollable_content_region.width + padding.left + padding.right
        spare = available - (self.measure + self.gutter_width + 1)
        left = max(1, spare // 2)
        right = max(1, spare - left)
        if (padding.left, padding.right) == (left, right):
            return False
        self.styles.padding = Spacing(padding.top, right, padding.bottom, left)
        return True

    def _on_resize(self) -> None:
        """Runs before ``TextArea._on_resize`` (Textual calls every class's handler, the
        subclass first), so the stock handler rewraps at the new padding."""
        self._apply_measure()

    def _watch_show_vertical_scrollbar(self) -> None:
        """Overrides the stock watcher (which rewraps): the scrollbar takes two cells, so
        the padding is recomputed first."""
        self._apply_measure()
        super()._watch_show_vertical_scrollbar()

    def _watch_measure(self) -> None:
        if self._apply_measure() or self.measure <= 0:
            self._rewrap_and_refresh_virtual_size()
            self.scroll_cursor_visible()

    # --- word count ----------------------------------------------------------------------

    @property
    def words(self) -> int:
        """The last word count (see :class:`WordsChanged`); 0 until the first count."""
        return self._words

    def on_mount(self) -> None:
        if self._word_count_enabled:  # (is_mounted is still False here)
            self._count_timer = self.set_timer(0.005, self._start_word_count, name="prose-words")

    def refresh_word_count(self) -> None:
        """Count now (in a worker), e.g. after a screen was switched back to."""
        self._schedule_word_count(0.0)

    def _schedule_word_count(self, delay: float | None = None) -> None:
        """Start a count after the throttle delay, unless one is pending or running."""
        if not self._word_count_enabled or not self.is_mounted:
            return
        if self._count_timer is not None or self._counting:
            return  # the pending/running count, or the one after it, covers this change
        if delay is None:
            elapsed = time.monotonic() - self._last_count_started
            delay = max(0.0, self._next_count_delay - elapsed)
        # (a Timer needs a positive interval)
        self._count_timer = self.set_timer(
            max(delay, 0.005), self._start_word_count, name="prose-words"
        )

    def _start_word_count(self) -> None:
        self._count_timer = None
        if self._counting or self._words_generation == self._generation:
            return
        self._counting = True
        self._last_count_started = time.monotonic()
        document = self.document
        # A copy of the line list (~0.1 ms for a novel) is all the loop does; the join
        # and the count run in the thread.
        lines = list(document.lines)
        newline = document.newline
        generation = self._generation
        self.run_worker(
            lambda: self._count_in_thread(lines, newline, generation),
            name="prose-word-count",
            group="prose-word-count",
            thread=True,
            exit_on_error=False,
        )

    def _count_in_thread(self, lines: list[str], newline: str, generation: int) -> None:
        started = time.monotonic()
        try:
            words = count_words_yielding(newline.join(lines))
        except Exception:  # never leave the editor without counts for good
            words = -1
        duration = time.monotonic() - started
        self.call_later(self._word_count_done, words, generation, duration)

    def _word_count_done(self, words: int, generation: int, duration: float) -> None:
        self._counting = False
        self._next_count_delay = max(WORD_COUNT_INTERVAL, duration / WORD_COUNT_DUTY)
        if generation > self._words_generation:
            changed = words >= 0 and (words != self._words or self._words_generation < 0)
            self._words_generation = generation  # a failed count is not retried
            if words >= 0:
                self._words = words
            if changed:
                self.post_message(self.WordsChanged(self, words, generation))
        if self._generation != self._words_generation:
            self._schedule_word_count()
