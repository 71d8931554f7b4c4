"""Story-bible characters, their mentions, and pacing across files."""

from __future__ import annotations

import pytest

from writers_tui.analysis.characters import (
    Character,
    count_mentions,
    parse_character_file,
    parse_front_matter,
)
from writers_tui.analysis.manuscript import AnalysisConfig, Analyzer, Gap, Place, SourceFile
from writers_tui.analysis.models import FileAnalysis, SceneStats
from writers_tui.analysis.pacing import pacing_of
from writers_tui.analysis.text import parse_document


def test_front_matter_subset() -> None:
    text = (
        "---\nname: Anna Kell\naliases: [Annie, 'Miss Kell']\nage: 30\ntags:\n  - a\n  - b\n---\n"
    )
    assert parse_front_matter(text) == {
        "name": "Anna Kell",
        "aliases": ["Annie", "Miss Kell"],
        "age": "30",
        "tags": ["a", "b"],
    }
    assert parse_front_matter("no front matter") == {}


def test_character_name_from_front_matter_heading_or_file_name() -> None:
    assert parse_character_file(
        "anna.md", "---\nname: Anna Kell\naliases:\n  - Annie\n---\n# Ignored\n"
    ) == Character("Anna Kell", ("Annie",), "anna.md")
    assert parse_character_file("x.md", "# Mr. Darcy\n\nAliases: Darcy, Fitzwilliam\n") == (
        Character("Mr. Darcy", ("Darcy", "Fitzwilliam"), "x.md")
    )
    assert parse_character_file("jane-bennet.md", "Notes only.") == Character(
        "Jane Bennet", (), "jane-bennet.md"
    )


def test_mentions_are_whole_word_case_sensitive_longest_first() -> None:
    characters = (
        Character("Elizabeth Bennet", ("Elizabeth", "Lizzy")),
        Character("Mr. Bennet", ("Bennet",)),
    )
    text = (
        "# Elizabeth\n"  # headings do not count
        "Elizabeth Bennet smiled. Lizzy's father, Mr. Bennet, laughed.\n"
        "\n"
        "Bennet's hat. Lizzyish. elizabeth. Elizabeth left.\n"
    )
    hits, _ = count_mentions(parse_document(text), characters)
    assert {name: (h.count, h.first_line, h.last_line) for name, h in hits.items()} == {
        "Elizabeth Bennet": (3, 2, 4),
        "Mr. Bennet": (2, 2, 4),
    }


def test_manuscript_character_summary_with_gaps() -> None:
    config = AnalysisConfig(characters=(Character("Anna", ()), Character("Bo", ())))
    files = [
        SourceFile("m/1.md", "Anna came in.\n\nAnna sat."),
        SourceFile("m/2.md", "Nobody here."),
        SourceFile("m/3.md", "Nobody here either."),
        SourceFile("m/4.md", "Then\nAnna left."),
    ]
    anna, bo = Analyzer(config).analyze(files).characters
    assert anna.total == 3
    assert anna.by_file == {"m/1.md": 2, "m/2.md": 0, "m/3.md": 0, "m/4.md": 1}
    assert anna.first == Place("m/1.md", 1)
    assert anna.last == Place("m/4.md", 2)
    assert anna.gaps == [Gap("m/1.md", "m/4.md", 2)]
    assert (bo.total, bo.first, bo.gaps) == (0, None, [])


def _analysis(words: list[int], dialogue: int = 0) -> FileAnalysis:
    scenes = [SceneStats.of(i, 1 + i * 10, 9 + i * 10, w, 0) for i, w in enumerate(words)]
    return FileAnalysis(words=sum(words), dialogue_words=dialogue, scenes=scenes)


def test_pacing_chapters_and_tukey_outliers() -> None:
    files = [
        ("m/1/a.md", "1", _analysis([1000], dialogue=500)),
        ("m/1/b.md", "1", _analysis([1100, 900])),
        ("m/2/a.md", "2", _analysis([1050, 5000])),
        ("m/2/b.md", "2", _analysis([950, 40])),
    ]
    pacing = pacing_of(files)
    assert [(c.chapter, c.files, c.words) for c in pacing.chapters] == [
        ("1", 2, 3000),
        ("2", 2, 7040),
    ]
    assert pacing.chapters[0].dialogue_share == pytest.approx(500 / 3000)
    # quartiles of [40, 900, 950, 1000, 1050, 1100, 5000]: Q1 925, Q3 1075, IQR 150
    assert pacing.fences == (700.0, 1300.0)
    assert [(o.path, o.scene, o.line, o.words, o.kind) for o in pacing.outliers] == [
        ("m/2/a.md", 1, 11, 5000, "long"),
        ("m/2/b.md", 1, 11, 40, "short"),
    ]


def test_pacing_needs_four_scenes_for_outliers() -> None:
    pacing = pacing_of([("a.md", "a", _analysis([10, 1000, 5]))])
    assert pacing.fences is None
    assert pacing.outliers == []


def test_full_names_match_their_first_word_unless_a_title_or_shared() -> None:
    characters = (
        Character("Charlotte Lucas"),
        Character("Jane Bennet"),
        Character("Jane Fairfax"),
        Character("Mr. Darcy", ("Darcy",)),
    )
    text = "Charlotte met Jane Bennet. Jane smiled at Mr. Darcy; Mr. Collins left."
    hits, _ = count_mentions(parse_document(text), characters)
    assert {name: h.count for name, h in hits.items()} == {
        "Charlotte Lucas": 1,  # "Charlotte"
        "Jane Bennet": 1,  # the bare "Jane" could be either Jane: not counted
        "Mr. Darcy": 1,  # "Mr." alone never counts
    }
