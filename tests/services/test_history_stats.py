"""Writing history stats over real history entries (stored and read back)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from writers_tui.history_stats import DayWords, LiveSession, daily_words, streaks, summarize
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.models import HistoryEntry

TZ = timezone(timedelta(hours=-5))  # the writer's local calendar, not UTC
TODAY = date(2025, 6, 10)


def entry(
    n: int, start: datetime, words: int, *, minutes: int = 30, interrupted: bool = False
) -> HistoryEntry:
    return HistoryEntry(
        session_id=f"s{n}",
        start_time=start,
        end_time=start + timedelta(minutes=minutes),
        duration_minutes=minutes,
        words_written=words,
        interrupted=interrupted,
    )


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def stored(project: Path, entries: list[HistoryEntry]) -> list[HistoryEntry]:
    history = SessionHistory(project)
    for item in entries:
        history.add_sync(item)
    return history.entries()


def test_words_per_local_day(project: Path) -> None:
    # 02:00 UTC on the 10th is 21:00 on the 9th locally: it counts on the 9th.
    late = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)
    entries = stored(
        project,
        [
            entry(1, local(TODAY - timedelta(days=1)), 300),
            entry(2, late, 200),
            entry(3, local(TODAY - timedelta(days=40)), 999),  # outside the window
            entry(4, local(TODAY), -50),  # cut text is not writing
        ],
    )
    days = daily_words(entries, today=TODAY, tz=TZ)
    assert len(days) == 30
    assert days[0].day == TODAY - timedelta(days=29)
    assert days[-1] == DayWords(TODAY, 0)
    assert days[-2] == DayWords(TODAY - timedelta(days=1), 500)
    assert sum(day.words for day in days) == 500
    with_live = daily_words(entries, today=TODAY, tz=TZ, live=LiveSession(local(TODAY, 8), 120))
    assert with_live[-1] == DayWords(TODAY, 120)


def test_streaks_today_counts_only_with_live_words(project: Path) -> None:
    entries = stored(
        project,
        [
            entry(1, local(TODAY - timedelta(days=1)), 100),
            entry(2, local(TODAY - timedelta(days=2)), 100),
            entry(3, local(TODAY - timedelta(days=3)), 0),  # a day with no words breaks it
            entry(4, local(TODAY - timedelta(days=4)), 10),
            entry(5, local(TODAY - timedelta(days=5)), 10),
            entry(6, local(TODAY - timedelta(days=6)), 10, interrupted=True),
        ],
    )
    # Nothing yet today: the streak up to yesterday is still alive.
    assert streaks(entries, today=TODAY, tz=TZ) == (2, 3)
    assert streaks(entries, today=TODAY, tz=TZ, live=LiveSession(local(TODAY), 0)) == (2, 3)
    assert streaks(entries, today=TODAY, tz=TZ, live=LiveSession(local(TODAY), 5)) == (3, 3)
    # Two days without writing: the current streak is over, the longest remains.
    assert streaks(entries, today=TODAY + timedelta(days=2), tz=TZ) == (0, 3)


def test_summary_totals(project: Path) -> None:
    entries = stored(
        project,
        [
            entry(1, local(TODAY - timedelta(days=2)), 400, minutes=60),
            entry(2, local(TODAY - timedelta(days=2), 15), 100, minutes=20, interrupted=True),
            entry(3, local(TODAY - timedelta(days=1)), 250, minutes=45),
        ],
    )
    summary = summarize(entries, today=TODAY, tz=TZ, live=LiveSession(local(TODAY), 50, 10))
    assert summary.total_words == 800
    assert summary.total_minutes == 135
    assert summary.sessions == 4
    assert summary.interrupted_sessions == 1
    assert summary.writing_days == 3
    assert summary.best_day == DayWords(TODAY - timedelta(days=2), 500)
    assert (summary.current_streak, summary.longest_streak) == (3, 3)
    assert summary.days[-1] == DayWords(TODAY, 50)


def test_empty_history() -> None:
    summary = summarize([], today=TODAY, tz=TZ)
    assert (summary.current_streak, summary.longest_streak, summary.total_words) == (0, 0, 0)
    assert summary.best_day is None
    assert all(day.words == 0 for day in summary.days)
