"""Binder operations on real project folders: order, durability of names, undo, hostility."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from writers_tui.atomic import UnsafePath
from writers_tui.paths import ProjectPaths
from writers_tui.project import make_demo, manuscript_files
from writers_tui.storage import manuscript_ops as ops

CHAPTER = "manuscript/1 Chapter One"


def binder(root: Path) -> list[str]:
    """The manuscript's files in binder order, project-relative."""
    return [path.relative_to(root).as_posix() for path in manuscript_files(root)]


def tree_digest(folder: Path) -> str:
    """One hash over every name, mode and byte under ``folder`` (links not followed)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames + dirnames):
            path = Path(dirpath, name)
            info = path.lstat()
            digest.update(f"{path.relative_to(folder)}\0{info.st_mode}\0".encode())
            if path.is_file() and not path.is_symlink():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def test_create_after_takes_the_next_number(project: Path) -> None:
    change = ops.create_scene(project, "The Letter", after=f"{CHAPTER}/1.2 Second Scene.md")
    assert change.created == (f"{CHAPTER}/1.3 The Letter.md",)
    assert change.moved == ()
    assert binder(project)[-1] == f"{CHAPTER}/1.3 The Letter.md"
    assert (project / change.created[0]).read_text(encoding="utf-8") == "# The Letter\n\n"


def test_create_between_shifts_only_the_run_that_is_in_the_way(project: Path) -> None:
    (project / CHAPTER / "1.5 Later.md").write_text("# Later\n", encoding="utf-8")
    change = ops.create_scene(project, "Inserted", after=f"{CHAPTER}/1.1 Opening.md")
    assert change.created == (f"{CHAPTER}/1.2 Inserted.md",)
    assert change.moved == (
        ops.Moved(f"{CHAPTER}/1.2 Second Scene.md", f"{CHAPTER}/1.3 Second Scene.md"),
    )
    assert binder(project) == [
        f"{CHAPTER}/1.1 Opening.md",
        f"{CHAPTER}/1.2 Inserted.md",
        f"{CHAPTER}/1.3 Second Scene.md",
        f"{CHAPTER}/1.5 Later.md",
    ]


def test_create_at_end_of_folder_continues_the_series(project: Path) -> None:
    change = ops.create_scene(project, "Third", folder=CHAPTER, text="Body\n")
    assert change.created == (f"{CHAPTER}/1.3 Third.md",)
    assert (project / change.created[0]).read_text(encoding="utf-8") == "Body\n"
    chapter = ops.create_chapter(project, "Chapter Two", scene_text="# Chapter Two\n")
    assert chapter.created == (
        "manuscript/2 Chapter Two",
        "manuscript/2 Chapter Two/2.1 Chapter Two.md",
    )
    assert binder(project)[-1] == "manuscript/2 Chapter Two/2.1 Chapter Two.md"


def test_move_down_and_up_swap_numbers_and_order(project: Path) -> None:
    ops.create_scene(project, "Third", folder=CHAPTER)
    before = binder(project)
    change = ops.move_down(project, f"{CHAPTER}/1.1 Opening.md")
    assert binder(project) == [
        f"{CHAPTER}/1.1 Second Scene.md",
        f"{CHAPTER}/1.2 Opening.md",
        f"{CHAPTER}/1.3 Third.md",
    ]
    assert change.new_path(f"{CHAPTER}/1.1 Opening.md") == f"{CHAPTER}/1.2 Opening.md"
    assert change.new_path(f"{CHAPTER}/1.2 Second Scene.md") == f"{CHAPTER}/1.1 Second Scene.md"
    ops.move_up(project, f"{CHAPTER}/1.2 Opening.md")
    assert binder(project) == before
    with pytest.raises(ValueError, match="already first"):
        ops.move_up(project, f"{CHAPTER}/1.1 Opening.md")
    with pytest.raises(ValueError, match="already last"):
        ops.move_down(project, f"{CHAPTER}/1.3 Third.md")


def test_moving_a_chapter_renumbers_its_scenes(project: Path) -> None:
    ops.create_chapter(project, "Two", scene_text="# Two\n")
    change = ops.move_up(project, "manuscript/2 Two")
    assert binder(project) == [
        "manuscript/1 Two/1.1 Two.md",
        "manuscript/2 Chapter One/2.1 Opening.md",
        "manuscript/2 Chapter One/2.2 Second Scene.md",
    ]
    # Every path under a moved folder is reported, so open buffers can follow.
    assert change.new_path(f"{CHAPTER}/1.2 Second Scene.md") == (
        "manuscript/2 Chapter One/2.2 Second Scene.md"
    )
    assert change.new_path("manuscript/2 Two/2.1 Two.md") == "manuscript/1 Two/1.1 Two.md"


def test_move_into_another_chapter_goes_to_its_end(project: Path) -> None:
    ops.create_chapter(project, "Two", scene_text="# Two\n")
    text = (project / CHAPTER / "1.1 Opening.md").read_bytes()
    change = ops.move_into(project, f"{CHAPTER}/1.1 Opening.md", "manuscript/2 Two")
    assert change.moved == (
        ops.Moved(f"{CHAPTER}/1.1 Opening.md", "manuscript/2 Two/2.2 Opening.md"),
    )
    assert binder(project)[-1] == "manuscript/2 Two/2.2 Opening.md"
    assert (project / "manuscript/2 Two/2.2 Opening.md").read_bytes() == text
    with pytest.raises(ValueError, match="into itself"):
        ops.move_into(project, "manuscript/2 Two", "manuscript/2 Two/sub")


def test_rename_keeps_number_and_text(project: Path) -> None:
    text = (project / CHAPTER / "1.2 Second Scene.md").read_bytes()
    change = ops.rename(project, f"{CHAPTER}/1.2 Second Scene.md", "  The Letter ")
    assert change.moved == (
        ops.Moved(f"{CHAPTER}/1.2 Second Scene.md", f"{CHAPTER}/1.2 The Letter.md"),
    )
    assert (project / CHAPTER / "1.2 The Letter.md").read_bytes() == text
    folder = ops.rename(project, CHAPTER, "Arrival")
    assert (
        folder.new_path(f"{CHAPTER}/1.2 The Letter.md") == "manuscript/1 Arrival/1.2 The Letter.md"
    )


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a/b", "'/'"),
        ("..", "starts with '.'"),
        ("x\ny", "control"),
    ],
)
def test_bad_titles_are_refused_and_nothing_changes(
    project: Path, title: str, message: str
) -> None:
    before = tree_digest(project)
    with pytest.raises(ValueError, match=message):
        ops.rename(project, f"{CHAPTER}/1.1 Opening.md", title)
    with pytest.raises(ValueError, match=message):
        ops.create_scene(project, title, folder=CHAPTER)
    assert tree_digest(project) == before


def test_a_name_that_exists_is_refused(project: Path) -> None:
    assert ops.rename(project, f"{CHAPTER}/1.1 Opening.md", "Opening") == ops.BinderChange()
    with pytest.raises(ValueError, match="already exists"):
        ops.create_file(project, "reference/characters", "protagonist", "x")
    (project / CHAPTER / "1.1 Taken.md").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="already exists"):
        ops.rename(project, f"{CHAPTER}/1.1 Opening.md", "Taken")
    assert (project / CHAPTER / "1.1 Taken.md").read_text(encoding="utf-8") == "mine"
    assert (project / CHAPTER / "1.1 Opening.md").exists()


def test_delete_and_undo_restore_bytes_and_mode_exactly(project: Path) -> None:
    scene = project / CHAPTER / "1.1 Opening.md"
    scene.write_bytes(b"caf\xc3\xa9\r\nno newline at end")
    scene.chmod(0o640)
    before = tree_digest(project / "manuscript")
    when = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    change = ops.delete(project, f"{CHAPTER}/1.1 Opening.md", now=when)
    assert change.deleted == (f"{CHAPTER}/1.1 Opening.md",)
    assert not scene.exists()
    trashed = ProjectPaths(project).trash / str(change.trash_id)
    assert (
        trashed / CHAPTER / "1.1 Opening.md"
    ).read_bytes() == b"caf\xc3\xa9\r\nno newline at end"
    [entry] = ops.trash_entries(project)
    assert (entry.id, entry.path, entry.deleted_at, entry.is_folder) == (
        change.trash_id,
        f"{CHAPTER}/1.1 Opening.md",
        when,
        False,
    )
    restored = ops.undo_delete(project, entry.id)
    assert restored.created == (f"{CHAPTER}/1.1 Opening.md",)
    assert tree_digest(project / "manuscript") == before
    assert ops.trash_entries(project) == []
    assert not trashed.exists()
    with pytest.raises(ValueError, match="nothing to restore"):
        ops.undo_delete(project, entry.id)


def test_deleted_chapter_comes_back_whole(project: Path) -> None:
    before = tree_digest(project / "manuscript")
    change = ops.delete(project, CHAPTER)
    assert change.deleted == (
        CHAPTER,
        f"{CHAPTER}/1.1 Opening.md",
        f"{CHAPTER}/1.2 Second Scene.md",
    )
    assert binder(project) == []
    ops.undo_delete(project, str(change.trash_id))
    assert tree_digest(project / "manuscript") == before


def test_undo_refuses_when_the_old_path_is_taken_again(project: Path) -> None:
    change = ops.delete(project, f"{CHAPTER}/1.1 Opening.md")
    (project / CHAPTER / "1.1 Opening.md").write_text("a new one", encoding="utf-8")
    with pytest.raises(ValueError, match="exists again"):
        ops.undo_delete(project, str(change.trash_id))
    assert (project / CHAPTER / "1.1 Opening.md").read_text(encoding="utf-8") == "a new one"
    assert len(ops.trash_entries(project)) == 1


def test_undo_remakes_a_missing_chapter_folder(project: Path) -> None:
    scene = ops.delete(project, f"{CHAPTER}/1.1 Opening.md")
    ops.delete(project, CHAPTER)
    ops.undo_delete(project, str(scene.trash_id))
    assert binder(project) == [f"{CHAPTER}/1.1 Opening.md"]


def test_demo_top_level_scenes_reorder(tmp_path: Path) -> None:
    demo = make_demo(tmp_path / "demo")
    change = ops.create_scene(demo, "Interlude", after="manuscript/3 Chapter 3.md")
    assert change.created == ("manuscript/4 Interlude.md",)
    order = binder(demo)
    assert order[3:6] == [
        "manuscript/4 Interlude.md",
        "manuscript/5 Chapter 4.md",
        "manuscript/6 Chapter 5.md",
    ]
    assert order[-1] == "manuscript/9 Chapter 8.md"
    assert len(change.moved) == 5


# -- hostile input ------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the project that nothing may change."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "1.1 Secret.md").write_text("not yours", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "path",
    [
        "../outside/1.1 Secret.md",
        "manuscript/../../outside/1.1 Secret.md",
        "/etc/passwd",
        "",
        ".session/lock",
    ],
)
def test_paths_leaving_the_project_are_refused(project: Path, outside: Path, path: str) -> None:
    before = tree_digest(outside), tree_digest(project)
    calls: list[Callable[[], object]] = [
        lambda: ops.rename(project, path, "x"),
        lambda: ops.delete(project, path),
        lambda: ops.move_up(project, path),
        lambda: ops.move_into(project, f"{CHAPTER}/1.1 Opening.md", path),
        lambda: ops.create_scene(project, "x", folder=path),
        lambda: ops.create_scene(project, "x", after=path),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()
    assert (tree_digest(outside), tree_digest(project)) == before


def test_a_linked_chapter_folder_is_never_followed(project: Path, outside: Path) -> None:
    (project / "manuscript/2 Linked").symlink_to(outside, target_is_directory=True)
    before = tree_digest(outside)
    linked = "manuscript/2 Linked"
    calls: list[Callable[[], object]] = [
        lambda: ops.create_scene(project, "Planted", folder=linked),
        lambda: ops.create_scene(project, "Planted", after=f"{linked}/1.1 Secret.md"),
        lambda: ops.rename(project, f"{linked}/1.1 Secret.md", "Renamed"),
        lambda: ops.delete(project, f"{linked}/1.1 Secret.md"),
        lambda: ops.delete(project, linked),
        lambda: ops.move_into(project, f"{CHAPTER}/1.1 Opening.md", linked),
        lambda: ops.move_into(project, f"{linked}/1.1 Secret.md", CHAPTER),
    ]
    for call in calls:
        with pytest.raises(UnsafePath):
            call()
    # A link is not a binder entry to swap with: the chapter is still the last one.
    with pytest.raises(ValueError, match="already last"):
        ops.move_down(project, CHAPTER)
    assert tree_digest(outside) == before
    assert (project / CHAPTER / "1.1 Opening.md").exists()


def test_a_hostile_trash_manifest_cannot_restore_outside(project: Path, outside: Path) -> None:
    change = ops.delete(project, f"{CHAPTER}/1.1 Opening.md")
    manifest = ProjectPaths(project).trash / str(change.trash_id) / "manifest.json"
    manifest.write_text(manifest.read_text().replace(CHAPTER, "manuscript/../../outside"))
    before = tree_digest(outside)
    assert ops.trash_entries(project) == []
    with pytest.raises(ValueError, match="nothing to restore"):
        ops.undo_delete(project, str(change.trash_id))
    with pytest.raises(ValueError, match="not a trash entry"):
        ops.undo_delete(project, "../../outside")
    assert tree_digest(outside) == before


def test_a_linked_trash_folder_is_refused(project: Path, outside: Path) -> None:
    ProjectPaths(project).session_dir.mkdir(exist_ok=True)
    ProjectPaths(project).trash.symlink_to(outside, target_is_directory=True)
    before = tree_digest(outside)
    with pytest.raises(UnsafePath):
        ops.delete(project, f"{CHAPTER}/1.1 Opening.md")
    assert tree_digest(outside) == before
    assert (project / CHAPTER / "1.1 Opening.md").exists()


@settings(max_examples=25, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["up", "down", "insert"])), max_size=8
    )
)
def test_random_moves_and_inserts_keep_the_binder_in_the_intended_order(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, str]]
) -> None:
    """A model list of titles and the real folder agree after any sequence of operations."""
    root = tmp_path_factory.mktemp("binder")
    chapter = root / "manuscript" / "1 One"
    chapter.mkdir(parents=True)
    model = [f"S{n}" for n in range(1, 5)]
    for n, title in enumerate(model, start=1):
        (chapter / f"1.{n} {title}.md").write_text(title, encoding="utf-8")
    made = 0
    for index, action in steps:
        index %= len(model)
        current = binder(root)
        path = current[index]
        if action == "up" and index > 0:
            ops.move_up(root, path)
            model[index - 1], model[index] = model[index], model[index - 1]
        elif action == "down" and index < len(model) - 1:
            ops.move_down(root, path)
            model[index + 1], model[index] = model[index], model[index + 1]
        elif action == "insert":
            made += 1
            ops.create_scene(root, f"N{made}", after=path)
            model.insert(index + 1, f"N{made}")
    titles = [ops.split_name(Path(p).name, is_folder=False)[1] for p in binder(root)]
    assert titles == model
    # each file still holds its own text
    for path in binder(root):
        title = ops.split_name(Path(path).name, is_folder=False)[1]
        expected = title if title.startswith("S") else f"# {title}\n\n"
        assert (root / path).read_text(encoding="utf-8") == expected
