"""The Workspace's tools for the next screens, on real projects with the real watcher.

Binder operations, snapshots, search and replace, the story bible, costs, history and
settings: each through the async Workspace API on a temp project, with watchdog running,
checking the files on disk, the open buffers and the events the UI would receive.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path

import pytest

from writers_tui.paths import ProjectPaths
from writers_tui.storage.session import SessionManager
from writers_tui.workspace import (
    BinderChanged,
    BudgetWarning,
    CostRecorded,
    ExpenseError,
    FileChanged,
    ReadOnlyError,
    SettingsChanged,
    SettingsError,
    StaleMatchError,
    WordsChanged,
    Workspace,
    WorkspaceEvent,
)

CHAPTER = "manuscript/1 Chapter One"
OPENING = f"{CHAPTER}/1.1 Opening.md"
SECOND = f"{CHAPTER}/1.2 Second Scene.md"
MODEL = "anthropic/claude-sonnet-4-5"
#: Longer than the watcher's debounce and max delay: its echo of our renames has arrived.
WATCHER_SETTLE = 1.0


class Recorder:
    def __init__(self) -> None:
        self.events: list[WorkspaceEvent] = []

    def __call__(self, event: WorkspaceEvent) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [event for event in self.events if isinstance(event, kind)]

    def clear(self) -> None:
        self.events.clear()


async def until(predicate: Callable[[], bool], timeout: float = 6.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def ws(project: Path) -> AsyncIterator[Workspace]:
    workspace = await Workspace.open(project, buffer_idle=0.1, buffer_max_delay=0.3)
    assert workspace._watcher is not None  # the real watcher runs in every test here
    yield workspace
    await workspace.close()


@pytest.fixture
def events(ws: Workspace) -> Recorder:
    recorder = Recorder()
    ws.subscribe(recorder)
    return recorder


def _tree(root: Path) -> dict[str, bytes]:
    """Every file the writer owns and the app's state, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "lock" not in path.name
    }


# -- the binder ----------------------------------------------------------------------------


async def test_binder_ops_keep_buffers_on_their_files_without_echoes(
    ws: Workspace, events: Recorder, project: Path
) -> None:
    opened = await ws.open_file(SECOND)
    ws.note_edit(SECOND, lambda: opened.text + "\nTyped before the rename.\n")

    change = await ws.create_scene("Interlude", after=OPENING)  # 1.2 must move to 1.3
    moved_second = f"{CHAPTER}/1.3 Second Scene.md"
    assert change.created == (f"{CHAPTER}/1.2 Interlude.md",)
    assert change.new_path(SECOND) == moved_second
    assert "Typed before the rename." in (project / moved_second).read_text()
    assert ws.active_file == moved_second
    assert ws.text_of(moved_second).endswith("Typed before the rename.\n")
    assert [e.change for e in events.of(BinderChanged)] == [change]
    assert events.of(WordsChanged)

    ws.note_edit(moved_second, lambda: "# Second Scene\n\nNow saved at the new path.\n")
    await ws.save_now()
    assert (project / moved_second).read_text().endswith("Now saved at the new path.\n")
    assert not (project / SECOND).exists()

    renamed = await ws.rename_entry(CHAPTER, "The Beginning")
    new_chapter = "manuscript/1 The Beginning"
    scene = renamed.new_path(moved_second)
    assert scene == f"{new_chapter}/1.3 Second Scene.md"
    assert ws.active_file == scene and ws.text_of(scene).endswith("new path.\n")

    down = await ws.move_entry(f"{new_chapter}/1.2 Interlude.md", "down")
    assert down.new_path(scene) == f"{new_chapter}/1.2 Second Scene.md"
    scene = f"{new_chapter}/1.2 Second Scene.md"
    assert ws.active_file == scene

    chapter_two = await ws.create_chapter("Two")
    (folder,) = chapter_two.created
    into = await ws.move_entry_into(scene, folder)
    scene = f"{folder}/2.1 Second Scene.md"
    assert into.new_path(f"{new_chapter}/1.2 Second Scene.md") == scene
    assert ws.text_of(scene).endswith("new path.\n")
    assert [entry.path for entry in ws.session_data.open_files] == [scene]

    await asyncio.sleep(WATCHER_SETTLE)
    assert len(events.of(BinderChanged)) == 5  # one per operation
    assert events.of(FileChanged) == []  # the watcher's view of our renames is no news
    assert ws.save_state.status.value in ("saved", "dirty")
    binder = [entry.path for entry in await ws.binder()]
    assert scene in binder and f"{new_chapter}/1.3 Interlude.md" in binder


