"""When prose is saved: ~1 s after the last edit, at most every 2 s while typing (rule 6).

:class:`BufferSaver` puts every open buffer of a :class:`BufferStore` on one
:class:`AutoSaver` schedule, which brings retries with backoff and the status-bar state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from writers_tui.storage.autosave import DEFAULT_BACKOFF, AutoSaver, SaveState
from writers_tui.storage.buffers import BufferStore, Conflict, Journaled, SaveResult, Unsaved


class SaveFailed(Exception):
    """Raised by :class:`BufferSaver` so its :class:`AutoSaver` shows FAILED and retries."""

    def __init__(self, results: Sequence[Journaled | Unsaved]) -> None:
        self.results = tuple(results)
        parts = []
        for result in results:
            if isinstance(result, Journaled):
                parts.append(
                    f"{result.path.name} could not be saved ({result.error}); "
                    f"its text is safe in {result.journal}"
                )
            else:
                parts.append(
                    f"{result.path.name} could not be saved ({result.error}) "
                    "and no recovery copy could be written; keep the app open"
                )
        super().__init__("; ".join(parts))


class BufferSaver:
    """Saves every buffer that needs it ~``idle`` s after the last edit, and at most every
    ``max_delay`` s while the writer keeps typing (rule 6).

    One :class:`AutoSaver` for all buffers: it brings the retry/backoff and the status-bar
    state. A journaled or unsaved buffer raises :class:`SaveFailed` inside it, so the state
    goes FAILED with the journal's location as ``error`` and the save is retried.
    ``on_result`` sees every per-file result (conflicts go to the UI's dialog from there).
    """

    def __init__(
        self,
        store: BufferStore,
        *,
        idle: float = 1.0,
        max_delay: float = 2.0,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        on_state: Callable[[SaveState], None] | None = None,
        on_result: Callable[[SaveResult], None] | None = None,
    ) -> None:
        self.store = store
        self._on_result = on_result
        self._conflicts: list[Conflict] = []
        self.autosaver = AutoSaver(
            self._save_dirty,
            store.needs_save,
            interval=max_delay,
            on_state=on_state,
            backoff=backoff,
            debounce=idle,
            max_delay=max_delay,
        )
        store.add_edit_listener(lambda _buffer: self.autosaver.request_save())

    async def _save_dirty(self) -> None:
        results = await self.store.flush_all()
        self._conflicts = [result for result in results if isinstance(result, Conflict)]
        if self._on_result is not None:
            for result in results:
                self._on_result(result)
        failed = [result for result in results if isinstance(result, Journaled | Unsaved)]
        if failed:
            raise SaveFailed(failed)

    def start(self) -> None:
        self.autosaver.start()

    async def flush(self) -> bool:
        """Save everything now (file switch, stage switch); True if every file was written.

        A file that went to a conflict copy instead of its own file counts as not written.
        """
        return await self.autosaver.save_now() and not self._conflicts

    async def stop(self, final_save: bool = True) -> bool:
        """Stop saving; False when the final save left text unwritten or in conflict."""
        return await self.autosaver.stop(final_save=final_save) and not self._conflicts
