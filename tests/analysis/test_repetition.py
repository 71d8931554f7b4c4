"""Echo words and repeated phrases."""

from __future__ import annotations

from writers_tui.analysis.lists import default_lists
from writers_tui.analysis.repetition import find_echoes, overused_phrases, phrase_counts
from writers_tui.analysis.text import parse_document

STOP = default_lists().get("stopwords")


def echoes(text: str, **kwargs) -> list[tuple[int, int, str, str]]:
    found = find_echoes(parse_document(text), STOP, **kwargs)
    return [(f.line, f.column, f.text, f.message) for f in found]


def test_echo_within_window_flags_the_second_use() -> None:
    assert echoes("The cold came. She hated the cold.") == [
        (1, 30, "cold", "Echo “cold”: also used 5 words earlier")
    ]


def test_echo_outside_window_short_or_stop_words_are_not_flagged() -> None:
    assert echoes("The cold came. She hated the cold.", window=4) == []
    assert echoes("The sun, the sun, the sun.") == []  # "sun" is shorter than 4 letters
    assert echoes("There were there were.") == []  # stop words


def test_echo_resets_at_scene_breaks_and_skips_names() -> None:
    assert echoes("A dark night.\n\n* * *\n\nAnother dark day.") == []
    assert echoes("Anna came. Then Anna left.") == []


def test_echo_words_on_later_lines() -> None:
    assert echoes("She lit the lamp.\nThe lamp smoked.") == [
        (2, 5, "lamp", "Echo “lamp”: also used 2 words earlier")
    ]


def test_phrase_counts_are_anchored_on_content_words_within_sentences() -> None:
    doc = parse_document("The cold grey light fell. Then cold grey light rose.")
    assert phrase_counts(doc, STOP, (3,)) == {
        "cold grey light": 2,
        "grey light fell": 1,
        "grey light rose": 1,
    }
    # "light fell then" would cross a sentence end, "the cold grey" starts on a stop word
    assert "light fell then" not in phrase_counts(doc, STOP)


def test_overused_phrases_drop_shorter_phrases_that_add_nothing() -> None:
    totals = {
        "cold grey light": 4,
        "cold grey light fell": 4,
        "grey light fell": 4,
        "made no answer": 5,
        "once only": 2,
    }
    found = [(p.phrase, p.count) for p in overused_phrases(totals, min_count=3)]
    assert found == [("cold grey light fell", 4), ("made no answer", 5)]