async def test_delete_and_undo_round_trip_through_the_trash(
    ws: Workspace, events: Recorder, project: Path
) -> None:
    before = (project / SECOND).read_bytes()
    await ws.open_file(SECOND)
    ws.note_edit(SECOND, lambda: "# Second Scene\n\nLast words before the delete.\n")
    ws.note_words(SECOND, 5)
    words_before = ws.words().manuscript_words

    deleted = await ws.delete_entry(SECOND)
    assert deleted.deleted == (SECOND,) and deleted.trash_id is not None
    assert not (project / SECOND).exists()
    assert ws.active_file != SECOND
    with pytest.raises(KeyError):
        ws.text_of(SECOND)  # the buffer was saved, then closed
    (entry,) = await ws.trash()
    assert entry.path == SECOND and entry.id == deleted.trash_id
    assert ws.words().manuscript_words < words_before

    restored = await ws.undo_delete()
    assert restored.created == (SECOND,)
    text = (project / SECOND).read_text()
    assert text.endswith("Last words before the delete.\n") and text.encode() != before
    assert await ws.trash() == []
    assert ws.words().manuscript_words == words_before  # counted from the restored file

    await asyncio.sleep(WATCHER_SETTLE)
    assert len(events.of(BinderChanged)) == 2
    assert events.of(FileChanged) == []
    with pytest.raises(ValueError, match="empty"):
        await ws.undo_delete()


async def test_an_outside_edit_right_after_a_rename_is_still_reported(
    ws: Workspace, events: Recorder, project: Path
) -> None:
    await ws.open_file(SECOND)
    change = await ws.rename_entry(SECOND, "Renamed")
    new = change.new_path(SECOND)
    assert new is not None
    (project / new).write_text("# Renamed\n\nA co-author wrote this.\n")
    await until(lambda: any(e.reloaded for e in events.of(FileChanged)))
    (changed,) = events.of(FileChanged)
    assert changed.path == new and changed.kind == "modified" and not changed.conflict
    assert ws.text_of(new).endswith("A co-author wrote this.\n")


async def test_binder_refuses_paths_outside_the_project(ws: Workspace) -> None:
    for call in (
        ws.rename_entry("../outside.md", "x"),
        ws.delete_entry("/etc/passwd"),
        ws.move_entry_into(OPENING, "manuscript/../.."),
    ):
        with pytest.raises(ValueError):
            await call


# -- snapshots -----------------------------------------------------------------------------


async def test_snapshot_diff_and_restore_go_through_the_buffer(
    ws: Workspace, events: Recorder, project: Path
) -> None:
    original = (await ws.open_file(OPENING)).text
    first = await ws.take_snapshot(OPENING, label="before revising")
    ws.note_edit(OPENING, lambda: original + "\nA revision, not saved yet.\n")

    diff = await ws.diff_snapshot(OPENING, first.id)
    assert diff.added >= 1 and "+A revision, not saved yet." in diff.unified

    restored = await ws.restore_snapshot(OPENING, first.id)
    assert restored == original == ws.text_of(OPENING)
    labels = [info.label for info in await ws.snapshots(OPENING)]
    assert labels == ["before restore", "before revising"]
    assert any(e.reloaded and e.path == OPENING for e in events.of(FileChanged))
    await until(lambda: (project / OPENING).read_text() == original)
    assert (await ws.diff_snapshot(OPENING, first.id)).identical


# -- search and replace --------------------------------------------------------------------


