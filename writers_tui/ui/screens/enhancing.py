"""The Enhancing stage: polish the current scene with its flags and revision snapshots.

Left, the scene's flags (adverbs, filter words, echoes, clichés, anti-patterns, spelling)
from ``workspace.analyze_file`` — stepping through them selects each span in the editor;
``k`` marks one "keep" (remembered by the workspace) — and the scene's snapshots: take one,
diff the current text against one, restore one. Middle, the scene in the same editor as
Writing (:class:`FileEditor`), so fixing a flag is typing.

The analysis runs in a worker with a visible "analysing…" state; it runs again a few
seconds after the writer stops typing and when the file changes on disk. Restoring goes
through the editor as one edit: it is saved by the usual rules and ctrl+z undoes it (the
workspace also keeps a snapshot of the text it replaced).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from writers_tui.ui.screens.base import StudioScreen
from writers_tui.ui.screens.writing import title_of
from writers_tui.ui.stages import place
from writers_tui.ui.widgets.file_editor import FileEditor
from writers_tui.ui.widgets.flag_list import FlagLike, FlagList
from writers_tui.ui.widgets.snapshot_diff import SnapshotDiffView, TextDiffLike

#: Seconds after the last edit before the flags are computed again.
REANALYSE_DELAY = 3.0


class FileAnalysisLike(Protocol):
    @property
    def flags(self) -> Sequence[FlagLike]: ...


class FileResultLike(Protocol):
    """What ``analyze_file`` returns: the file's analysis (and its score, unused here)."""

    @property
    def analysis(self) -> FileAnalysisLike: ...


class SnapshotLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def taken_at(self) -> datetime: ...
    @property
    def words(self) -> int: ...
    @property
    def label(self) -> str | None: ...


class RevisionWorkspace(Protocol):
    """What Enhancing needs beyond :class:`~writers_tui.ui.ports.WorkspaceLike`."""

    async def analyze_file(self, path: str) -> FileResultLike: ...
    def keep_flag(self, path: str, flag_key: str) -> Any: ...  # sync or async
    def kept_flags(self, path: str) -> Any: ...  # set[str], or an awaitable of one
    async def take_snapshot(self, path: str, *, label: str | None = None) -> SnapshotLike: ...
    async def snapshots(self, path: str) -> Sequence[SnapshotLike]: ...
    async def diff_snapshot(self, path: str, snapshot_id: str) -> TextDiffLike: ...
    async def restore_snapshot(self, path: str, snapshot_id: str) -> str: ...


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def snapshot_row(info: SnapshotLike) -> str:
    """One snapshot as the list shows it (local time)."""
    when = info.taken_at.astimezone().strftime("%d %b %H:%M:%S")
    label = f" · {info.label}" if info.label else ""
    return f"{when} · {info.words:,} words{label}"


