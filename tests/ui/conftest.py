"""Plain data and small apps for testing the UI's widgets and dialogs without a project.

Widgets are written to take plain data, so these tests feed them dataclasses shaped like
the Workspace's (docs/workspace.md) and a frozen clock; the real-app tests in
``test_app_*.py`` run the whole studio on temp projects.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widget import Widget

#: The instant every frozen clock in the UI tests returns.
NOW = datetime(2024, 11, 13, 15, 45, 10, tzinfo=UTC)


def frozen_clock() -> datetime:
    return NOW


@dataclass(frozen=True)
class FakeSaveState:
    status: str
    saved_at: datetime | None = None

    def label(self, now: datetime) -> str:
        if self.status == "saving":
            return "⟳ Saving…"
        if self.status == "failed":
            return "⚠ Auto-save failed — retrying"
        if self.status == "dirty":
            return "○ Unsaved changes"
        assert self.saved_at is not None
        return f"● Auto-saved {int((now - self.saved_at).total_seconds())}s ago"


@dataclass(frozen=True)
class Entry:
    path: str
    title: str
    words: int
    depth: int
    is_folder: bool = False


@dataclass(frozen=True)
class OpenFileInfo:
    path: str
    cursor_line: int
    cursor_col: int


@dataclass(frozen=True)
class Journal:
    path: str
    journal: str
    saved_at: str
    size: int
    error: str = "No space left on device"
    stale: bool = False


@dataclass(frozen=True)
class FakeRecovery:
    last_saved_at: datetime | None
    duration_minutes: int
    stage: str
    open_files: list[OpenFileInfo] = field(default_factory=list)
    active_file: str | None = None
    journals: list[Journal] = field(default_factory=list)


@dataclass(frozen=True)
class FakeHolder:
    host: str
    pid: int
    started_at: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.started_at}"


def sample_recovery() -> FakeRecovery:
    return FakeRecovery(
        last_saved_at=datetime(2024, 11, 13, 13, 40, 0, tzinfo=UTC),
        duration_minutes=95,
        stage="writing",
        open_files=[
            OpenFileInfo("manuscript/1 Arrival/1.2 The Letter.md", 41, 17),
            OpenFileInfo("manuscript/1 Arrival/1.1 Rain.md", 3, 0),
        ],
        active_file="manuscript/1 Arrival/1.2 The Letter.md",
        journals=[
            Journal(
                "manuscript/1 Arrival/1.2 The Letter.md",
                ".session/recovery/manuscript%2F1.2.md.20241113T134000Z.md",
                "2024-11-13T13:40:00Z",
                2048,
            )
        ],
    )


class WidgetHarness(App[None]):
    """Mounts one widget on a bare screen."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        yield self.widget


class ScreenHarness(App[None]):
    """Pushes one screen and records what it dismisses with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.dialog = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@pytest.fixture
def utc_local_time() -> Iterator[None]:
    """Local time is UTC, so times shown in local time are the same on every machine."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()
