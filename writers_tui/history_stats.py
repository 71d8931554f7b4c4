"""Writing history stats: words per day, streaks and totals, for the History screen.

Pure functions over history entries (anything with the fields of
:class:`writers_tui.storage.models.HistoryEntry` that are used here, so this module needs
no storage import and the UI may call it directly) plus the live session.

Rules, for writers:

* A session's words count on the **local calendar day it started** (a session from 23:00
  to 01:00 counts on the first day): history keeps one word total per session, not a
  timeline, so splitting it would be a guess.
* A **writing day** is a day with more than 0 words written (interrupted sessions count:
  their words are on disk).
* The **current streak** is the run of writing days ending today, or ending yesterday when
  nothing is written yet today (the day is not over, so the streak is not broken yet).
  Today is a writing day as soon as the live session has words.
* The **longest streak** is the longest run of consecutive writing days ever recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

__all__ = [
    "DAYS_SHOWN",
    "DayWords",
    "HistorySummary",
    "LiveSession",
    "SessionLike",
    "daily_words",
    "streaks",
    "summarize",
]

#: How many days the words-per-day chart shows.
DAYS_SHOWN = 30


class SessionLike(Protocol):
    """The fields of a history entry the stats read."""

    @property
    def start_time(self) -> datetime: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def words_written(self) -> int: ...
    @property
    def interrupted(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class LiveSession:
    """The session in progress (not in the history yet)."""

    start_time: datetime
    words_written: int
    duration_minutes: int = 0
    interrupted: bool = False


@dataclass(frozen=True, slots=True)
class DayWords:
    day: date
    words: int


@dataclass(frozen=True, slots=True)
class HistorySummary:
    """Everything the History screen shows above the session list."""

    days: tuple[DayWords, ...]
    current_streak: int
    longest_streak: int
    total_words: int
    total_minutes: int
    sessions: int
    interrupted_sessions: int
    writing_days: int
    best_day: DayWords | None


def _local_day(moment: datetime, tz: tzinfo | None) -> date:
    """The calendar day of ``moment`` where the writer is (``tz`` None: this machine's)."""
    return moment.astimezone(tz).date()


def _sessions(entries: Iterable[SessionLike], live: LiveSession | None) -> list[SessionLike]:
    sessions = list(entries)
    if live is not None:
        sessions.append(live)
    return sessions


def _words_by_day(sessions: Iterable[SessionLike], tz: tzinfo | None) -> dict[date, int]:
    totals: dict[date, int] = {}
    for session in sessions:
        if session.words_written <= 0:
            continue  # negative "words written" (text cut) is not writing
        day = _local_day(session.start_time, tz)
        totals[day] = totals.get(day, 0) + session.words_written
    return totals


def daily_words(
    entries: Iterable[SessionLike],
    *,
    today: date,
    live: LiveSession | None = None,
    tz: tzinfo | None = None,
    days: int = DAYS_SHOWN,
) -> list[DayWords]:
    """Words per local day for the ``days`` days ending ``today``, oldest first (days
    without writing are there with 0, so a chart has no gaps)."""
    totals = _words_by_day(_sessions(entries, live), tz)
    first = today - timedelta(days=days - 1)
    return [
        DayWords(first + timedelta(days=n), totals.get(first + timedelta(days=n), 0))
        for n in range(days)
    ]


def _longest_run(days: set[date]) -> int:
    longest = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue  # not the start of a run
        length = 1
        while day + timedelta(days=length) in days:
            length += 1
        longest = max(longest, length)
    return longest


def streaks(
    entries: Iterable[SessionLike],
    *,
    today: date,
    live: LiveSession | None = None,
    tz: tzinfo | None = None,
) -> tuple[int, int]:
    """``(current, longest)`` writing streaks in days (see the module docstring)."""
    writing = set(_words_by_day(_sessions(entries, live), tz))
    end = today if today in writing else today - timedelta(days=1)
    current = 0
    while end - timedelta(days=current) in writing:
        current += 1
    return current, _longest_run(writing)


def summarize(
    entries: Iterable[SessionLike],
    *,
    today: date,
    live: LiveSession | None = None,
    tz: tzinfo | None = None,
    days: int = DAYS_SHOWN,
) -> HistorySummary:
    """Per-day words, streaks and totals, all the History screen shows above its list."""
    sessions = _sessions(entries, live)
    totals = _words_by_day(sessions, tz)
    current, longest = streaks(sessions, today=today, tz=tz)
    best = max(totals.items(), key=lambda item: (item[1], item[0]), default=None)
    return HistorySummary(
        days=tuple(daily_words(sessions, today=today, tz=tz, days=days)),
        current_streak=current,
        longest_streak=longest,
        total_words=sum(max(session.words_written, 0) for session in sessions),
        total_minutes=sum(session.duration_minutes for session in sessions),
        sessions=len(sessions),
        interrupted_sessions=sum(1 for session in sessions if session.interrupted),
        writing_days=len(totals),
        best_day=DayWords(*best) if best is not None else None,
    )
