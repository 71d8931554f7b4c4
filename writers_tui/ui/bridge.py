"""Workspace events → Textual messages.

The workspace calls its listeners on the event loop; the listener made here only wraps
the event in the matching message and posts it to the App (``post_message`` is also safe
from a thread, should a future workspace call from one). Nothing is done inside the
workspace's call: the App's handlers run later, in its own message queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from writers_tui.ui.messages import (
    BinderChangedMessage,
    BudgetWarned,
    BufferJournaled,
    CostUpdated,
    FileChangedOutside,
    LockWarned,
    SaveStateUpdated,
    SettingsUpdated,
    WordsUpdated,
)
from writers_tui.workspace import (
    BinderChanged,
    BudgetWarning,
    CostRecorded,
    FileChanged,
    LockWarning,
    SaveStateChanged,
    SettingsChanged,
    WordsChanged,
)
from writers_tui.workspace import (
    BufferJournaled as WorkspaceJournaled,
)


def words_message(event: Any) -> WordsUpdated:
    """A :class:`WordsUpdated` from a ``WordsChanged`` (or a ``ws.words()`` snapshot)."""
    return WordsUpdated(
        path=event.path,
        file_words=event.file_words,
        session_words=event.session_words,
        daily_goal=event.daily_goal or None,
        manuscript_words=event.manuscript_words,
        day_words=getattr(event, "today_words", None),
    )


def to_message(event: object) -> Message | None:
    """The message for one workspace event (None for an event this UI does not know)."""
    if isinstance(event, SaveStateChanged):
        return SaveStateUpdated(event.state)
    if isinstance(event, WordsChanged):
        return words_message(event)
    if isinstance(event, CostRecorded):
        return CostUpdated(event.cost, event.session_total)
    if isinstance(event, BudgetWarning):
        return BudgetWarned(event.message)
    if isinstance(event, FileChanged):
        return FileChangedOutside(
            event.kind, event.path, event.dest, event.reloaded, event.conflict
        )
    if isinstance(event, LockWarning):
        return LockWarned(event.message)
    if isinstance(event, BinderChanged):
        return BinderChangedMessage(event.change)
    if isinstance(event, WorkspaceJournaled):
        return BufferJournaled(event.path, event.journal, event.error)
    if isinstance(event, SettingsChanged):
        return SettingsUpdated(event.settings, list(event.warnings))
    return None


def listener_for(target: MessagePump) -> Callable[[object], None]:
    def listen(event: object) -> None:
        message = to_message(event)
        if message is not None:
            target.post_message(message)

    return listen
