"""A dialog that opens *unbidden* — while the writer may be typing.

An outside edit (a conflict) can open a dialog in the middle of a word. Such a dialog
must never be answered by the prose being typed, and must never swallow it:

* it has no bare-letter, space or enter keys of its own (its keys are alt+letter, or a
  button the writer reaches with tab first), and nothing has focus when it opens;
* for :data:`GRACE_SECONDS` after it appears it ignores every key of its own (so a
  keystroke already on its way cannot hit a button the writer tabbed to by habit);
* text keys (printable characters, enter, backspace) typed while it is open go on to the
  editor underneath, so the words keep arriving in the buffer (where the workspace keeps
  them whichever way the dialog is answered). With no editor to take them, they are
  counted and the dialog says so.
"""

from __future__ import annotations

import time
from typing import TypeVar

from textual import events
from textual.screen import ModalScreen
from textual.widgets import Button, TextArea

#: How long (seconds) after an unbidden dialog appears its own keys are ignored.
GRACE_SECONDS = 0.6

#: Keys that write text: they go to the editor underneath.
TEXT_KEYS = frozenset({"enter", "backspace"})
#: A key with one of these is a command, whatever character the terminal sent with it.
MODIFIER_PREFIXES = ("alt+", "ctrl+", "super+", "meta+", "hyper+")

ResultType = TypeVar("ResultType")


class UnbiddenDialog(ModalScreen[ResultType]):
    """A modal that passes typing through to the editor below and starts with a grace."""

    AUTO_FOCUS = ""  # nothing has focus: enter and space press no button by chance
    grace_seconds: float = GRACE_SECONDS

    def __init__(self) -> None:
        super().__init__()
        self._shown_at: float | None = None
        #: Text keys that had no editor to go to (shown in the dialog, never silently lost).
        self.stray_keys: list[str] = []

    def on_mount(self) -> None:
        self._shown_at = time.monotonic()
        self.set_focus(None)

    @property
    def in_grace(self) -> bool:
        """True while the dialog's own keys are still ignored."""
        if self._shown_at is None:
            return True
        return time.monotonic() - self._shown_at < self.grace_seconds

    def _editor_below(self) -> TextArea | None:
        stack = self.app.screen_stack
        if self not in stack:
            return None
        index = stack.index(self)
        for screen in reversed(stack[:index]):
            if isinstance(screen, UnbiddenDialog):
                continue
            focused = screen.focused
            if isinstance(focused, TextArea) and not focused.read_only:
                return focused
            return None
        return None

    def _pass_through(self, event: events.Key) -> bool:
        """Send a text key on to the editor below; False when there is none."""
        editor = self._editor_below()
        if editor is None:
            return False
        if event.key == "backspace":
            editor.action_delete_left()
        else:
            editor.post_message(events.Key(event.key, event.character))
        return True

    def on_key(self, event: events.Key) -> None:
        # A terminal sends alt+s as ESC s: Textual calls that key "alt+s" *with* the
        # character "s", printable. It is the dialog's key, not text for the editor.
        modified = event.key.startswith(MODIFIER_PREFIXES)
        is_text = (event.is_printable and not modified) or event.key in TEXT_KEYS
        on_button = isinstance(self.focused, Button)
        if not self.in_grace and on_button and event.key in ("enter", "space"):
            return  # the writer tabbed to a button on purpose: let it be pressed
        if is_text:
            event.stop()
            event.prevent_default()
            if not self._pass_through(event):
                shown = {"enter": "⏎", "backspace": "⌫"}.get(event.key, event.character or "")
                self.stray_keys.append(shown)
                self.show_stray_keys()
            return
        if self.in_grace:
            event.stop()
            event.prevent_default()

    def show_stray_keys(self) -> None:
        """Override to show :attr:`stray_keys` (typed with no editor to take them)."""
