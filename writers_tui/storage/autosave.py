"""When to save, decided in one place, and a truthful status for the status bar.

:class:`AutoSaver` owns the *schedule*, never the I/O: it calls the owner's ``save``
coroutine (``Session.save``, a buffer flush …), which snapshots its data on the loop and
serializes, writes and fsyncs in a thread. Keeping the two apart lets the same policy drive
session state (every 30 s when dirty, at once after significant actions) and prose
(~1 s after the last keystroke, at most every few seconds while typing), and lets the
policy be tested with a fake ``save`` and no disk at all.

Rules it keeps (ARCHITECTURE.md, "Auto-save" and rule 5):

- saves never overlap: one lock serialises the background task, :meth:`save_now` and the
  final save in :meth:`stop`;
- requests coalesce: any number of :meth:`request_save` calls before a save starts are
  served by that one save; a request made while a save is in flight gets exactly one more
  save after it, because the in-flight save may have snapshotted before the change;
- a failed save never gives up while there is something to save: it retries after
  ``backoff[0]``, ``backoff[1]`` … (the last step repeats) and the state says so;
- the state is never optimistic: ``SAVED`` only after ``save`` returned, and a change made
  during a save leaves the state ``DIRTY`` (the owner's ``is_dirty`` is asked afterwards).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from writers_tui.values import utc_now

log = logging.getLogger(__name__)

DEFAULT_BACKOFF: tuple[float, ...] = (1, 2, 5, 10, 30)


class SaveStatus(StrEnum):
    SAVED = "saved"
    DIRTY = "dirty"
    SAVING = "saving"
    FAILED = "failed"


def _age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


@dataclass(frozen=True)
class SaveState:
    """What the status bar shows. ``attempt`` counts consecutive tries (0 when idle)."""

    status: SaveStatus
    saved_at: datetime | None = None
    error: str | None = None
    attempt: int = 0

    def label(self, now: datetime) -> str:
        if self.status is SaveStatus.SAVING:
            return "⟳ Saving…"
        if self.status is SaveStatus.FAILED:
            return "⚠ Auto-save failed — retrying"
        if self.status is SaveStatus.DIRTY:
            return "○ Unsaved changes"
        if self.saved_at is None:
            return "● All changes saved"
        return f"● Auto-saved {_age(now - self.saved_at)} ago"


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


class AutoSaver:
    """Runs ``save`` on a schedule on the current event loop.

    - every ``interval`` seconds while ``is_dirty()``;
    - after :meth:`request_save`: ``debounce`` seconds after the latest request, but no later
      than ``max_delay`` after the first unserved one (``debounce=0`` means "at once");
    - after a failure: at ``backoff`` steps while dirty or a request is unserved.

    ``clock`` stamps ``saved_at`` (wall time for the label); scheduling uses the monotonic
    clock so a wall-clock jump never delays a save.
    """

    def __init__(
        self,
        save: Callable[[], Awaitable[None]],
        is_dirty: Callable[[], bool],
        *,
        interval: float = 30.0,
        on_state: Callable[[SaveState], None] | None = None,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        clock: Callable[[], datetime] = utc_now,
        debounce: float = 0.0,
        max_delay: float | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        if not backoff or any(step < 0 for step in backoff):
            raise ValueError("backoff needs at least one non-negative step")
        self._save = save
        self._is_dirty = is_dirty
        self._interval = interval
        self._on_state = on_state
        self._backoff = tuple(backoff)
        self._clock = clock
        self._debounce = debounce
        self._max_delay = max_delay
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pending_since: float | None = None  # first request not yet served by a save
        self._last_request = 0.0
        self._next_interval = time.monotonic() + interval
        self._retry_at: float | None = None
        self._failures = 0
        self._state = SaveState(SaveStatus.DIRTY if self._dirty() else SaveStatus.SAVED)

    # -- the owner's interface ---------------------------------------------------------

    @property
    def state(self) -> SaveState:
        return self._state

    def start(self) -> None:
        """Run the schedule as a task on the running loop."""
        if self._task is not None:
            raise RuntimeError("AutoSaver already started")
        self._next_interval = time.monotonic() + self._interval
        self._task = asyncio.get_running_loop().create_task(self._run(), name="autosave")

    def request_save(self, *, at_once: bool = False) -> None:
        """Something worth saving happened: save soon (coalesced with other requests).

        ``at_once`` skips the debounce (a significant action: a file opened, a stage
        switched); the save still runs in the background task, so the caller never waits.
        """
        now = time.monotonic()
        if self._pending_since is None:
            self._pending_since = now
        self._last_request = now - self._debounce if at_once else now
        self.mark_dirty()
        self._wake.set()

    def mark_dirty(self) -> None:
        """Something changed: show "unsaved" (a failure or a save in flight keeps its label)."""
        if self._state.status is SaveStatus.SAVED:
            self._set(replace(self._state, status=SaveStatus.DIRTY))

    async def save_now(self) -> bool:
        """Save at once (ctrl+s, quit), after any save in flight; True if it succeeded."""
        try:
            return await self._attempt()
        finally:
            self._wake.set()  # the schedule may have changed (a retry set or cleared)

    async def stop(self, final_save: bool = True) -> bool:
        """Stop the schedule (never in the middle of a save), then save what is left.

        Returns False when the final save failed, so quitting can tell the writer
        instead of exiting with work only in memory.
        """
        task, self._task = self._task, None
        if task is not None:
            async with self._lock:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if final_save and (self._pending_since is not None or self._dirty()):
            return await self._attempt()
        return True

    # -- the schedule ------------------------------------------------------------------

    def _dirty(self) -> bool:
        try:
            return bool(self._is_dirty())
        except Exception:
            log.exception("is_dirty() failed; assuming there is something to save")
            return True

    def _due(self) -> float:
        """Monotonic time of the next save to consider."""
        if self._retry_at is not None:
            return self._retry_at  # after a failure only the backoff (or save_now) decides
        due = self._next_interval
        if self._pending_since is not None:
            requested = self._last_request + self._debounce
            if self._max_delay is not None:
                requested = min(requested, self._pending_since + self._max_delay)
            due = min(due, requested)
        return due

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            delay = self._due() - time.monotonic()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                continue  # a request may have moved the schedule: recompute
            if self._pending_since is not None or self._dirty():
                await self._attempt()
            else:
                if self._retry_at is not None:  # nothing left to save: the failure is moot
                    self._failures, self._retry_at = 0, None
                    self._set(SaveState(SaveStatus.SAVED, self._state.saved_at))
                self._next_interval = time.monotonic() + self._interval

    async def _attempt(self) -> bool:
        async with self._lock:
            served = self._pending_since
            self._pending_since = None  # this save covers every request made before it
            attempt = self._failures + 1
            before = self._state
            self._set(SaveState(SaveStatus.SAVING, before.saved_at, None, attempt))
            try:
                await self._save()
            except asyncio.CancelledError:
                self._set(before)
                if self._pending_since is None:
                    self._pending_since = served
                raise
            except Exception as error:
                self._failures = attempt
                step = self._backoff[min(attempt, len(self._backoff)) - 1]
                self._retry_at = time.monotonic() + step
                if self._pending_since is None:
                    self._pending_since = served
                log.warning("save failed (attempt %d), retrying in %ss: %s", attempt, step, error)
                self._set(SaveState(SaveStatus.FAILED, before.saved_at, _describe(error), attempt))
                return False
            self._failures, self._retry_at = 0, None
            self._next_interval = time.monotonic() + self._interval
            status = SaveStatus.DIRTY if self._dirty() else SaveStatus.SAVED
            self._set(SaveState(status, self._clock()))
            return True

    def _set(self, state: SaveState) -> None:
        if state == self._state:
            return
        self._state = state
        if self._on_state is None:
            return
        try:
            self._on_state(state)
        except Exception:
            log.exception("on_state callback failed")
