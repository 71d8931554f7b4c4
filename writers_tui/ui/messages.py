"""Textual messages the App makes from Workspace events (and a few of its own).

The Workspace knows nothing of Textual; :mod:`writers_tui.ui.bridge` turns each of its
events into one of these so widgets react through ordinary message handlers and never
hold a reference to the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from textual.message import Message

from writers_tui.ui.ports import BinderChangeLike, SaveStateLike


@dataclass
class SaveStateUpdated(Message):
    state: SaveStateLike


@dataclass
class WordsUpdated(Message):
    path: str | None
    file_words: int
    session_words: int
    daily_goal: int | None
    manuscript_words: int
    #: Words written today across sessions, when the workspace knows it.
    day_words: int | None = None


@dataclass
class CostUpdated(Message):
    cost: Decimal
    session_total: Decimal


@dataclass
class BudgetWarned(Message):
    message: str


@dataclass
class FileChangedOutside(Message):
    kind: str  # created / modified / deleted / moved
    path: str
    dest: str | None
    reloaded: bool
    conflict: bool


@dataclass
class BufferJournaled(Message):
    path: str
    journal: str  # empty when the text could only be kept in memory
    error: str = ""


@dataclass
class BinderStale(Message):
    """The manuscript's files changed: the Writing screen should reload its binder."""


@dataclass
class ReloadFile(Message):
    """An open file's text changed under the editor (outside edit, conflict resolved)."""

    path: str
    text: str | None = None


@dataclass
class LockWarned(Message):
    """The lock file was replaced behind our back (a sync tool) and taken again."""

    message: str


@dataclass
class BinderChangedMessage(Message):
    """This app created, renamed, moved, deleted or restored binder entries."""

    change: BinderChangeLike


@dataclass
class SettingsUpdated(Message):
    """The writer changed a setting (Preferences): apply theme, keymap and goals now."""

    settings: Any
    warnings: list[str]
