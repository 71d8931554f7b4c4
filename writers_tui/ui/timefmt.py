"""Times and sizes as a writer reads them: local wall time plus "12 minutes ago"."""

from __future__ import annotations

from datetime import datetime


def ago(then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now" if seconds < 5 else f"{seconds} seconds ago"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = hours // 24
    return f"{days} days ago"


def when(then: datetime | None, now: datetime) -> str:
    """``2024-11-13 15:45 (2 hours ago)`` in local time, or ``never``."""
    if then is None:
        return "never"
    return f"{then.astimezone().strftime('%Y-%m-%d %H:%M')} ({ago(then, now)})"


def parse_time(value: object) -> datetime | None:
    """A datetime from a datetime or an ISO string (``Z`` allowed); None if neither."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def duration(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min"


def size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"
