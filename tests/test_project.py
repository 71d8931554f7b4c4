"""Project scaffolding, binder order, word counts and the demo, on real folders."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from writers_tui.analysis.characters import parse_character_file
from writers_tui.paths import ProjectPaths
from writers_tui.project import (
    DEMO_MARKER,
    ProjectError,
    make_demo,
    manuscript_files,
    natural_key,
    new_project,
    template_names,
    total_words,
    word_counts,
    word_counts_async,
)
from writers_tui.wordcount import count_words


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_binder_order_is_natural_and_nested(tmp_path: Path) -> None:
    manuscript = tmp_path / "manuscript"
    names = [
        "10 x.md",
        "2 x.md",
        "1.10 Title.md",
        "1.2.3 Title.md",
        "1.2 Title.md",
        "1 Part/2 Scene.md",
        "1 Part/10 Scene.md",
        "1 Part/1 Scene.md",
        "1 Part/notes.txt",
        ".hidden.md",
    ]
    for name in names:
        (manuscript / name).parent.mkdir(parents=True, exist_ok=True)
        (manuscript / name).write_text("x")
    assert [str(p.relative_to(manuscript)) for p in manuscript_files(tmp_path)] == [
        "1 Part/1 Scene.md",
        "1 Part/2 Scene.md",
        "1 Part/10 Scene.md",
        "1.2 Title.md",
        "1.2.3 Title.md",
        "1.10 Title.md",
        "2 x.md",
        "10 x.md",
    ]
    assert natural_key("Chapter 2") < natural_key("chapter 10")


@pytest.mark.parametrize("template", ["novel", "short-story"])
def test_new_project_has_the_whole_skeleton(tmp_path: Path, template: str) -> None:
    root = new_project(tmp_path / "my-book", template=template, title="The Explants")
    paths = ProjectPaths(root)
    assert paths.is_project()
    for folder in ("manuscript", "reference/characters", "reference/places", "output/reports"):
        assert (root / folder).is_dir(), folder
    for name in ("reference/world.md", "planning/outline.md", "planning/beats.md"):
        assert "The Explants" in (root / name).read_text() or name == "planning/beats.md"
    assert "{title}" not in "".join(p.read_text() for p in root.rglob("*.md"))
    assert ".session/" in paths.gitignore.read_text().splitlines()
    assert manuscript_files(root), "a first scene to start typing in"
    protagonist = root / "reference/characters/protagonist.md"
    assert parse_character_file(protagonist.name, protagonist.read_text()).name == "Protagonist"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_file()}
    assert modes == {0o644}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging left"


def test_templates_differ_where_they_should(tmp_path: Path) -> None:
    novel = new_project(tmp_path / "novel")
    story = new_project(tmp_path / "story", template="short-story")
    assert template_names() == ["novel", "short-story"]
    assert "1 Chapter One/1.1 Opening.md" in tree(novel / "manuscript")
    assert "Midpoint" in (novel / "planning/beats.md").read_text()
    assert "Midpoint" not in (story / "planning/beats.md").read_text()
    assert (novel / "planning/outline.md").read_text().startswith("# Outline — Novel")


def test_missing_parents_are_created_all_at_once(tmp_path: Path) -> None:
    root = new_project(tmp_path / "a" / "b" / "book")
    assert root == tmp_path / "a" / "b" / "book"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_refuses_a_non_empty_folder_that_is_not_a_project(tmp_path: Path) -> None:
    target = tmp_path / "taxes"
    target.mkdir()
    (target / "2023.pdf").write_text("receipts")
    with pytest.raises(ProjectError, match="not empty and is not a writers-tui project"):
        new_project(target)
    assert tree(target) == {"2023.pdf"}


def test_refuses_a_file_and_bad_template_and_bad_title(tmp_path: Path) -> None:
    (tmp_path / "file.md").write_text("x")
    with pytest.raises(ProjectError, match="not a folder"):
        new_project(tmp_path / "file.md")
    with pytest.raises(ProjectError, match="unknown template 'poem'"):
        new_project(tmp_path / "p", template="poem")
    with pytest.raises(ProjectError, match="single line"):
        new_project(tmp_path / "p", title="two\nlines")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.md"]


def test_empty_folder_is_filled_and_existing_project_only_completed(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    new_project(target, title="First")
    outline = target / "planning/outline.md"
    outline.write_text("# My own outline\n")
    (target / "reference/world.md").unlink()
    (target / ".gitignore").write_text("*.pdf")
    new_project(target, title="Second")
    assert outline.read_text() == "# My own outline\n", "never overwritten"
    assert "First" not in (target / "reference/world.md").read_text()
    assert (target / ".gitignore").read_text() == "*.pdf\n.session/\n"


def test_failure_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync
    calls = 0

    def failing_fsync(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 6:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(ProjectError, match="No space left on device"):
        new_project(tmp_path / "new")
    existing = tmp_path / "empty"
    existing.mkdir()
    calls = 0
    with pytest.raises(ProjectError, match="No space left on device"):
        new_project(existing)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    assert list(existing.iterdir()) == []


def test_word_counts_skip_front_matter_and_follow_binder_order(tmp_path: Path) -> None:
    root = new_project(tmp_path / "book")
    for scene in manuscript_files(root):
        scene.unlink()
    manuscript = root / "manuscript"
    (manuscript / "2 Two.md").write_text("---\npov: Anna\ntags: [a, b, c]\n---\nOne two three.\n")
    (manuscript / "10 Ten.md").write_text("# Heading\n\nDon't count the heading.\n")
    (manuscript / "1 One.md").write_bytes(b"caf\xe9 au lait\n")  # not UTF-8: still counted
    counts = word_counts(root)
    assert [(p.name, n) for p, n in counts] == [("1 One.md", 3), ("2 Two.md", 3), ("10 Ten.md", 4)]
    assert total_words(root) == 10


async def test_word_counts_async_matches(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    assert await word_counts_async(root) == word_counts(root)


def test_demo_has_chapters_and_a_story_bible_and_is_reused(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    chapters = manuscript_files(root)
    assert [p.name for p in chapters][:3] == ["1 Chapter 1.md", "2 Chapter 2.md", "3 Chapter 3.md"]
    assert 6 <= len(chapters) <= 10
    first = chapters[0].read_text()
    assert "It is a truth universally acknowledged" in first
    assert "Gutenberg" not in "".join(p.read_text() for p in chapters)
    assert total_words(root) == sum(count_words(p.read_text()) for p in chapters) > 10_000
    characters = {
        c.name: c
        for c in (
            parse_character_file(p.name, p.read_text())
            for p in (root / "reference/characters").glob("*.md")
        )
        if c is not None
    }
    assert {"Elizabeth Bennet", "Mr. Darcy", "Jane Bennet", "Mr. Bingley"} <= set(characters)
    assert "Lizzy" in characters["Elizabeth Bennet"].aliases
    assert "Miss Bennet" in characters["Jane Bennet"].aliases
    assert "Miss Bennet" not in characters["Elizabeth Bennet"].aliases
    places = {p.stem for p in (root / "reference/places").glob("*.md")}
    assert {"Longbourn", "Netherfield", "Meryton", "Pemberley"} <= places
    assert (root / "planning/outline.md").is_file() and (root / "planning/beats.md").is_file()
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert size < 200_000

    first_scene = chapters[0]
    first_scene.write_text("The writer's own experiment.\n")
    (root / "planning/outline.md").unlink()
    assert make_demo(root) == root
    assert first_scene.read_text() == "The writer's own experiment.\n", "never reset"
    assert not (root / "planning/outline.md").exists(), "reused as it is"


def test_demo_refuses_someone_elses_project_and_non_empty_folders(tmp_path: Path) -> None:
    novel = new_project(tmp_path / "novel")
    with pytest.raises(ProjectError, match="not the demo"):
        make_demo(novel)
    assert not (novel / DEMO_MARKER).exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("x")
    with pytest.raises(ProjectError):
        make_demo(other)
    assert tree(other) == {"x.txt"}