async def test_replace_across_three_files_then_undo_restores_the_bytes(
    ws: Workspace, events: Recorder, project: Path
) -> None:
    files = [OPENING, SECOND, "reference/world.md"]
    for index, path in enumerate(files):
        (project / path).write_bytes(f"Darcy {index}.\r\nMr. darcy's hat; Darcys.\n".encode())
    before = {path: (project / path).read_bytes() for path in files}
    await asyncio.sleep(WATCHER_SETTLE)  # the watcher has seen these outside writes
    await ws.open_file(OPENING)
    events.clear()

    matches = await ws.search("darcy", whole_word=True)
    assert {m.path for m in matches} == set(files) and len(matches) == 6
    plan = await ws.plan_replace(matches, "Fitzwilliam", preserve_case=True)
    applied = await ws.apply_replace(plan)
    assert set(applied.snapshot_ids) == set(files)
    for index, path in enumerate(files):
        expected = f"Fitzwilliam {index}.\r\nMr. fitzwilliam's hat; Darcys.\n"
        assert (project / path).read_bytes() == expected.encode()
    assert ws.text_of(OPENING).startswith("Fitzwilliam 0.")
    assert [e.path for e in events.of(FileChanged)] == [OPENING]  # the one open file
    with pytest.raises(StaleMatchError):
        await ws.apply_replace(plan)  # the texts it was planned on are gone

    assert await ws.undo_replace() == []
    assert {path: (project / path).read_bytes() for path in files} == before
    assert ws.text_of(OPENING) == before[OPENING].decode()
    await asyncio.sleep(WATCHER_SETTLE)
    assert not any(e.conflict for e in events.of(FileChanged))
    with pytest.raises(ValueError):
        await ws.undo_replace()


async def test_undo_replace_leaves_files_edited_since(ws: Workspace, project: Path) -> None:
    matches = await ws.search("Opening", case_sensitive=True)
    applied = await ws.apply_replace(await ws.plan_replace(matches, "Overture"))
    assert OPENING in applied.snapshot_ids
    await ws.open_file(OPENING)
    ws.note_edit(OPENING, lambda: "# Overture\n\nRewritten since.\n")
    assert await ws.undo_replace() == [OPENING]
    assert ws.text_of(OPENING).endswith("Rewritten since.\n")


# -- the story bible -----------------------------------------------------------------------


async def test_bible_entries_and_issues(ws: Workspace, events: Recorder, project: Path) -> None:
    character = await ws.create_entry("character", "Lydia")
    assert character.created == ("reference/characters/Lydia.md",)
    assert [e.kind for e in events.of(FileChanged)] == ["created"]
    assert events.of(BinderChanged) == []
    chapter = await ws.create_entry("chapter", "Two")
    assert len(chapter.created) == 2 and len(events.of(BinderChanged)) == 1
    issues = await ws.bible_issues()
    assert any(i.path == "reference/characters/Lydia.md" for i in issues)
    await ws.open_file("reference/characters/Lydia.md")
    ws.note_edit(
        "reference/characters/Lydia.md",
        lambda: "# Lydia\n\n- **Goal:** Brighton\n- **Flaw:** vanity\n- **Arc:** none\n",
    )
    issues = await ws.bible_issues()  # the open buffer wins over the disk
    assert not any(i.path == "reference/characters/Lydia.md" for i in issues)
    await asyncio.sleep(WATCHER_SETTLE)
    assert len(events.of(FileChanged)) == 1  # no echo of the created file


# -- costs ---------------------------------------------------------------------------------


async def test_add_expense_updates_totals_budget_and_warns_once(
    ws: Workspace, events: Recorder, project: Path
) -> None:
    record = await ws.add_expense(MODEL, 100_000, 20_000)
    assert record.cost > 0 and record.operation == "manual"
    (recorded,) = events.of(CostRecorded)
    assert recorded.cost == record.cost == recorded.session_total
    assert (await ws.cost_totals("session")).total == record.cost
    assert (await ws.cost_totals("day")).total == record.cost
    assert list(await ws.cost_breakdown("model", "all")) == [MODEL]
    assert await ws.budget_usage() == []

    await ws.update_setting("budget.daily_limit", str(record.cost * Decimal("1.2")))
    (usage,) = await ws.budget_usage()
    assert usage.period == "day" and usage.spent == record.cost
    assert events.of(BudgetWarning) == []
    await ws.add_expense(MODEL, 1, 1, operation="polish")
    await ws.add_expense(MODEL, 1, 1, operation="polish")
    (warning,) = events.of(BudgetWarning)
    assert "daily budget" in warning.message
    records = await ws.cost_records(limit=2)
    assert [r.operation for r in records] == ["polish", "polish"]
    assert [r.id for r in await ws.cost_records()][-1] == record.id
    await ws.refresh_costs()
    assert len(events.of(CostRecorded)) == 3  # the refresh found nothing new

    with pytest.raises(ExpenseError, match=r"^model: "):
        await ws.add_expense("mistrall/large", 1, 1)
    with pytest.raises(ExpenseError, match="operation"):
        await ws.add_expense(MODEL, 1, 1, operation="")
    assert len(await ws.cost_records()) == 3