class EnhancingScreen(StudioScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "step(1)", "Next flag", id="enhancing.next_flag"),
        Binding("ctrl+b", "step(-1)", "Prev flag", id="enhancing.previous_flag"),
        Binding("ctrl+t", "take_snapshot", "Snapshot", id="enhancing.take_snapshot"),
        Binding("ctrl+r", "analyse", "Re-analyse", id="enhancing.analyse"),
        Binding("ctrl+l", "focus_flags", "Flags", id="enhancing.flags", show=False),
        Binding("ctrl+o", "focus_snapshots", "Snapshots", id="enhancing.snapshots", show=False),
    ]

    DEFAULT_CSS = """
    EnhancingScreen #enhancing { height: 1fr; }
    EnhancingScreen #side { width: 50; height: 1fr; }
    EnhancingScreen #flags-box {
        height: 2fr; border: round $panel; background: $surface;
    }
    EnhancingScreen #snapshots-box {
        height: 1fr; border: round $panel; background: $surface;
    }
    EnhancingScreen #flags-box:focus-within, EnhancingScreen #snapshots-box:focus-within {
        border: round $primary;
    }
    EnhancingScreen .state { color: $text-muted; height: auto; padding: 0 1; }
    EnhancingScreen .state.-busy { color: $warning; }
    EnhancingScreen #snapshot-list { height: 1fr; background: $surface; border: none; }
    EnhancingScreen #snapshot-list:focus { border: none; }
    EnhancingScreen .hint { color: $text-muted; height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(place("enhancing"))
        self.snapshot_infos: list[SnapshotLike] = []
        self.analysing = False
        self._reanalyse: Timer | None = None
        self._resumed = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="enhancing"):
            with Vertical(id="side"):
                with Vertical(id="flags-box") as flags:
                    flags.border_title = "Flags"
                    yield Label("", id="flags-state", classes="state")
                    yield FlagList(id="flags")
                    yield Static("n/p step · k keep · h hide kept", classes="hint")
                with Vertical(id="snapshots-box") as snaps:
                    snaps.border_title = "Snapshots"
                    yield Label("", id="snapshots-state", classes="state")
                    yield OptionList(id="snapshot-list")
                    yield Static("enter/d diff · r restore · ctrl+t take one", classes="hint")
            yield FileEditor(id="scene-editor")
        yield from self.compose_status()

    @property
    def file_editor(self) -> FileEditor:
        return self.query_one(FileEditor)

    @property
    def flag_list(self) -> FlagList:
        return self.query_one(FlagList)

    @property
    def snapshot_list(self) -> OptionList:
        return self.query_one("#snapshot-list", OptionList)

    @property
    def path(self) -> str | None:
        return self.file_editor.path

    def _revision(self) -> RevisionWorkspace | None:
        workspace = self.studio.workspace
        if workspace is None:
            return None
        return cast(RevisionWorkspace, workspace)

    def on_mount(self) -> None:
        super().on_mount()
        self._load()

    def on_screen_resume(self) -> None:
        # The first resume comes with the mount (which loads); later ones are returns from
        # another stage, whose scene may have changed.
        if self._resumed:
            self._load()
        self._resumed = True

    # -- the scene --------------------------------------------------------------------------

    async def _current_scene(self) -> str | None:
        """The scene Writing has open; else the one shown here; else the first scene."""
        workspace = self.studio.workspace
        if workspace is None:
            return None
        active = workspace.active_file
        if active is not None and active.startswith("manuscript/"):
            return active
        if self.path is not None:
            return self.path
        for entry in await workspace.binder():
            if not entry.is_folder:
                return entry.path
        return None

    @work(exclusive=True, group="enhancing-load", exit_on_error=False)
    async def _load(self) -> None:
        if self._revision() is None:
            return
        path = await self._current_scene()
        if path is None:
            self.file_editor.clear("No scene yet: add a .md file to manuscript/.")
            return
        if path != self.path:
            await self.file_editor.open(path)
        self.flag_list.focus()
        self.action_analyse()
        await self._list_snapshots()

    # -- flags --------------------------------------------------------------------------------

    def action_analyse(self) -> None:
        """Compute the scene's flags again (in a worker)."""
        self._analyse()

    @work(exclusive=True, group="enhancing-analysis", exit_on_error=False)
    async def _analyse(self) -> None:
        revision, path = self._revision(), self.path
        state = self.query_one("#flags-state", Label)
        if revision is None or path is None:
            return
        self.analysing = True
        state.update("analysing…")
        state.add_class("-busy")
        try:
            result = await revision.analyze_file(path)
            kept = set(await _maybe_await(revision.kept_flags(path)))
        except Exception:
            state.update("The analysis failed (see the message).")
            raise
        finally:
            self.analysing = False
            state.remove_class("-busy")
        if path != self.path:
            return  # another scene was opened meanwhile; its own analysis follows
        flags = list(result.analysis.flags)
        self.flag_list.set_flags(flags, kept)
        shown = len(flags) - len([k for k in self.flag_list.shown if k.kept])
        state.update(
            "No flags in this scene."
            if not flags
            else f"{shown} flag{'s' if shown != 1 else ''}"
            + (f" · {len(flags) - shown} kept" if len(flags) != shown else "")
        )

    def action_step(self, delta: int) -> None:
        """Next / previous flag, from anywhere on the screen."""
        self.flag_list.step(delta)

    @on(FlagList.FlagChosen)
    def _flag_chosen(self, event: FlagList.FlagChosen) -> None:
        flag = event.flag
        self.file_editor.select_span(flag.line, flag.column, flag.end_line, flag.end_column)

    @on(FlagList.KeepToggled)
    def _keep(self, event: FlagList.KeepToggled) -> None:
        self._remember_keep(event.key)

    @work(group="enhancing-keep", exit_on_error=False)
    async def _remember_keep(self, key: str) -> None:
        revision, path = self._revision(), self.path
        if revision is None or path is None:
            return
        await _maybe_await(revision.keep_flag(path, key))
        self.flag_list.mark_kept(key)

    @on(FileEditor.Edited)
    def _edited(self, event: FileEditor.Edited) -> None:
        if self._reanalyse is not None:
            self._reanalyse.stop()
        self._reanalyse = self.set_timer(REANALYSE_DELAY, self.action_analyse)

    @on(FileEditor.Reloaded)
    def _reloaded(self, event: FileEditor.Reloaded) -> None:
        self.action_analyse()

    # -- snapshots ------------------------------------------------------------------------------

    async def _list_snapshots(self) -> None:
        revision, path = self._revision(), self.path
        state = self.query_one("#snapshots-state", Label)
        if revision is None or path is None:
            return
        self.snapshot_infos = list(await revision.snapshots(path))
        listing = self.snapshot_list
        listing.clear_options()
        listing.add_options(
            Option(snapshot_row(info), id=f"snapshot-{info.id}") for info in self.snapshot_infos
        )
        count = len(self.snapshot_infos)
        state.update(
            "None of this scene yet: ctrl+t takes one."
            if not count
            else f"{count} snapshot{'s' if count != 1 else ''}, newest first"
        )
        if count:
            listing.highlighted = 0

    @work(exclusive=True, group="enhancing-snapshot", exit_on_error=False)
    async def action_take_snapshot(self) -> None:
        """Keep the scene's current text as a snapshot."""
        revision, path = self._revision(), self.path
        if revision is None or path is None:
            return
        await revision.take_snapshot(path)
        await self._list_snapshots()
        self.notify(f"Snapshot of {title_of(path)} taken.", timeout=3)

    def _selected_snapshot(self) -> SnapshotLike | None:
        index = self.snapshot_list.highlighted
        if index is None or not (0 <= index < len(self.snapshot_infos)):
            return None
        return self.snapshot_infos[index]

    @on(OptionList.OptionSelected, "#snapshot-list")
    def _snapshot_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_diff_snapshot()

    def on_key(self, event: Any) -> None:
        """d / r act on the highlighted snapshot while the snapshot list has focus."""
        if self.focused is not self.snapshot_list:
            return
        if event.key == "d":
            event.stop()
            self.action_diff_snapshot()
        elif event.key == "r":
            event.stop()
            self.action_restore_snapshot()

    @work(exclusive=True, group="enhancing-snapshot", exit_on_error=False)
    async def action_diff_snapshot(self) -> None:
        """The current text against the highlighted snapshot."""
        revision, path, info = self._revision(), self.path, self._selected_snapshot()
        if revision is None or path is None or info is None:
            return
        diff = await revision.diff_snapshot(path, info.id)
        restore = await self.app.push_screen_wait(
            SnapshotDiffView(title_of(path), snapshot_row(info), diff)
        )
        if restore:
            await self._restore(info)

    @work(exclusive=True, group="enhancing-snapshot", exit_on_error=False)
    async def action_restore_snapshot(self) -> None:
        """Put the highlighted snapshot's text back (undoable)."""
        info = self._selected_snapshot()
        if info is not None:
            await self._restore(info)

    async def _restore(self, info: SnapshotLike) -> None:
        revision, path = self._revision(), self.path
        if revision is None or path is None:
            return
        text = await revision.restore_snapshot(path, info.id)
        self.file_editor.replace_text(text)
        await self._list_snapshots()
        self.notify(
            f"Restored the snapshot of {snapshot_row(info)}. ctrl+z in the editor undoes it; "
            "the text it replaced is kept as a snapshot too.",
            timeout=8,
        )

    def action_focus_flags(self) -> None:
        self.flag_list.focus()

    def action_focus_snapshots(self) -> None:
        self.snapshot_list.focus()
