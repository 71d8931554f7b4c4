"""Result types of the analysis: plain slotted dataclasses, serialised by pydantic.

Stdlib dataclasses rather than pydantic models because a novel produces thousands of
flags and building each must cost well under a microsecond (a pydantic model validates
on every construction). Pydantic still does all the (de)serialisation, through
:class:`pydantic.TypeAdapter` over these dataclasses: the on-disk cache is
``FILE_ANALYSIS.dump_json`` / ``validate_json`` (which rejects a malformed document), and
the JSON output of ``writers-tui analyze --json`` is built from the same classes, with the
rounding and the field names (``min``, ``max``) declared once, on the fields.

Positions are 1-based lines and columns in the original file (front matter included);
``end_column`` is exclusive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated

from pydantic import Field, PlainSerializer, TypeAdapter

__all__ = [
    "FILE_ANALYSIS",
    "FLAG_TEXT_LIMIT",
    "PARAGRAPH_BINS",
    "SENTENCE_BINS",
    "CharacterHits",
    "Distribution",
    "FileAnalysis",
    "Flag",
    "HeadingRef",
    "Mention",
    "Readability",
    "Round1",
    "Round2",
    "Round4",
    "SceneStats",
    "SentenceRef",
    "clip",
    "share",
]


def _rounder(digits: int) -> PlainSerializer:
    return PlainSerializer(partial(round, ndigits=digits), return_type=float)


#: Floats kept exact in memory and rounded only when written out.
Round1 = Annotated[float, _rounder(1)]
Round2 = Annotated[float, _rounder(2)]
Round4 = Annotated[float, _rounder(4)]


def share(part: int, whole: int) -> float:
    """``part / whole``, 0 for an empty whole."""
    return part / whole if whole else 0.0


#: Characters of the text a flag (or its message) quotes: the span gives the full extent,
#: and a 10 MB "word" must not be copied twice into every message and the JSON.
FLAG_TEXT_LIMIT = 120


def clip(text: str, limit: int = FLAG_TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass(slots=True)
class Flag:
    """One style observation: which rule, where, and what the writer should read.

    Messages are shared between flags with the same rule and text (see
    :func:`writers_tui.analysis.style.flag_messages`), so a file with a hundred thousand
    "very"s holds one message string, not a hundred thousand.
    """

    rule: str
    line: int
    column: int
    end_line: int
    end_column: int
    #: the text as written, at most :data:`FLAG_TEXT_LIMIT` characters (see :func:`clip`)
    text: str
    message: str


@dataclass(slots=True)
class SentenceRef:
    line: int
    words: int
    text: str


@dataclass(slots=True)
class HeadingRef:
    line: int
    level: int
    text: str


@dataclass(slots=True)
class SceneStats:
    """A scene is a stretch of a file between scene breaks."""

    index: int
    line: int
    end_line: int
    words: int
    dialogue_words: int
    narration_words: int = 0
    dialogue_share: Round4 = 0.0

    @classmethod
    def of(cls, index: int, line: int, end_line: int, words: int, dialogue: int) -> SceneStats:
        return cls(index, line, end_line, words, dialogue, words - dialogue, share(dialogue, words))


@dataclass(slots=True)
class CharacterHits:
    count: int
    first_line: int
    last_line: int


@dataclass(slots=True)
class Mention:
    """Name-like text the story bible cannot pin to one character: a titled surname nobody
    declared ("Miss Bingley" when only Charles Bingley is known), or a name two characters
    share ("Fitzwilliam"). Reported, never guessed."""

    text: str
    count: int
    first_line: int
    last_line: int
    #: the characters it could be (empty: a title no character declares)
    candidates: list[str] = field(default_factory=list)


#: Histogram bucket upper bounds (inclusive) for sentence and paragraph lengths in words.
SENTENCE_BINS: tuple[int, ...] = (5, 10, 15, 20, 30, 40, 60)
PARAGRAPH_BINS: tuple[int, ...] = (10, 25, 50, 100, 150, 200, 300)


def _labels(bins: tuple[int, ...]) -> list[str]:
    labels = []
    low = 1
    for high in bins:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(f"{low}+")
    return labels


@dataclass(slots=True)
class Distribution:
    """Summary of a list of lengths (words per sentence or per paragraph)."""

    count: int = 0
    mean: Round2 = 0.0
    stdev: Round2 = 0.0
    minimum: Annotated[int, Field(serialization_alias="min")] = 0
    median: float = 0.0
    maximum: Annotated[int, Field(serialization_alias="max")] = 0
    histogram: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, values: list[int], bins: tuple[int, ...]) -> Distribution:
        """Population mean and standard deviation, median, and a histogram whose labels
        read ``"1-5"``, ``"6-10"`` … ``"61+"``."""
        labels = _labels(bins)
        histogram = dict.fromkeys(labels, 0)
        n = len(values)
        if not n:
            return cls(histogram=histogram)
        ordered = sorted(values)
        mean = math.fsum(ordered) / n
        variance = math.fsum((v - mean) ** 2 for v in ordered) / n
        middle = n // 2
        median = float(ordered[middle]) if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        index = 0
        for value in ordered:
            while index < len(bins) and value > bins[index]:
                index += 1
            histogram[labels[index]] += 1
        return cls(
            count=n,
            mean=mean,
            stdev=math.sqrt(variance),
            minimum=ordered[0],
            median=median,
            maximum=ordered[-1],
            histogram=histogram,
        )

    @property
    def variation(self) -> float:
        """Coefficient of variation (stdev / mean): 0 means every length is the same."""
        return self.stdev / self.mean if self.mean else 0.0


@dataclass(slots=True)
class Readability:
    """The three classic formulas over one body of text (see docs/analysis.md), with the
    counts they come from. Build it with :meth:`of`; a manuscript's is built from summed
    counts, which is exact where averaging per-file scores would not be."""

    flesch_reading_ease: Round2
    flesch_kincaid_grade: Round2
    gunning_fog: Round2
    words: int
    sentences: int
    syllables: int
    complex_words: int

    @classmethod
    def of(cls, words: int, sentences: int, syllables: int, complex_words: int) -> Readability:
        if not words or not sentences:
            return cls(0.0, 0.0, 0.0, words, sentences, syllables, complex_words)
        per_sentence = words / sentences
        per_word = syllables / words
        return cls(
            flesch_reading_ease=206.835 - 1.015 * per_sentence - 84.6 * per_word,
            flesch_kincaid_grade=0.39 * per_sentence + 11.8 * per_word - 15.59,
            gunning_fog=0.4 * (per_sentence + 100.0 * complex_words / words),
            words=words,
            sentences=sentences,
            syllables=syllables,
            complex_words=complex_words,
        )


@dataclass(slots=True)
class FileAnalysis:
    """Everything measured in one file. Independent of the file's path, so it is cached by
    content hash and reused when a scene moves or is renamed."""

    words: int = 0
    sentences: int = 0
    paragraphs: int = 0
    dialogue_words: int = 0
    syllables: int = 0
    complex_words: int = 0
    #: words made only of letters (apostrophes and hyphens allowed): prose, not codes
    alphabetic_words: int = 0
    #: characters inside words, and non-space characters of the prose: their ratio tells
    #: prose from symbol soup
    word_chars: int = 0
    text_chars: int = 0
    #: alphabetic words the pronouncing dictionary knows: English prose, not lorem ipsum
    dictionary_words: int = 0
    #: the distinct sentences, as sorted CRC-32s of their case-folded words: a union over
    #: files gives the manuscript's share of distinct sentences (repetition is not prose).
    #: At most one per sentence, like ``sentence_lengths``.
    sentence_hashes: list[int] = field(default_factory=list)
    sentence_lengths: list[int] = field(default_factory=list)
    sentence_lines: list[int] = field(default_factory=list)
    paragraph_lengths: list[int] = field(default_factory=list)
    longest_sentences: list[SentenceRef] = field(default_factory=list)
    headings: list[HeadingRef] = field(default_factory=list)
    scene_breaks: list[int] = field(default_factory=list)
    scenes: list[SceneStats] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    #: repeated-phrase candidates: n-gram → occurrences in this file
    phrases: dict[str, int] = field(default_factory=dict)
    #: character name → mentions in this file
    characters: dict[str, CharacterHits] = field(default_factory=dict)
    #: name-like mentions no single character can claim, by the text as written
    unattributed: dict[str, Mention] = field(default_factory=dict)

    @property
    def readability(self) -> Readability:
        return Readability.of(self.words, self.sentences, self.syllables, self.complex_words)

    @property
    def dialogue_share(self) -> float:
        return share(self.dialogue_words, self.words)


#: The cache format of one file's result (``dump_json`` / ``validate_json``).
FILE_ANALYSIS: TypeAdapter[FileAnalysis] = TypeAdapter(FileAnalysis)