async def test_export_costs_csv_is_the_cli_csv(ws: Workspace, project: Path) -> None:
    from click.testing import CliRunner

    from writers_tui.cli import main

    await ws.add_expense(MODEL, 1000, 10)
    path = await ws.export_costs_csv()
    assert path.parent == project / "output" and path.name.startswith("costs-")
    result = CliRunner().invoke(main, ["costs", str(project), "--csv"])
    assert result.exit_code == 0, result.output
    assert path.read_text() == result.stdout
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert [row["period"] for row in rows] == ["session", "day", "week", "month", "all"]


# -- history and settings ------------------------------------------------------------------


async def test_history_and_summary_include_the_live_session(ws: Workspace) -> None:
    await ws.open_file(OPENING)
    ws.note_words(OPENING, ws.words(OPENING).file_words + 250)
    summary = await ws.history_summary()
    assert summary.sessions == 1 and summary.total_words == 250
    assert summary.current_streak == 1 and summary.days[-1].words == 250
    assert await ws.history() == []


async def test_update_setting_applies_persists_and_refuses(
    ws: Workspace, events: Recorder, project: Path
) -> None:
    settings = await ws.update_setting("autosave_interval", 5)
    assert settings.autosave_interval == 5 == ws.settings.autosave_interval
    assert ws._session_saver is not None and ws._session_saver._interval == 5
    (changed,) = events.of(SettingsChanged)
    assert changed.settings.autosave_interval == 5
    saved = json.loads(ProjectPaths(project).preferences.read_text())
    assert saved["autosave_interval"] == 5
    await ws.update_setting("goals.daily_words", 1234)
    assert events.of(WordsChanged)[-1].daily_goal == 1234

    with pytest.raises(SettingsError) as bad:
        await ws.update_setting("autosave_interval", "soon")
    assert "autosave_interval" in str(bad.value) and "\n" not in str(bad.value)
    with pytest.raises(SettingsError, match="user config"):
        await ws.update_setting("editor.allow_outside_symlinks", True)
    assert json.loads(ProjectPaths(project).preferences.read_text()) == {
        **saved,
        "goals": {"daily_words": 1234},
    }
    await ws.save_now()  # the replaced session saver still saves


def test_a_new_session_carries_over_recent_queries(project: Path) -> None:
    first = SessionManager(project)
    assert first.open() is None and first.session is not None
    first.session.add_recent_query("Who is Darcy?")
    first.close()
    second = SessionManager(project)
    assert second.open() is None and second.session is not None
    assert [q.query for q in second.session.data.recent_queries] == ["Who is Darcy?"]
    second.close()


# -- read-only -----------------------------------------------------------------------------


async def test_read_only_refuses_every_write_and_writes_nothing(project: Path) -> None:
    writer = await Workspace.open(project)
    await writer.take_snapshot(OPENING)
    reader = await Workspace.open(project, read_only=True)
    try:
        before = _tree(project)
        writes = [
            reader.create_scene("x"),
            reader.create_chapter("x"),
            reader.rename_entry(OPENING, "x"),
            reader.move_entry(SECOND, "up"),
            reader.move_entry_into(OPENING, "manuscript"),
            reader.delete_entry(OPENING),
            reader.undo_delete("20250101T000000000000Z"),
            reader.take_snapshot(OPENING),
            reader.restore_snapshot(OPENING, "20250101T000000000000Z"),
            reader.create_entry("place", "x"),
            reader.add_expense(MODEL, 1, 1),
            reader.export_costs_csv(),
            reader.update_setting("autosave_interval", 5),
            reader.undo_replace(),
        ]
        for write in writes:
            with pytest.raises(ReadOnlyError):
                await write
        matches = await reader.search("Opening")
        with pytest.raises(ReadOnlyError):
            await reader.apply_replace(await reader.plan_replace(matches, "x"))
        # Reading works.
        assert matches and await reader.snapshots(OPENING)
        assert (await reader.cost_totals("all")).total == 0
        assert (await reader.history_summary()).sessions == 0
        assert await reader.trash() == [] and await reader.bible_issues()
        assert _tree(project) == before
    finally:
        await reader.close()
        await writer.close()
