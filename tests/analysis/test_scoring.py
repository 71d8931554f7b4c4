"""The craft score: sub-score formulas, weights, grades, extensibility."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from writers_tui.analysis.manuscript import analyze_text
from writers_tui.analysis.models import FileAnalysis, Flag
from writers_tui.analysis.scoring import (
    GRADE_BANDS,
    Score,
    ScoringConfig,
    SubScore,
    grade_for,
    score_file,
)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "A"),
        (92, "A"),
        (91.96, "A"),  # shown as 92.0, graded as shown
        (91.9, "A-"),
        (85, "A-"),
        (84.9, "B+"),
        (80, "B+"),
        (75, "B"),
        (70, "B-"),
        (65, "C+"),
        (60, "C"),
        (59.9, "D"),
        (0, "D"),
    ],
)
def test_grade_bands(total: float, grade: str) -> None:
    assert grade_for(total) == grade
    assert [g for _, g in GRADE_BANDS] == ["A", "A-", "B+", "B", "B-", "C+", "C"]


def test_total_is_weighted_mean_and_ai_subscores_append() -> None:
    score = Score([SubScore("a", "A", 100.0, 3.0), SubScore("b", "B", 60.0, 1.0)])
    assert score.total == pytest.approx(90.0)
    assert score.grade == "A-"
    with_ai = score.with_subscore(SubScore("voice", "Voice", 50.0, 4.0, source="ai"))
    assert with_ai.total == pytest.approx((300 + 60 + 200) / 8)
    assert [s.key for s in score.subscores] == ["a", "b"]  # original untouched
    adapter = TypeAdapter(Score)
    assert adapter.validate_json(adapter.dump_json(with_ai)) == with_ai
    assert Score().total == 100.0


def _flags(rule: str, n: int) -> list[Flag]:
    return [Flag(rule, i + 1, 1, i + 1, 5, "word", f"{rule} {i}") for i in range(n)]


def _file(words: int, flags: list[Flag], **kwargs) -> FileAnalysis:
    lengths = kwargs.pop("sentence_lengths", [5, 20, 12, 30, 8] * 4)
    # English words in distinct sentences, as prose has (else the score is withheld)
    kwargs.setdefault("dictionary_words", words)
    kwargs.setdefault("sentence_hashes", list(range(len(lengths))))
    return FileAnalysis(
        words=words,
        alphabetic_words=words,
        word_chars=5 * words,
        text_chars=6 * words,
        sentences=len(lengths),
        sentence_lengths=lengths,
        sentence_lines=list(range(1, len(lengths) + 1)),
        flags=flags,
        **kwargs,
    )


def sub(score: Score, key: str) -> SubScore:
    return next(s for s in score.subscores if s.key == key)


def test_density_subscores() -> None:
    # 2,000 words: 3 anti-patterns = 1.5 per 1,000 → 100 − 20 × 1.5 = 70
    analysis = _file(2000, _flags("anti_pattern", 2) + _flags("cliche", 1))
    score = score_file(analysis)
    anti = sub(score, "anti_patterns")
    assert anti.score == pytest.approx(70.0)
    assert len(anti.violations) == 3
    assert {v.rule for v in anti.violations} == {"anti_pattern", "cliche"}
    # similes: 10 in 2,000 = 5 per 1,000, 2 allowed → 100 − 15 × 3 = 55
    assert sub(score_file(_file(2000, _flags("simile", 10))), "similes").score == pytest.approx(55)
    # echoes: 30 in 2,000 = 15 per 1,000, 8 allowed → 100 − 4 × 7 = 72
    assert sub(score_file(_file(2000, _flags("echo", 30))), "repetition").score == pytest.approx(72)
    # economy: 50 in 2,000 = 25 per 1,000, 20 allowed → 100 − 2 × 5 = 90
    mixed = _flags("adverb", 20) + _flags("passive", 10) + _flags("filter_word", 10)
    mixed += _flags("intensifier", 10)
    assert sub(score_file(_file(2000, mixed)), "economy").score == pytest.approx(90)


def test_short_files_use_a_density_floor() -> None:
    # one anti-pattern in 120 words counts as 1 per 250 words = 4 per 1,000 → 20
    assert sub(score_file(_file(120, _flags("anti_pattern", 1))), "anti_patterns").score == (
        pytest.approx(20.0)
    )


def test_sentence_variety() -> None:
    same = score_file(_file(200, [], sentence_lengths=[10] * 20))
    variety = sub(same, "sentence_variety")
    # no variation at all: 0, and the whole file is one monotone run
    assert variety.score == 0.0
    assert [v.rule for v in variety.violations] == ["low_variation", "monotone_run"]
    varied = sub(score_file(_file(200, [])), "sentence_variety")
    assert varied.score == 100.0
    assert varied.violations == []


def test_dialogue_balance_and_readability_target() -> None:
    # 20 distinct pairs of one-syllable sentences (a text repeating one pair is not prose
    # and gets no score at all): 180 words, reading ease 117.7
    animals = "cat dog pig cow hen fox rat bat owl ant bee yak eel elk ram ewe gnu ape cub doe"
    things = "mat rug bed box log hut cot tub pad mud hay sand rock moss peat grass wall step "
    things += "roof path"
    kinds = "fat sad glad hot cold wet dry old young calm tall slim red tan grey brown shy proud "
    kinds += "meek bold"
    analysis = analyze_text(
        "".join(
            f"The {a} sat on the {b}. It was {c}. "
            for a, b, c in zip(animals.split(), things.split(), kinds.split(), strict=True)
        )
    )
    assert analysis.words == 180
    score = score_file(analysis, ScoringConfig(target_reading_ease=65.0))
    # no dialogue: 15 points below the band → 100 − 200 × 0.15 = 70
    assert sub(score, "dialogue_balance").score == pytest.approx(70.0)
    # |117.67 − 65| = 52.67, 10 free → 100 − 3 × 42.67 = 0 (clamped)
    assert sub(score, "readability").score == 0.0
    eased = score_file(analysis, ScoringConfig(target_reading_ease=110.0))
    assert sub(eased, "readability").score == 100.0
    assert sub(eased, "readability").violations == []
    assert "harder" not in sub(score, "readability").violations[0].message


def test_every_subscore_is_present_weighted_and_measured(chapter_texts) -> None:
    score = score_file(analyze_text(chapter_texts[0][1]))
    assert [s.key for s in score.subscores] == [
        "anti_patterns",
        "similes",
        "sentence_variety",
        "repetition",
        "dialogue_balance",
        "readability",
        "economy",
    ]
    assert sum(s.weight for s in score.subscores) == 100
    assert all(s.source == "measured" for s in score.subscores)
    assert all(0 <= s.score <= 100 for s in score.subscores)
    assert 0 <= score.total <= 100


def test_empty_and_tiny_files_get_no_grade() -> None:
    # issue 9 item 2: an empty file scored 100 (A)
    for text in ("", "The cat sat on the mat. " * 10):
        score = score_file(analyze_text(text))
        assert (score.total, score.grade) == (None, None)
        assert "at least 100 words" in (score.withheld or "")
