"""The text model: paragraphs, sentences, scenes, headings, dialogue, line numbers."""

from __future__ import annotations

import pytest

from writers_tui.analysis.manuscript import analyze_text
from writers_tui.analysis.text import parse_document


def sentences_of(text: str) -> list[str]:
    doc = parse_document(text)
    return [text[s.start : s.end] for s in doc.sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Darcy met Mrs. Bennet on St. James Street. Dr. Jones was late.",
            ["Mr. Darcy met Mrs. Bennet on St. James Street.", "Dr. Jones was late."],
        ),
        # dialogue punctuation: a tag after ?/!/, continues the sentence
        (
            '"Stop!" Mary cried. "Why?" she asked. "Fine," he said. He left.',
            ['"Stop!" Mary cried.', '"Why?" she asked.', '"Fine," he said.', "He left."],
        ),
        (
            "“Hello,” she said. “Goodbye!” He waved.",
            ["“Hello,” she said.", "“Goodbye!”", "He waved."],
        ),
        # ellipses: a capital after them starts a sentence, lower case does not
        (
            "I thought... Maybe not. Wait… what? Yes!",
            ["I thought...", "Maybe not.", "Wait… what?", "Yes!"],
        ),
        # em-dash interruption closed by a quote ends the sentence; a mid-sentence dash does not
        (
            '"I was going to—" "Don\'t." She stared—then laughed.',
            ['"I was going to—"', '"Don\'t."', "She stared—then laughed."],
        ),
        (
            "He saw J. K. Rowling yesterday. It was 3.5 p.m. Then rain.",
            ["He saw J. K. Rowling yesterday.", "It was 3.5 p.m.", "Then rain."],
        ),
        ("No end punctuation", ["No end punctuation"]),
        ("Is it? Yes. No! Fine.", ["Is it?", "Yes.", "No!", "Fine."]),
    ],
)
def test_sentence_splitting(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


def test_sentences_never_cross_paragraphs() -> None:
    assert sentences_of("First line without stop\n\nSecond paragraph") == [
        "First line without stop",
        "Second paragraph",
    ]


def test_soft_wrapped_lines_are_one_paragraph() -> None:
    doc = parse_document("One sentence that\nwraps onto a second line.\n\nNext.")
    assert [(p.line, p.end_line, p.words) for p in doc.paragraphs] == [(1, 2, 8), (4, 4, 1)]
    assert doc.sentences[0].line == 1
    assert doc.sentences[1].line == 4


def test_golden_scene(sample: str) -> None:
    doc = parse_document(sample)
    assert [(h.line, h.level, h.text) for h in doc.headings] == [(5, 1, "The Station")]
    assert doc.breaks == [13]
    assert [(s.index, s.line, s.end_line, s.words, s.dialogue_words) for s in doc.scenes] == [
        (0, 1, 12, 26, 4),
        (1, 14, 15, 9, 0),
    ]
    assert [(p.line, p.end_line, p.words) for p in doc.paragraphs] == [
        (8, 9, 14),
        (11, 11, 12),
        (15, 15, 9),
    ]
    assert [(s.line, s.words) for s in doc.sentences] == [
        (8, 4),
        (8, 6),
        (9, 4),
        (11, 7),
        (11, 5),
        (15, 2),
        (15, 7),
    ]
    assert doc.line_col(sample.index("Mr. Kell")) == (9, 1)


@pytest.mark.parametrize(
    ("text", "words", "dialogue"),
    [
        ('"Come here," she said.', 4, 2),
        ("“Come here,” she said. “Now.”", 5, 3),
        ("«Viens ici», dit-elle.", 3, 2),
        ("‘Don’t go,’ she said.", 4, 2),
        ("He said nothing at all.", 5, 0),
        # an unclosed quote runs to the end of its paragraph (continued speech)
        ('"This goes on\nand on\n\nNarration.', 6, 5),
        ('He shouted, "Stop!" and "Wait!" twice.', 6, 2),
    ],
)
def test_dialogue_words(text: str, words: int, dialogue: int) -> None:
    analysis = analyze_text(text)
    assert (analysis.words, analysis.dialogue_words) == (words, dialogue)


def test_scene_breaks_at_edges_leave_no_empty_scenes() -> None:
    doc = parse_document("***\n\nOnly scene.\n\n---\n\n- - -\n")
    assert len(doc.scenes) == 1
    assert doc.scenes[0].words == 2
    assert doc.breaks == [1, 5, 7]


def test_empty_and_whitespace_documents() -> None:
    for text in ("", "\n\n", "   ", "---\na: b\n---\n", "# Only a heading\n"):
        doc = parse_document(text)
        assert doc.words == 0
        assert doc.sentences == []
        assert len(doc.scenes) == 1


def test_windows_line_endings_parse_like_unix() -> None:
    unix = "---\ntitle: x y\n---\n# Title\n\nOne two.\nThree.\n\n***\n\n```\ncode\n```\nFour.\n"
    windows = unix.replace("\n", "\r\n")
    a, b = parse_document(unix), parse_document(windows)
    assert [(h.line, h.text) for h in b.headings] == [(4, "Title")]
    assert b.breaks == a.breaks == [9]
    assert [(s.line, s.words) for s in b.sentences] == [(s.line, s.words) for s in a.sentences]
    assert [(s.line, s.words) for s in a.sentences] == [(6, 2), (7, 1), (14, 1)]


# --- review fixes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "no", "vol", "ch", "p" … are abbreviations only before a number
        ('"No." He turned away.', ['"No."', "He turned away."]),
        ("I said no. Then he left.", ["I said no.", "Then he left."]),
        ("A decent chap. Then fig. Then.", ["A decent chap.", "Then fig.", "Then."]),
        (
            "See No. 5 and vol. 2, ch. 3, p. 12. Then go.",
            ["See No. 5 and vol. 2, ch. 3, p. 12.", "Then go."],
        ),
        # a spaced ellipsis is one ellipsis, with the same rules as "…"
        (
            "He paused . . . then went on. Done.",
            ["He paused . . . then went on.", "Done."],
        ),
        ("Wait . . . what?", ["Wait . . . what?"]),
        ("I do not know . . . . Then she left.", ["I do not know . . . .", "Then she left."]),
        ("Wait\u00a0.\u00a0.\u00a0. what?", ["Wait\u00a0.\u00a0.\u00a0. what?"]),
        # a dialogue tag may name the speaker with a title
        ('"Stop!" Mr. Darcy cried. He left.', ['"Stop!" Mr. Darcy cried.', "He left."]),
        ('"Why?" Miss Bennet asked.', ['"Why?" Miss Bennet asked.']),
        # an em-dash interruption after a question mark still ends the sentence
        ('"Ask?--" But he went.', ['"Ask?--"', "But he went."]),
    ],
)
def test_sentence_splitting_review_fixes(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("# Title", (1, "Title")),
        ("## Title ##", (2, "Title")),
        ("###   Spaced   #", (3, "Spaced")),
        ("#", (1, "")),
        ("# C#", (1, "C")),
        ("#hashtag", None),
        ("####### seven", None),
    ],
)
def test_heading_lines(line: str, heading: tuple[int, str] | None) -> None:
    doc = parse_document(line + "\n")
    assert [(h.level, h.text) for h in doc.headings] == ([heading] if heading else [])


def test_long_heading_and_long_runs_are_linear() -> None:
    # "# # # …" made the old heading regex quadratic (seconds at this size)
    doc = parse_document("# a" + " #" * 60_000 + " x\n\nText.\n")
    assert [(h.level, h.text[:5], h.text[-3:]) for h in doc.headings] == [(1, "a # #", "# x")]
    assert doc.words == 1
