"""Benchmark-only instruments, switched on by environment variables the *wrappers* read.

Nothing here is imported by the product. The wrappers (``_app_bench.py`` for the real
app, ``_ui_bench_app.py`` for the bare apps) call :func:`install` before the app starts;
with no variable set it does nothing, so an instrumented run differs from a plain one
only by what the variables switch on:

* ``WRITERS_BENCH_EDIT_LOG=PATH`` — one line per edit, ``seq t_edit t_frame``
  (``time.monotonic()``, shared by every process on the machine): when the editor began
  the edit (``TextArea.edit``, patched on the class) and when the next frame was handed
  to Textual's Linux driver (``LinuxDriver.write``, patched on the class; its writer
  thread puts the bytes on the pty microseconds later). The **in-app** latency.
* ``WRITERS_BENCH_STALL_LOG=PATH`` — a monitor task in the app's own event loop sleeps
  1 ms at a time and logs ``t_wake overshoot`` for every wake more than 0.2 ms late: a
  callback that held the loop (a key's render, a save's snapshot, a watcher event, a
  GIL-holding thread) shows up as an overshoot as long as it held it. ``App.run`` is
  wrapped to start the monitor beside ``run_async`` in the same loop.

The cost of the instruments themselves (one ``write`` per frame or per late tick) is a
few microseconds, far under the figures they measure.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

ENV_EDIT_LOG = "WRITERS_BENCH_EDIT_LOG"
ENV_STALL_LOG = "WRITERS_BENCH_STALL_LOG"
TICK = 0.001
LOGGED_OVER = 0.0002


async def monitor_loop(path: str) -> None:
    """Log every wake of a 1 ms sleep that is more than 0.2 ms late (until cancelled)."""
    with open(path, "a", buffering=1) as out:
        out.write(f"start {time.monotonic():.6f}\n")
        while True:
            start = time.monotonic()
            await asyncio.sleep(TICK)
            now = time.monotonic()
            lag = now - start - TICK
            if lag > LOGGED_OVER:
                out.write(f"{now:.6f} {lag:.6f}\n")


def _patch_run(path: str) -> None:
    from textual.app import App

    def run(self: App[Any], **kwargs: Any) -> Any:
        async def app_and_monitor() -> Any:
            monitor = asyncio.create_task(monitor_loop(path))
            try:
                return await self.run_async(**kwargs)
            finally:
                monitor.cancel()

        return asyncio.run(app_and_monitor())

    App.run = run  # type: ignore[method-assign]


def _patch_edit_log(path: str) -> None:
    from textual.drivers.linux_driver import LinuxDriver
    from textual.widgets import TextArea

    out = open(path, "a", buffering=1)  # noqa: SIM115 (lives as long as the process)
    pending: list[tuple[int, float]] = []
    seq = 0
    stock_edit = TextArea.edit
    stock_write = LinuxDriver.write

    def edit(self: TextArea, edit: Any) -> Any:
        nonlocal seq
        seq += 1
        pending.append((seq, time.monotonic()))
        return stock_edit(self, edit)

    def write(self: LinuxDriver, data: str) -> None:
        stock_write(self, data)
        if pending:
            now = time.monotonic()
            for number, started in pending:
                out.write(f"{number} {started:.6f} {now:.6f}\n")
            pending.clear()

    TextArea.edit = edit  # type: ignore[method-assign]
    LinuxDriver.write = write  # type: ignore[method-assign]


def install() -> None:
    """Switch on the instruments the environment asks for (none by default)."""
    if stall := os.environ.get(ENV_STALL_LOG):
        _patch_run(stall)
    if edits := os.environ.get(ENV_EDIT_LOG):
        _patch_edit_log(edits)


def read_edit_log(path: os.PathLike[str] | str) -> list[tuple[int, float, float]]:
    """The edit log's rows: (seq, t_edit, t_frame)."""
    rows = []
    for line in Path(path).read_text().splitlines():
        seq, edit, frame = line.split()
        rows.append((int(seq), float(edit), float(frame)))
    return rows


def read_stall_log(path: os.PathLike[str] | str) -> list[tuple[float, float]]:
    """The stall log's rows: (t_wake, overshoot)."""
    rows = []
    for line in Path(path).read_text().splitlines():
        first, second = line.split()
        if first != "start":
            rows.append((float(first), float(second)))
    return rows
