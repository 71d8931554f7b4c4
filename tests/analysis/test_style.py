"""Style flags: every rule on hand-checked sentences, with exact spans."""

from __future__ import annotations

import pytest

from writers_tui.analysis.lists import LIST_NAMES, default_lists, parse_list
from writers_tui.analysis.manuscript import analyze_text
from writers_tui.analysis.style import RULES, find_style_flags
from writers_tui.analysis.text import parse_document


def flags(text: str, lists=None) -> list[tuple[str, int, int, int, str]]:
    doc = parse_document(text)
    found = find_style_flags(doc, lists or default_lists())
    return [(f.rule, f.line, f.column, f.end_column, f.text) for f in found]


def rules(text: str) -> list[tuple[str, str]]:
    return [(rule, said) for rule, _, _, _, said in flags(text)]


def test_golden_scene_flags(sample: str) -> None:
    analysis = analyze_text(sample)
    assert [
        (f.rule, f.line, f.column, f.end_line, f.end_column, f.text) for f in analysis.flags
    ] == [
        ("filter_word", 8, 6, 8, 10, "felt"),
        ("intensifier", 8, 11, 8, 15, "very"),
        ("simile", 11, 25, 11, 31, "like a"),
        ("anti_pattern", 11, 39, 11, 47, "Suddenly"),
        ("echo", 15, 17, 15, 23, "waited"),
        ("simile", 15, 31, 15, 42, "as still as"),
    ]


def test_adverbs_with_exceptions() -> None:
    assert rules("She ran quickly and quietly to the lonely family, only early.") == [
        ("adverb", "quickly"),
        ("adverb", "quietly"),
    ]


def test_filter_words_and_phrases() -> None:
    assert rules("He noticed the door. She could see the sea. They realized it.") == [
        ("filter_word", "noticed"),
        ("filter_word", "could see"),
        ("filter_word", "realized"),
    ]


def test_intensifier_is_not_also_an_adverb() -> None:
    assert rules("It was really just very good.") == [
        ("intensifier", "really"),
        ("intensifier", "just"),
        ("intensifier", "very"),
    ]


def test_passive_voice_candidates() -> None:
    assert rules("The letter was written. The bags were quickly packed. It is indeed red.") == [
        ("passive", "was written"),
        ("passive", "were quickly packed"),
        ("adverb", "quickly"),
    ]


def test_similes_and_their_exceptions() -> None:
    assert rules("Cold as ice, he ran like a hare, as soon as he could. I would like a tea.") == [
        ("cliche", "Cold as ice"),
        ("simile", "like a"),
    ]
    assert rules("She was as pale as milk, as if dead.") == [
        ("simile", "as pale as"),
        ("simile", "as if"),
    ]


def test_cliches_and_anti_patterns_with_wildcards() -> None:
    text = (
        "Suddenly the air seemed thick. Despite the rain, he smiled with obvious relief\n"
        "and cut with surgical precision. It happened in the nick of time."
    )
    assert flags(text) == [
        ("anti_pattern", 1, 1, 9, "Suddenly"),
        ("anti_pattern", 1, 10, 24, "the air seemed"),
        ("filter_word", 1, 18, 24, "seemed"),
        ("anti_pattern", 1, 32, 43, "Despite the"),
        ("anti_pattern", 1, 60, 79, "with obvious relief"),
        ("anti_pattern", 2, 9, 32, "with surgical precision"),
        ("cliche", 2, 46, 65, "in the nick of time"),
    ]


def test_phrase_across_a_line_break_reports_its_end_line() -> None:
    doc = parse_document("He spoke with obvious\nrelief.")
    (flag,) = find_style_flags(doc, default_lists())
    assert (flag.line, flag.column, flag.end_line, flag.end_column) == (1, 10, 2, 7)
    assert flag.text == "with obvious relief"


def test_columns_count_characters_not_bytes() -> None:
    assert flags("Ça va, très very bien.") == [("intensifier", 1, 13, 17, "very")]


def test_flags_ignore_front_matter_comments_and_headings() -> None:
    text = "---\nmood: very suddenly\n---\n# Very Sudden\n<!-- very -->\nPlain text.\n"
    assert flags(text) == []


