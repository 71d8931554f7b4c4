"""The app's last moments: signals, the crash path and the words shown after it.

Rule 6 of "Never lose work": prose reaches disk on quit, SIGTERM and SIGHUP (the terminal
closed), and an unexpected exception must not lose a buffer. Both paths call the
workspace's blocking ``flush_now()`` — the one call allowed to block, because awaiting is
no longer possible — before the app exits, and log what happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Callable
from pathlib import Path

from writers_tui.observability.logging import get_logger

log = get_logger("ui.lifecycle")

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGHUP)


def flush_quietly(flush: Callable[[], bool] | None, reason: str) -> bool | None:
    """Run ``flush`` (the workspace's ``flush_now``), logging instead of raising."""
    if flush is None:
        return None
    try:
        ok = flush()
    except Exception:
        log.exception("flush_failed", reason=reason)
        return False
    log.info("flushed", reason=reason, complete=ok)
    return ok


def install_stop_handlers(
    loop: asyncio.AbstractEventLoop, on_stop: Callable[[signal.Signals], None]
) -> Callable[[], None]:
    """Call ``on_stop(sig)`` on the loop for SIGTERM and SIGHUP; returns an uninstaller.

    ``loop.add_signal_handler`` runs the handler between callbacks, never in the middle of
    a save, unlike a plain ``signal.signal`` handler.
    """
    installed: list[signal.Signals] = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, on_stop, sig)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or a platform without these signals
        installed.append(sig)

    def uninstall() -> None:
        for sig in installed:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)

    return uninstall


def crash_text(log_path: Path | None, flushed: bool | None) -> str:
    """What the terminal says after an unexpected error (the traceback is in the log)."""
    if flushed is None:
        saved = "No project was open."
    elif flushed:
        saved = "Your writing was saved to disk before closing."
    else:
        saved = (
            "Some text could not be written to its file; it is in the project's "
            ".session/recovery/ folder and will be offered back next time."
        )
    where = f"The details are in {log_path}" if log_path else "No log file could be written."
    return (
        "writers-tui stopped because of an unexpected error.\n"
        f"{saved}\n{where}\n"
        "Please include that file if you report the problem."
    )


def freeze_long_lived() -> None:
    """Once the project is open and painted: move what exists now out of the collector's way.

    The app's long-lived objects (Textual's DOM, the buffers, the analysis, the SDKs) are
    hundreds of thousands of tracked objects; every full collection walked them all and
    held the event loop 70-120 ms, twice a second while an AI answer streamed
    (``benchmarks/bench_ai_stream.py``). ``gc.freeze()`` puts them in the permanent
    generation: later collections walk only what was made since. No collection is forced
    first (that would itself stall once); garbage alive at this moment stays, a one-off.
    """
    gc.freeze()
