"""Revision snapshots on a real project: round trips, diffs, bounds, hostile folders."""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from writers_tui.atomic import UnsafePath
from writers_tui.paths import ProjectPaths
from writers_tui.storage import snapshots as snap

SCENE = "manuscript/1 Chapter One/1.1 Opening.md"
T0 = datetime(2025, 5, 1, 9, 30, tzinfo=UTC)


def test_take_list_read_restore_round_trip(project: Path) -> None:
    first = "# Opening\n\nThe letter came on the third day of rain.\n"
    second = "# Opening\n\nThe letter came on the fourth day of rain.\nShe read it twice.\n"
    a = snap.take_snapshot(project, SCENE, first, label=" before cuts ", now=T0)
    b = snap.take_snapshot(project, SCENE, second, now=T0 + timedelta(minutes=5))
    listed = snap.list_snapshots(project, SCENE)
    assert [info.id for info in listed] == [b.id, a.id]  # newest first
    assert listed[1].label == "before cuts"
    assert listed[1].taken_at == T0
    assert listed[1].words == 9
    assert listed[0].label is None
    assert snap.read_snapshot(project, SCENE, a.id) == first
    assert snap.restore_snapshot(project, SCENE, b.id) == second
    # stored where the layout says, as plain text beside a JSON sidecar
    folder = ProjectPaths(project).snapshots / "manuscript%2F1 Chapter One%2F1.1 Opening.md"
    assert (folder / f"{a.id}.md").read_text(encoding="utf-8") == first
    assert (folder / f"{a.id}.json").is_file()


def test_same_instant_gives_distinct_snapshots(project: Path) -> None:
    a = snap.take_snapshot(project, SCENE, "one", now=T0)
    b = snap.take_snapshot(project, SCENE, "two", now=T0)
    assert a.id != b.id
    assert snap.read_snapshot(project, SCENE, a.id) == "one"
    assert snap.read_snapshot(project, SCENE, b.id) == "two"


def test_text_is_kept_exactly(project: Path) -> None:
    text = "caf\u00e9 \u2014 \u201cquoted\u201d\r\ncr line\rno final newline \U0001f600"
    info = snap.take_snapshot(project, SCENE, text)
    assert snap.read_snapshot(project, SCENE, info.id) == text
    assert info.sha256 == snap.text_sha256(text)


def test_diff_gives_hunks_with_line_numbers_and_unified_text(project: Path) -> None:
    old = "\n".join(f"line {n}" for n in range(1, 21)) + "\n"
    new = old.replace("line 3\n", "line three\n").replace("line 18\n", "")
    info = snap.take_snapshot(project, SCENE, old)
    diff = snap.diff_snapshot(project, SCENE, info.id, new)
    assert not diff.identical
    assert (diff.added, diff.removed) == (1, 2)
    first, second = diff.hunks
    assert (first.old_start, first.old_count, first.new_start, first.new_count) == (1, 6, 1, 6)
    changed = [(line.kind, line.text, line.old_line, line.new_line) for line in first.lines]
    assert ("removed", "line 3", 3, None) in changed
    assert ("added", "line three", None, 3) in changed
    assert ("context", "line 4", 4, 4) in changed
    assert next(line for line in second.lines if line.kind == "removed").old_line == 18
    # The unified form agrees with difflib, and its @@ lines with the hunks.
    expected = difflib.unified_diff(
        old.split("\n"), new.split("\n"), f"{SCENE} @ {info.id}", SCENE, lineterm=""
    )
    assert diff.unified == "\n".join(expected) + "\n"
    assert re.findall(r"^@@.*@@$", diff.unified, re.M) == [hunk.header for hunk in diff.hunks]
    assert snap.diff_texts(old, old).identical


def test_bounded_per_file_but_bulk_snapshots_are_protected(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snap, "MAX_SNAPSHOTS_PER_FILE", 3)
    bulk = snap.take_snapshot(project, SCENE, "before replace", bulk_id="bulk-1", now=T0)
    for minute in range(1, 6):
        snap.take_snapshot(project, SCENE, f"v{minute}", now=T0 + timedelta(minutes=minute))
    listed = snap.list_snapshots(project, SCENE)
    assert [snap.read_snapshot(project, SCENE, i.id) for i in listed] == [
        "v5",
        "v4",
        "v3",
        "before replace",
    ]
    assert listed[-1].protected and listed[-1].bulk_id == "bulk-1"
    assert snap.release_bulk(project, [SCENE], "bulk-1") == 1
    assert [
        snap.read_snapshot(project, SCENE, i.id) for i in snap.list_snapshots(project, SCENE)
    ] == [
        "v5",
        "v4",
        "v3",
    ]
    assert bulk.id not in {i.id for i in snap.list_snapshots(project, SCENE)}


def test_files_are_kept_apart(project: Path) -> None:
    other = "manuscript/1 Chapter One/1.2 Second Scene.md"
    a = snap.take_snapshot(project, SCENE, "a")
    snap.take_snapshot(project, other, "b")
    assert [i.id for i in snap.list_snapshots(project, SCENE)] == [a.id]
    with pytest.raises(ValueError, match="no snapshot"):
        snap.read_snapshot(project, other, a.id)


def test_long_paths_get_a_short_unique_folder(project: Path) -> None:
    long_a = "manuscript/" + "x" * 150 + "/" + "y" * 100 + "a.md"
    long_b = "manuscript/" + "x" * 150 + "/" + "y" * 100 + "b.md"
    a = snap.take_snapshot(project, long_a, "A")
    b = snap.take_snapshot(project, long_b, "B")
    assert snap.read_snapshot(project, long_a, a.id) == "A"
    assert snap.read_snapshot(project, long_b, b.id) == "B"
    for folder in ProjectPaths(project).snapshots.iterdir():
        assert len(folder.name) <= 180


@pytest.mark.parametrize("path", ["../outside.md", "/etc/passwd", "", "manuscript/../../x.md"])
def test_bad_paths_are_refused(project: Path, path: str) -> None:
    with pytest.raises(ValueError, match="not a path inside the project"):
        snap.take_snapshot(project, path, "x")
    assert not ProjectPaths(project).snapshots.exists()


def test_bad_ids_and_corrupt_sidecars(project: Path) -> None:
    info = snap.take_snapshot(project, SCENE, "text")
    with pytest.raises(ValueError, match="not a snapshot id"):
        snap.read_snapshot(project, SCENE, "../../../etc/passwd")
    folder = next(ProjectPaths(project).snapshots.iterdir())
    (folder / f"{info.id}.json").write_text("{not json", encoding="utf-8")
    assert snap.list_snapshots(project, SCENE) == []
    with pytest.raises(ValueError, match="no snapshot"):
        snap.read_snapshot(project, SCENE, info.id)


def test_a_linked_snapshots_folder_is_never_written_through(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    ProjectPaths(project).session_dir.mkdir(exist_ok=True)
    ProjectPaths(project).snapshots.symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        snap.take_snapshot(project, SCENE, "text")
    assert list(outside.iterdir()) == []
