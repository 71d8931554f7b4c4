"""Story-bible completeness on the shipped template and demo, and entries from templates."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from writers_tui.analysis.characters import parse_character_file, parse_front_matter
from writers_tui.atomic import UnsafePath
from writers_tui.bible import (
    ENTRY_KINDS,
    BibleIssue,
    beat_issues,
    character_issues,
    completeness,
    create_entry,
    entry_template,
    pov_issues,
    project_completeness,
)
from writers_tui.project import make_demo, manuscript_files


def kinds(issues: list[BibleIssue]) -> list[tuple[str, str]]:
    return [(issue.kind, issue.subject) for issue in issues]


def test_template_protagonist_has_empty_fields_at_their_lines(project: Path) -> None:
    path = "reference/characters/protagonist.md"
    text = (project / path).read_text(encoding="utf-8")
    issues = character_issues(path, text)
    lines = text.split("\n")
    assert kinds(issues) == [
        ("missing-goal", "Protagonist"),
        ("missing-flaw", "Protagonist"),
        ("missing-arc", "Protagonist"),
    ]
    # "- **Wants:**" is an empty goal; "- **Flaw:**" and "- **Arc:**" are empty too
    assert [lines[issue.line - 1] for issue in issues] == [
        "- **Wants:**",
        "- **Flaw:**",
        "- **Arc:**",
    ]


def test_demo_darcy_has_flaw_and_arc_but_no_goal(tmp_path: Path) -> None:
    demo = make_demo(tmp_path / "demo")
    path = "reference/characters/Mr. Darcy.md"
    issues = character_issues(path, (demo / path).read_text(encoding="utf-8"))
    assert kinds(issues) == [("missing-goal", "Mr. Darcy")]
    elizabeth = "reference/characters/Elizabeth Bennet.md"
    assert character_issues(elizabeth, (demo / elizabeth).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "text",
    [
        "---\nname: Anna\ngoal: escape\nflaw: pride\narc: learns\n---\n# Anna\n",
        "---\nname: Anna\nwants:\n  - escape\n---\n# Anna\n\n"
        "## Flaw\n\nPride.\n\n## Character Arc\nLearns.\n",
        "# Anna\n\nGoal: escape\n**Weakness**: pride\n* __Arc:__ learns\n",
    ],
)
def test_every_form_of_a_filled_field_counts(text: str) -> None:
    assert character_issues("reference/characters/anna.md", text) == []


def test_an_empty_heading_section_is_reported_at_the_heading() -> None:
    text = "# Anna\n\n## Goal\n\n## Flaw\nPride.\n"
    issues = character_issues("reference/characters/anna.md", text)
    assert [(issue.kind, issue.line) for issue in issues] == [
        ("missing-goal", 3),
        ("missing-arc", 1),
    ]


def test_demo_beats_without_scenes_follow_the_chapter_numbers(tmp_path: Path) -> None:
    demo = make_demo(tmp_path / "demo")
    scenes = {
        p.relative_to(demo).as_posix(): p.read_text(encoding="utf-8")
        for p in manuscript_files(demo)
    }
    text = (demo / "planning/beats.md").read_text(encoding="utf-8")
    missing = [issue.subject for issue in beat_issues("planning/beats.md", text, scenes)]
    # The demo has chapters 1-8: "Ch. 3 onward" and "Ch. 6-12" are covered, "Ch. 15-16" is not.
    assert "B story" not in missing and "Debate" not in missing and "Catalyst" not in missing
    assert missing[:3] == ["Break into two", "Fun and games", "Midpoint"]
    assert missing[-1] == "Final image"
    issue = beat_issues("planning/beats.md", text, scenes)[0]
    assert text.split("\n")[issue.line - 1].startswith("| Break into two |")


def test_beats_named_by_scene_front_matter_or_number() -> None:
    sheet = (
        "| Beat | Scenes | What |\n| --- | --- | --- |\n"
        "| Hook | 1.2 | |\n| Crisis | | |\n| Climax | 50 % | |\n"
    )
    scenes = {
        "manuscript/1 One/1.2 Rain.md": "# Rain\n",
        "manuscript/1 One/1.3 Storm.md": "---\nbeat: crisis\n---\n# Storm\n",
    }
    assert [issue.subject for issue in beat_issues("planning/b.md", sheet, scenes)] == ["Climax"]


def test_unknown_pov_is_reported_at_its_line() -> None:
    elizabeth = parse_character_file("e.md", "---\nname: Elizabeth Bennet\naliases: [Lizzy]\n---\n")
    darcy = parse_character_file("d.md", "---\nname: Mr. Darcy\n---\n")
    assert elizabeth is not None and darcy is not None
    scenes = {
        "manuscript/1.md": "---\npov: Elizabeth\n---\n",
        "manuscript/2.md": "---\nstatus: draft\npov: mr darcy\n---\n",
        "manuscript/3.md": "---\nstatus: draft\npov: Lizzy\n---\n",
        "manuscript/4.md": "---\ntitle: x\nPOV: Wickham\n---\n",
        "manuscript/5.md": "no front matter\n",
        "manuscript/6.md": "---\npov: Mr.\n---\n",
    }
    issues = pov_issues(scenes, [elizabeth, darcy])
    assert [(i.path, i.line, i.subject) for i in issues] == [
        ("manuscript/4.md", 3, "Wickham"),
        ("manuscript/6.md", 2, "Mr."),
    ]


def test_completeness_of_a_fresh_project_lists_what_the_template_leaves_open(project: Path) -> None:
    issues = project_completeness(project)
    assert {issue.kind for issue in issues} == {
        "missing-goal",
        "missing-flaw",
        "missing-arc",
        "beat-without-scenes",
    }
    beats = [issue.subject for issue in issues if issue.kind == "beat-without-scenes"]
    assert len(beats) == 15  # Save the Cat, with no scenes named yet
    assert completeness({}) == []


def test_open_buffers_win_over_the_disk(project: Path) -> None:
    path = "reference/characters/protagonist.md"
    filled = "---\nname: Hero\ngoal: a\nflaw: b\narc: c\n---\n"
    issues = project_completeness(project, {path: filled})
    assert not any(issue.path == path for issue in issues)


# -- entries --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ENTRY_KINDS)
def test_templates_load_and_fill_the_title(kind: str) -> None:
    text = entry_template(kind, "  Anne Elliot ")  # type: ignore[arg-type]
    assert "Anne Elliot" in text and "{title}" not in text


def test_create_character_place_beats_and_chapter(project: Path) -> None:
    character = create_entry(project, "character", "Anne Elliot")
    assert character.created == ("reference/characters/Anne Elliot.md",)
    text = (project / character.created[0]).read_text(encoding="utf-8")
    assert parse_front_matter(text)["name"] == "Anne Elliot"
    # a new character starts with the three fields to fill, and the checklist says so
    assert [i.kind for i in character_issues(character.created[0], text)] == [
        "missing-goal",
        "missing-flaw",
        "missing-arc",
    ]
    assert create_entry(project, "place", "Kellynch").created == ("reference/places/Kellynch.md",)
    beats = create_entry(project, "beats", "Subplot")
    sheet = (project / "planning/Subplot.md").read_text(encoding="utf-8")
    assert beats.created == ("planning/Subplot.md",)
    assert len(beat_issues("planning/Subplot.md", sheet, {})) == 5
    chapter = create_entry(project, "chapter", "Bath")
    assert chapter.created == ("manuscript/2 Bath", "manuscript/2 Bath/2.1 Bath.md")
    assert (
        parse_front_matter((project / chapter.created[1]).read_text(encoding="utf-8"))["status"]
        == "draft"
    )


def test_create_entry_refuses_bad_titles_taken_names_and_links(
    project: Path, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="empty"):
        create_entry(project, "character", " ")
    with pytest.raises(ValueError, match="'/'"):
        create_entry(project, "place", "../../escape")
    with pytest.raises(ValueError, match="already exists"):
        create_entry(project, "character", "protagonist")
    with pytest.raises(ValueError, match="unknown entry kind"):
        create_entry(project, "villain", "X")  # type: ignore[arg-type]
    outside = tmp_path / "outside"
    outside.mkdir()
    places = project / "reference/places"
    for child in places.iterdir():
        child.unlink()
    places.rmdir()
    places.symlink_to(outside, target_is_directory=True)
    digest = hashlib.sha256(repr(sorted(os.listdir(outside))).encode()).hexdigest()
    with pytest.raises(UnsafePath):
        create_entry(project, "place", "Bath")
    assert hashlib.sha256(repr(sorted(os.listdir(outside))).encode()).hexdigest() == digest
