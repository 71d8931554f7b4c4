"""AutoSaver: the schedule and the status it reports, driven by a fake owner (no disk)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from writers_tui.storage.autosave import AutoSaver, SaveState, SaveStatus

FIXED_NOW = datetime(2024, 11, 13, 15, 45, 10, tzinfo=UTC)


class Owner:
    """A document with a generation counter, like Session: only the snapshotted
    generation is marked saved, and every save can be held at a gate or made to fail."""

    def __init__(self) -> None:
        self.generation = 0
        self.saved_generation = 0
        self.saves = 0
        self.failures_left = 0
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()
        self.done = asyncio.Event()
        self.attempt_times: list[float] = []
        self.finished = 0  # attempts that returned or raised

    def edit(self) -> None:
        self.generation += 1

    def is_dirty(self) -> bool:
        return self.generation != self.saved_generation

    async def save(self) -> None:
        snapshot = self.generation
        self.attempt_times.append(time.monotonic())
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        await asyncio.sleep(0)
        if self.failures_left:
            self.failures_left -= 1
            self.finished += 1
            self.done.set()
            raise OSError(28, "No space left on device")
        self.saves += 1
        self.saved_generation = max(self.saved_generation, snapshot)
        self.finished += 1
        self.done.set()

    async def finished_attempts(self, count: int) -> None:
        """Wait until ``count`` save attempts in total have finished."""
        while self.finished < count:
            self.done.clear()
            await asyncio.wait_for(self.done.wait(), 5)


def make(owner: Owner, states: list[SaveState] | None = None, **kwargs: object) -> AutoSaver:
    return AutoSaver(
        owner.save,
        owner.is_dirty,
        on_state=states.append if states is not None else None,
        clock=lambda: FIXED_NOW,
        **kwargs,  # type: ignore[arg-type]
    )


def test_labels_tell_the_truth() -> None:
    saved = SaveState(SaveStatus.SAVED, FIXED_NOW - timedelta(seconds=12))
    assert saved.label(FIXED_NOW) == "● Auto-saved 12s ago"
    assert saved.label(FIXED_NOW + timedelta(minutes=5)) == "● Auto-saved 5m ago"
    assert saved.label(FIXED_NOW + timedelta(hours=2)) == "● Auto-saved 2h ago"
    assert SaveState(SaveStatus.DIRTY).label(FIXED_NOW) == "○ Unsaved changes"
    assert SaveState(SaveStatus.SAVING).label(FIXED_NOW) == "⟳ Saving…"
    failed = SaveState(SaveStatus.FAILED, None, "disk full", 2)
    assert failed.label(FIXED_NOW) == "⚠ Auto-save failed — retrying"
    assert [status.value for status in SaveStatus] == ["saved", "dirty", "saving", "failed"]


async def test_interval_saves_only_when_dirty() -> None:
    owner = Owner()
    saver = make(owner, interval=0.02)
    saver.start()
    # Several intervals pass with nothing to save: the owner is never asked.
    for _ in range(5):
        await asyncio.sleep(0.02)
    assert owner.saves == 0 and owner.attempt_times == []
    owner.edit()
    await owner.finished_attempts(1)
    assert owner.saves == 1 and not owner.is_dirty()
    assert saver.state.status is SaveStatus.SAVED and saver.state.saved_at == FIXED_NOW
    await saver.stop()
    assert owner.saves == 1  # nothing left: stop's final save is skipped


async def test_many_requests_coalesce_and_one_more_after_an_in_flight_save() -> None:
    owner = Owner()
    owner.gate = asyncio.Event()
    saver = make(owner, interval=3600)
    saver.start()
    for _ in range(10):
        saver.request_save()
    await asyncio.wait_for(owner.started.wait(), 5)
    owner.started.clear()
    for _ in range(5):  # during the in-flight save
        saver.request_save()
    owner.gate.set()
    await owner.finished_attempts(2)  # exactly one more save follows the in-flight one
    assert owner.saves == 2
    # No request is left unserved: stop's final save (which runs only for a pending
    # request or dirty data) finds nothing to do.
    await saver.stop(final_save=True)
    assert owner.saves == 2


async def test_edit_during_save_stays_dirty_and_is_saved_next() -> None:
    owner = Owner()
    owner.gate = asyncio.Event()
    states: list[SaveState] = []
    saver = make(owner, states, interval=0.02)
    owner.edit()
    saver.mark_dirty()
    saver.start()
    await asyncio.wait_for(owner.started.wait(), 5)
    owner.edit()  # typed while generation 1 is being written
    saver.mark_dirty()
    owner.gate.set()
    await owner.finished_attempts(1)
    assert owner.saved_generation == 1 and owner.is_dirty()
    assert saver.state.status is SaveStatus.DIRTY
    await owner.finished_attempts(2)  # the next interval picks up generation 2
    assert owner.saved_generation == 2
    await saver.stop()
    assert saver.state.status is SaveStatus.SAVED
    statuses = [state.status for state in states]
    assert statuses == [
        SaveStatus.DIRTY,
        SaveStatus.SAVING,
        SaveStatus.DIRTY,
        SaveStatus.SAVING,
        SaveStatus.SAVED,
    ]


async def test_failures_retry_with_backoff_then_recover() -> None:
    owner = Owner()
    owner.failures_left = 3
    states: list[SaveState] = []
    backoff = (0.02, 0.04)
    saver = make(owner, states, interval=3600, backoff=backoff)
    saver.start()
    owner.edit()
    saver.request_save()
    await owner.finished_attempts(4)
    assert owner.saves == 1 and not owner.is_dirty()
    gaps = [b - a for a, b in zip(owner.attempt_times, owner.attempt_times[1:], strict=False)]
    # Each retry waits at least its backoff step; the last step repeats.
    assert len(gaps) == 3
    assert gaps[0] >= backoff[0] and gaps[1] >= backoff[1] and gaps[2] >= backoff[1]
    failed = [state for state in states if state.status is SaveStatus.FAILED]
    assert [state.attempt for state in failed] == [1, 2, 3]
    assert all("No space left on device" in (state.error or "") for state in failed)
    assert states[-1] == SaveState(SaveStatus.SAVED, FIXED_NOW)
    await saver.stop()


async def test_state_callback_sequence() -> None:
    owner = Owner()
    states: list[SaveState] = []
    saver = make(owner, states)
    assert saver.state == SaveState(SaveStatus.SAVED)
    owner.edit()
    saver.mark_dirty()
    saver.mark_dirty()  # repeated: no duplicate notification
    assert await saver.save_now() is True
    owner.failures_left = 1
    owner.edit()
    saver.mark_dirty()
    assert await saver.save_now() is False
    assert await saver.save_now() is True  # save_now ignores the backoff and resets it
    assert [(s.status, s.attempt) for s in states] == [
        (SaveStatus.DIRTY, 0),
        (SaveStatus.SAVING, 1),
        (SaveStatus.SAVED, 0),
        (SaveStatus.DIRTY, 0),
        (SaveStatus.SAVING, 1),
        (SaveStatus.FAILED, 1),
        (SaveStatus.SAVING, 2),
        (SaveStatus.SAVED, 0),
    ]
    assert states[-1].label(FIXED_NOW + timedelta(seconds=12)) == "● Auto-saved 12s ago"


async def test_save_now_waits_for_the_save_in_flight_then_saves_again() -> None:
    owner = Owner()
    owner.gate = asyncio.Event()
    saver = make(owner, interval=3600)
    saver.start()
    owner.edit()
    saver.request_save()
    await asyncio.wait_for(owner.started.wait(), 5)
    owner.edit()
    manual = asyncio.create_task(saver.save_now())
    owner.gate.set()
    assert await asyncio.wait_for(manual, 5) is True
    assert owner.saves == 2 and owner.saved_generation == 2
    await saver.stop()


async def test_stop_does_a_final_save_unless_told_not_to() -> None:
    owner = Owner()
    saver = make(owner, interval=3600)
    saver.start()
    owner.edit()
    await saver.stop()
    assert owner.saves == 1 and not owner.is_dirty()

    second = Owner()
    quitter = make(second, interval=3600)
    quitter.start()
    second.edit()
    await quitter.stop(final_save=False)
    assert second.saves == 0 and second.is_dirty()


async def test_debounce_saves_after_idle_and_caps_the_wait_while_typing() -> None:
    owner = Owner()
    saver = make(owner, interval=3600, debounce=0.05, max_delay=0.1)
    saver.start()
    first_request = time.monotonic()
    typing_until = first_request + 0.5
    while time.monotonic() < typing_until:  # a keystroke every 10 ms for 0.5 s
        owner.edit()
        saver.request_save()
        await asyncio.sleep(0.01)
    # Continuous typing never goes idle for 50 ms, yet max_delay forced saves meanwhile.
    saves_while_typing = owner.saves
    assert saves_while_typing >= 2
    assert owner.attempt_times[0] - first_request >= 0.05
    while owner.is_dirty():
        await owner.finished_attempts(owner.finished + 1)
    await saver.stop()
    assert owner.saved_generation == owner.generation


async def test_each_keystroke_pushes_the_idle_save_back() -> None:
    owner = Owner()
    saver = make(owner, interval=3600, debounce=0.08, max_delay=10)
    saver.start()
    for _ in range(3):  # three keystrokes 30 ms apart: never idle for 80 ms
        owner.edit()
        last_request = time.monotonic()  # taken before the request: a lower bound
        saver.request_save()
        await asyncio.sleep(0.03)
    await owner.finished_attempts(1)
    assert owner.attempt_times[0] - last_request >= 0.08
    assert owner.saves == 1 and owner.saved_generation == 3
    await saver.stop()


async def test_a_broken_status_callback_does_not_stop_saving() -> None:
    owner = Owner()

    def explode(_state: SaveState) -> None:
        raise RuntimeError("status bar went away")

    saver = AutoSaver(owner.save, owner.is_dirty, interval=3600, on_state=explode)
    owner.edit()
    assert await saver.save_now() is True
    assert saver.state.status is SaveStatus.SAVED


def test_bad_configuration_is_refused() -> None:
    owner = Owner()
    with pytest.raises(ValueError, match="interval"):
        AutoSaver(owner.save, owner.is_dirty, interval=0)
    with pytest.raises(ValueError, match="backoff"):
        AutoSaver(owner.save, owner.is_dirty, backoff=())
