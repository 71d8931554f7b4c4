"""The app's one word rule (writers_tui.wordcount), golden cases from docs/analysis.md."""

from __future__ import annotations

import pytest

from writers_tui.analysis.manuscript import analyze_text
from writers_tui.wordcount import (
    count_plain_words,
    count_words,
    mask_markdown,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", []),
        ("   \n\t ", []),
        ("Hello world", ["Hello", "world"]),
        # contractions, straight and curly apostrophes
        ("don't don’t I'm y'all", ["don't", "don’t", "I'm", "y'all"]),
        # hyphenated compounds are one word; leading/trailing apostrophes are punctuation
        ("mother-in-law twenty-one", ["mother-in-law", "twenty-one"]),
        ("’tis the girls’ turn", ["tis", "the", "girls", "turn"]),
        # em-dash, en-dash and double hyphen separate words
        ("ways—with ways--with 1813–1814", ["ways", "with", "ways", "with", "1813", "1814"]),
        ("a - b", ["a", "b"]),
        # numbers, with separators between digits
        ("1813 3.14 1,000,000 $5 50%", ["1813", "3.14", "1,000,000", "5", "50"]),
        ("It cost 5. Then", ["It", "cost", "5", "Then"]),
        # initialisms
        ("U.S.A. e.g. a.m.", ["U.S.A.", "e.g.", "a.m."]),
        # quotes of every kind are not words
        ('“Hello,” she said. "Hi!" «Salut» ‘Yes’', ["Hello", "she", "said", "Hi", "Salut", "Yes"]),
        # Markdown emphasis marks are not letters
        ("_Boulanger_ *em* **bold**", ["Boulanger", "em", "bold"]),
        # any script
        ("naïve café Über 東京 Ελλάδα", ["naïve", "café", "Über", "東京", "Ελλάδα"]),
        ("AT&T", ["AT", "T"]),
    ],
)
def test_word_rule(text: str, words: list[str]) -> None:
    assert tokenize(text, markdown=False) == words
    assert count_plain_words(text) == len(words)


def test_markdown_non_prose_is_not_counted() -> None:
    text = (
        "---\ntitle: Three words here\ntags: [a, b]\n---\n"
        "# Chapter One Heading\n\n"
        "A [linked phrase](https://example.com/some/path) here.<!-- hidden note -->\n"
        "![alt text](image.png) See www.example.com now.\n\n"
        "1. first item\n- second item\n\n"
        "* * *\n\n"
        "```\ncode block words\n```\n"
        "Footnote[^1] <span>tagged</span> end.\n"
        "[1]: https://example.com/ref\n"
    )
    assert tokenize(text) == [
        "A",
        "linked",
        "phrase",
        "here",
        "See",
        "now",
        "first",
        "item",
        "second",
        "item",
        "Footnote",
        "tagged",
        "end",
    ]
    assert count_words(text) == 13


def test_mask_keeps_length_lines_and_headings_on_request() -> None:
    text = "---\na: b\n---\n# Title\n\nBody <!-- x\ny --> text.\n"
    masked = mask_markdown(text)
    assert len(masked) == len(text)
    assert masked.count("\n") == text.count("\n")
    assert "Title" not in masked
    assert "Title" in mask_markdown(text, keep_headings=True)
    assert count_words(text) == 2


def test_front_matter_only_at_the_top_and_closed() -> None:
    # an unclosed '---' block is not front matter: its words count
    assert count_words("---\nnot front matter\n") == 3
    assert count_words("Text\n---\nkey: value\n---\n") == 3


def test_unclosed_comment_hides_the_rest_like_a_renderer_would() -> None:
    assert count_words("one two <!-- three four") == 2


def test_analysis_counts_agree_with_count_words(sample: str) -> None:
    assert analyze_text(sample).words == count_words(sample) == 35
