"""Syllables from the shipped CMU dictionary (with fallback) and the three formulas."""

from __future__ import annotations

import pytest

from writers_tui.analysis.manuscript import analyze_text
from writers_tui.analysis.readability import is_complex, syllable_counts
from writers_tui.analysis.syllables import cmu_table, fallback_syllables, syllables


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("the", 1),
        ("cat", 1),
        ("beautiful", 3),
        ("readability", 5),
        ("syllable", 3),
        ("manuscript", 3),
        ("Elizabeth", 4),
        ("everything", 3),
        ("fire", 2),
        ("don't", 1),
        ("don’t", 1),  # curly apostrophe
        ("mother-in-law", 4),  # hyphenated: sum of the parts
        ("U.S.A.", 3),  # spelled out
        ("1813", 1),  # numerals count as one
    ],
)
def test_known_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_dictionary_ships_with_the_package() -> None:
    table = cmu_table()
    assert len(table) > 100_000
    assert table["readability"] == 5


@pytest.mark.parametrize(
    ("word", "count"),
    [("netherfield", 3), ("longbourn", 2), ("pemberley", 3), ("meryton", 3), ("zzz", 1)],
)
def test_fallback_for_unknown_words(word: str, count: int) -> None:
    assert word not in cmu_table()
    assert fallback_syllables(word) == count
    assert syllables(word) == count


def test_possessive_of_unknown_word() -> None:
    assert syllables("Netherfield’s") == syllables("netherfield") == 3


def test_complex_words_follow_gunning() -> None:
    assert is_complex("beautiful")
    assert is_complex("manuscript")
    assert not is_complex("mother-in-law")  # compound
    assert not is_complex("created")  # only -ed makes it three
    assert not is_complex("table")
    assert syllable_counts(["the", "beautiful", "beautiful", "cat"]) == (8, 2)


def test_formulas_on_one_syllable_text() -> None:
    # 9 words, 2 sentences, 9 syllables, no complex words
    r = analyze_text("The cat sat on the mat. It was fat.").readability
    assert (r.words, r.sentences, r.syllables, r.complex_words) == (9, 2, 9, 0)
    assert r.flesch_reading_ease == pytest.approx(206.835 - 1.015 * 4.5 - 84.6 * 1.0)
    assert r.flesch_reading_ease == pytest.approx(117.6675)
    assert r.flesch_kincaid_grade == pytest.approx(-2.035)
    assert r.gunning_fog == pytest.approx(1.8)


def test_formulas_on_polysyllabic_text() -> None:
    # Elizabeth(4) read(1) the(1) beautiful(3) manuscript(3): 5 words, 12 syllables,
    # 3 complex words, 1 sentence
    r = analyze_text("Elizabeth read the beautiful manuscript.").readability
    assert (r.words, r.sentences, r.syllables, r.complex_words) == (5, 1, 12, 3)
    assert r.flesch_reading_ease == pytest.approx(-1.28)
    assert r.flesch_kincaid_grade == pytest.approx(14.68)
    assert r.gunning_fog == pytest.approx(26.0)


def test_golden_scene_readability(sample: str) -> None:
    r = analyze_text(sample).readability
    assert (r.words, r.sentences, r.syllables, r.complex_words) == (35, 7, 47, 1)
    assert r.flesch_reading_ease == pytest.approx(206.835 - 1.015 * 5 - 84.6 * 47 / 35)
    assert r.gunning_fog == pytest.approx(0.4 * (5 + 100 / 35))


def test_empty_text_has_zero_scores() -> None:
    r = analyze_text("").readability
    assert (r.flesch_reading_ease, r.flesch_kincaid_grade, r.gunning_fog) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(("word", "count"), [("1.5", 1), ("3.14", 1), ("1,000", 1), ("e.g.", 2)])
def test_numbers_with_separators_are_one_syllable(word: str, count: int) -> None:
    assert syllables(word) == count


@pytest.mark.parametrize("hyphen", ["-", "\u2010", "\u2011"])
def test_every_joining_hyphen_makes_a_compound_not_complex(hyphen: str) -> None:
    word = f"self{hyphen}importance"
    assert syllables(word) == 4
    assert not is_complex(word)
    assert syllable_counts([word]) == (4, 0)
    assert is_complex("importance") and is_complex("self\u00adimportance")