def test_project_lists_extend_and_remove_defaults() -> None:
    lists = default_lists().extended("intensifiers", "# mine\n!very\nawfully\n")
    lists = lists.extended("anti_patterns", "gaze * fell\n")
    assert rules("A very awfully long gaze. Her gaze slowly fell.") == [
        ("intensifier", "very"),
        ("adverb", "awfully"),
        ("adverb", "slowly"),
    ]
    found = [
        (f.rule, f.text)
        for f in find_style_flags(
            parse_document("A very awfully long gaze. Her gaze slowly fell."), lists
        )
    ]
    assert found == [
        ("intensifier", "awfully"),
        ("anti_pattern", "gaze slowly fell"),
        ("adverb", "slowly"),
    ]
    assert lists.fingerprint != default_lists().fingerprint


def test_list_files_parse_comments_and_word_lists() -> None:
    assert parse_list("# c\nfoo bar  # tail\n!baz\n\n") == ({"foo bar"}, {"baz"})
    assert parse_list("a b\nc", words=True) == ({"a", "b", "c"}, set())


def test_every_default_list_ships_and_every_rule_has_a_name() -> None:
    lists = default_lists()
    for name in LIST_NAMES:
        assert lists.get(name), name
    assert set(RULES) == {
        "adverb",
        "filter_word",
        "intensifier",
        "passive",
        "simile",
        "cliche",
        "anti_pattern",
        "echo",
        "spelling",
    }


@pytest.mark.parametrize("text", ["", "...", "— — —", "\x00\x01", "ly ly ly"])
def test_degenerate_text_has_no_flags(text: str) -> None:
    assert flags(text) == []


# --- review fixes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She was *tired*.", [("passive", 1, 5, 15, "was *tired")]),
        ("He was **beaten**.", [("passive", 1, 4, 16, "was **beaten")]),
        ("She _began_ to cry.", [("anti_pattern", 1, 6, 15, "began_ to")]),
        ("She *began to* cry.", [("anti_pattern", 1, 6, 14, "began to")]),
        # punctuation still splits a phrase
        ("She began, to cry.", []),
        ("White as milk, *as* ever.", []),
    ],
)
def test_emphasis_inside_a_multi_word_flag(text: str, expected: list) -> None:
    assert flags(text) == expected


def test_emphasis_between_the_words_of_a_list_entry() -> None:
    lists = default_lists().extended("anti_patterns", "very very\n")
    assert flags("She was very *very* tired.", lists) == [
        ("anti_pattern", 1, 9, 19, "very *very"),
        ("intensifier", 1, 9, 13, "very"),
        ("intensifier", 1, 15, 19, "very"),
    ]


def test_a_dotted_capital_i_does_not_disable_multi_word_flags() -> None:
    # "İ".lower() is two characters: the file falls back to matching on the original text
    text = "İstanbul.\nThe air seemed cold. She couldn’t help but smile."
    assert flags(text) == [
        ("anti_pattern", 2, 1, 15, "The air seemed"),
        ("filter_word", 2, 9, 15, "seemed"),
        ("anti_pattern", 2, 26, 43, "couldn’t help but"),
    ]


def test_a_dotted_capital_i_does_not_misplace_flags() -> None:
    # the lower-case word must not be found in place of the capitalised one
    assert flags("İ. Suddenly he left, and suddenly she came.") == [
        ("anti_pattern", 1, 4, 12, "Suddenly"),
        ("anti_pattern", 1, 26, 34, "suddenly"),
    ]
    text = "İ. The table, the Table and then the old table."
    analysis = analyze_text(text)
    column = text.rindex("table") + 1
    assert [(f.rule, f.column, f.end_column, f.text) for f in analysis.flags] == [
        ("echo", column, column + 5, "table")
    ]


def test_many_flags_in_one_long_sentence_are_linear() -> None:
    # one flag per word in a 30,000-word sentence: quadratic before (minutes)
    found = flags("very " * 30_000)
    assert len(found) == 30_000
    assert found[0] == ("intensifier", 1, 1, 5, "very")
    assert found[-1] == ("intensifier", 1, 149_996, 150_000, "very")
    # four words apart: an echo, not a deliberate "table, table"
    text = "table a b c " * 7_500
    echoes = [f for f in analyze_text(text).flags if f.rule == "echo"]
    assert len(echoes) == 7_499
    assert (echoes[0].column, echoes[-1].column) == (13, text.rindex("table") + 1)
