"""Property tests: any input at all gives sane numbers and never an exception."""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writers_tui.analysis.manuscript import Analyzer, SourceFile, analyze_text
from writers_tui.analysis.models import clip
from writers_tui.analysis.scoring import ScoringConfig, score_file
from writers_tui.wordcount import count_words, mask_markdown, tokenize

#: combining marks: acute (Mn), Devanagari virama (Mn) and vowel sign i (Mc), an
#: enclosing circle (Me), and a mark outside the BMP (U+1D167)
MARKS = ["\u0301", "\u094d", "\u093f", "\u20dd", "\U0001d167"]
TRICKY = [
    *"ab Z1 .!?…,;:\"“”‘’'«»—–-_*#>[]()<!`~\n\n\t\u00a0\u00ad\ufeffİß",
    "क",
    *MARKS,
]
markdownish = st.text(alphabet=st.sampled_from(TRICKY), max_size=400)
anything = st.text(max_size=400)

SETTINGS = settings(
    max_examples=int(os.environ.get("ANALYSIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


def check_sane(text: str) -> None:
    analysis = analyze_text(text)
    assert analysis.words == count_words(text) >= 0
    assert 0 <= analysis.dialogue_words <= analysis.words
    assert analysis.sentences <= analysis.words
    assert sum(analysis.sentence_lengths) == analysis.words
    assert sum(analysis.paragraph_lengths) == analysis.words
    assert sum(s.words for s in analysis.scenes) == analysis.words
    assert analysis.syllables >= analysis.words or analysis.words == 0
    lines = text.split("\n")
    for flag in analysis.flags:
        assert 1 <= flag.line <= flag.end_line <= len(lines)
        start = sum(len(line) + 1 for line in lines[: flag.line - 1]) + flag.column - 1
        end = sum(len(line) + 1 for line in lines[: flag.end_line - 1]) + flag.end_column - 1
        assert clip(" ".join(text[start:end].split())) == flag.text
    score = score_file(analysis)
    assert score.total is None or 0 <= score.total <= 100
    assert all(0 <= s.score <= 100 for s in score.subscores)


@SETTINGS
@given(markdownish)
def test_markdownish_text(text: str) -> None:
    check_sane(text)


LETTERS = ["a", "Z", "ß", "क", "東", "1"]
marked_word = st.builds(
    str.__add__,
    st.sampled_from(LETTERS),
    st.text(alphabet=st.sampled_from(LETTERS + MARKS), max_size=8),
)


@SETTINGS
@given(st.lists(marked_word, max_size=30), st.sampled_from([" ", "\n", " — ", ", ", "—"]))
def test_combining_marks_never_split_a_word(words: list[str], separator: str) -> None:
    text = separator.join(words)
    assert tokenize(text, markdown=False) == words
    assert count_words(text) == len(words)
    check_sane(text)


@SETTINGS
@given(anything)
def test_arbitrary_unicode(text: str) -> None:
    check_sane(text)
    assert len(mask_markdown(text)) == len(text)


@SETTINGS
@given(st.binary(max_size=600))
def test_binary_garbage(data: bytes) -> None:
    check_sane(data.decode("utf-8", errors="replace"))


@settings(max_examples=30, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "The cold grey light fell.",
                "Suddenly, he very slowly left.",
                '"Why?" she asked.',
                "\n\n",
                "* * *\n",
                "Anna waited.",
            ]
        ),
        max_size=30,
    ),
    st.floats(min_value=-50, max_value=150),
)
def test_any_target_and_composition_scores_in_range(parts: list[str], target: float) -> None:
    text = " ".join(parts)
    analysis = analyze_text(text)
    score = score_file(analysis, ScoringConfig(target_reading_ease=target))
    if analysis.words < 100:
        assert score.total is None
    else:
        assert score.total is not None and 0 <= score.total <= 100
        assert score.grade in {"A", "A-", "B+", "B", "B-", "C+", "C", "D"}


def test_empty_file(exported) -> None:
    analysis = analyze_text("")
    assert (analysis.words, analysis.sentences, analysis.paragraphs) == (0, 0, 0)
    assert analysis.flags == []
    m = Analyzer().analyze([SourceFile("empty.md", "")])
    assert exported(m)["totals"]["words"] == 0
    assert exported(m)["totals"]["score"]["total"] is None


def test_five_megabyte_single_paragraph() -> None:
    sentence = 'She said, "Nothing ever really changes here," and walked suddenly away. '
    text = sentence * (5_000_000 // len(sentence) + 1)
    assert len(text) > 5_000_000 and "\n" not in text
    started = time.perf_counter()
    analysis = analyze_text(text)
    elapsed = time.perf_counter() - started
    per_sentence = 11
    sentences = text.count(". ")
    assert analysis.paragraphs == 1
    assert analysis.sentences == sentences
    assert analysis.words == per_sentence * sentences
    assert analysis.dialogue_words == 5 * sentences
    assert elapsed < 30  # linear time: about 2 s on a laptop
