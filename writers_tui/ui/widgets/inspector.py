"""The Writing inspector: the open scene's front matter, its bible mentions and its notes.

The panel only shows and asks: it is given the scene's :class:`FrontMatter` and mention
counts (:meth:`Inspector.show_front_matter`, :meth:`Inspector.show_mentions`) and, when the
writer changes a field (enter, or leaving it), posts :class:`Inspector.FieldEdited`. The
Writing screen turns that into one undoable edit of the editor's text, so the file is saved
by the usual auto-save and conflict rules — the inspector never writes a file.

A field the writer is typing in is never overwritten by a refresh from the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, ProgressBar, Static, TextArea

from writers_tui.ui.front_matter import FrontMatter, escape_notes, unescape_notes
from writers_tui.ui.textsafe import visible

__all__ = ["FIELDS", "Inspector", "NotesArea", "mention_lines", "target_of"]

#: The front-matter fields the inspector edits: (key, label, placeholder).
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("pov", "POV", "whose eyes"),
    ("status", "Status", "draft, revised, done…"),
    ("synopsis", "Synopsis", "the scene in a line"),
    ("target_words", "Target", "words, e.g. 2000"),
)


def target_of(front: FrontMatter) -> int | None:
    """``target_words`` as a positive number (None when unset or not a number)."""
    raw = (front.get("target_words") or "").replace(",", "").replace("_", "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # "²" is a digit, not a number
        return None
    return int(raw) or None


def mention_lines(counts: Mapping[str, int]) -> list[str]:
    """``Elizabeth Bennet ×12`` lines, most mentioned first (then by name)."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
    return [f"{visible(name)} ×{count:,}" for name, count in ranked if count > 0]


class NotesArea(TextArea):
    """The notes box: posts :class:`NotesArea.Left` when the focus leaves it."""

    class Left(Message):
        def __init__(self, area: NotesArea) -> None:
            super().__init__()
            self.area = area

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.post_message(self.Left(self))


class Inspector(VerticalScroll):
    """Beside the editor: POV, status, synopsis, target words, mentions, notes."""

    DEFAULT_CSS: ClassVar[str] = """
    Inspector {
        width: 36;
        height: 1fr;
        border-left: vkey $panel;
        padding: 0 1;
        background: $surface;
    }
    Inspector .inspector-heading { color: $text-muted; text-style: bold; margin-top: 1; }
    Inspector .field-row { height: 1; margin-top: 1; }
    Inspector .field-label { width: 9; color: $text-muted; }
    Inspector .field-row Input { width: 1fr; background: $boost; }
    Inspector .field-row Input:focus { background: $panel; }
    Inspector #inspector-target-line { color: $text-muted; margin-top: 1; }
    Inspector #inspector-target-bar { width: 1fr; }
    Inspector #inspector-mentions { color: $text; height: auto; }
    Inspector #inspector-notes { height: 6; }
    Inspector #inspector-hint { color: $text-muted; margin-top: 1; }
    WritingScreen.-focus-mode Inspector { display: none; }
    """

    class FieldEdited(Message):
        """The writer set front-matter ``key`` to ``value`` (already one line)."""

        def __init__(self, key: str, value: str) -> None:
            super().__init__()
            self.key = key
            self.value = value

    def __init__(self) -> None:
        super().__init__(id="inspector")
        self.can_focus = False
        self.front = FrontMatter()
        self.words = 0
        self.mentions: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label("Inspector", classes="inspector-heading")
        for key, label, placeholder in FIELDS:
            with Horizontal(classes="field-row"):
                yield Label(label, classes="field-label")
                yield Input(placeholder=placeholder, id=f"inspector-{key}", compact=True)
        yield Label("", id="inspector-target-line")
        yield ProgressBar(
            total=None, show_eta=False, show_percentage=True, id="inspector-target-bar"
        )
        yield Label("Mentions", classes="inspector-heading")
        yield Static("", id="inspector-mentions")
        yield Label("Notes", classes="inspector-heading")
        yield NotesArea("", soft_wrap=True, id="inspector-notes")
        yield Static("enter or tab saves a field · f10 hides", id="inspector-hint")

    def on_mount(self) -> None:
        self._show_target()
        self.show_mentions(None)

    # -- shown from the scene -------------------------------------------------------

    def show_front_matter(self, front: FrontMatter) -> None:
        """The scene's fields (an input the writer is in keeps what they are typing)."""
        self.front = front
        for key, _label, _placeholder in FIELDS:
            box = self.query_one(f"#inspector-{key}", Input)
            if not box.has_focus:
                value = front.get(key) or ""
                if box.value != value:
                    box.value = value
        notes = self.query_one("#inspector-notes", NotesArea)
        if not notes.has_focus:
            text = unescape_notes(front.get("notes") or "")
            if notes.text != text:
                notes.load_text(text)
        self._show_target()

    def show_words(self, words: int) -> None:
        self.words = words
        self._show_target()

    def show_mentions(self, counts: Mapping[str, int] | None) -> None:
        """Bible characters the scene mentions (None: not known yet)."""
        box = self.query_one("#inspector-mentions", Static)
        if counts is None:
            self.mentions = []
            box.update("…")
            return
        self.mentions = mention_lines(counts)
        box.update("\n".join(self.mentions) if self.mentions else "no bible characters named")

    def _show_target(self) -> None:
        line = self.query_one("#inspector-target-line", Label)
        bar = self.query_one("#inspector-target-bar", ProgressBar)
        target = target_of(self.front)
        if target is None:
            line.update(f"{self.words:,} words (no target)")
            bar.display = False
            return
        line.update(f"{self.words:,} of {target:,} words")
        bar.display = True
        bar.update(total=target, progress=min(self.words, target))

    # -- edited by the writer ---------------------------------------------------------

    def _offer(self, key: str, value: str) -> None:
        value = " ".join(value.splitlines()).strip()
        if value != (self.front.get(key) or ""):
            self.front = self.front.set(key, value)
            self._show_target()
            self.post_message(self.FieldEdited(key, value))

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _field_done(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        key = (event.input.id or "").removeprefix("inspector-")
        if key in {k for k, _label, _placeholder in FIELDS}:
            self._offer(key, event.value)

    @on(NotesArea.Left)
    def _notes_done(self, event: NotesArea.Left) -> None:
        event.stop()
        self._offer("notes", escape_notes(event.area.text.strip("\n")))
