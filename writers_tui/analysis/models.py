"""Result types of the analysis: plain slotted dataclasses with explicit ``to_dict``.

Dataclasses rather than pydantic because a novel produces thousands of flags and building
them must cost microseconds; ``to_dict``/``from_dict`` give the JSON shape documented in
``docs/analysis.md`` and the on-disk cache format. Positions are 1-based lines and columns
in the original file (front matter included); ``end_column`` is exclusive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CharacterHits",
    "Distribution",
    "FileAnalysis",
    "Flag",
    "HeadingRef",
    "Readability",
    "SceneStats",
    "SentenceRef",
]


@dataclass(slots=True)
class Flag:
    """One style observation: which rule, where, and what the writer should read."""

    rule: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flag:
        return cls(
            rule=str(data["rule"]),
            line=int(data["line"]),
            column=int(data["column"]),
            end_line=int(data["end_line"]),
            end_column=int(data["end_column"]),
            text=str(data["text"]),
            message=str(data["message"]),
        )


@dataclass(slots=True)
class SentenceRef:
    line: int
    words: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "words": self.words, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentenceRef:
        return cls(line=int(data["line"]), words=int(data["words"]), text=str(data["text"]))


@dataclass(slots=True)
class HeadingRef:
    line: int
    level: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "level": self.level, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HeadingRef:
        return cls(line=int(data["line"]), level=int(data["level"]), text=str(data["text"]))


@dataclass(slots=True)
class SceneStats:
    """A scene is a stretch of a file between scene breaks."""

    index: int
    line: int
    end_line: int
    words: int
    dialogue_words: int

    @property
    def dialogue_share(self) -> float:
        return self.dialogue_words / self.words if self.words else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "line": self.line,
            "end_line": self.end_line,
            "words": self.words,
            "dialogue_words": self.dialogue_words,
            "narration_words": self.words - self.dialogue_words,
            "dialogue_share": round(self.dialogue_share, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SceneStats:
        return cls(
            index=int(data["index"]),
            line=int(data["line"]),
            end_line=int(data["end_line"]),
            words=int(data["words"]),
            dialogue_words=int(data["dialogue_words"]),
        )


@dataclass(slots=True)
class CharacterHits:
    count: int
    first_line: int
    last_line: int

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "first_line": self.first_line, "last_line": self.last_line}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CharacterHits:
        return cls(
            count=int(data["count"]),
            first_line=int(data["first_line"]),
            last_line=int(data["last_line"]),
        )


#: Histogram bucket upper bounds (inclusive) for sentence and paragraph lengths in words.
SENTENCE_BINS: tuple[int, ...] = (5, 10, 15, 20, 30, 40, 60)
PARAGRAPH_BINS: tuple[int, ...] = (10, 25, 50, 100, 150, 200, 300)


@dataclass(slots=True)
class Distribution:
    """Summary of a list of lengths (words per sentence or per paragraph)."""

    count: int = 0
    mean: float = 0.0
    stdev: float = 0.0
    minimum: int = 0
    median: float = 0.0
    maximum: int = 0
    histogram: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, values: list[int], bins: tuple[int, ...]) -> Distribution:
        """Population mean and standard deviation, median, and a histogram whose labels
        read ``"1-5"``, ``"6-10"`` … ``"61+"``."""
        labels = []
        low = 1
        for high in bins:
            labels.append(f"{low}-{high}")
            low = high + 1
        labels.append(f"{low}+")
        histogram = dict.fromkeys(labels, 0)
        n = len(values)
        if not n:
            return cls(histogram=histogram)
        ordered = sorted(values)
        mean = sum(ordered) / n
        variance = sum((v - mean) ** 2 for v in ordered) / n
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "mean": round(self.mean, 2),
            "stdev": round(self.stdev, 2),
            "min": self.minimum,
            "median": self.median,
            "max": self.maximum,
            "histogram": dict(self.histogram),
        }


@dataclass(slots=True)
class Readability:
    """The three classic formulas over one body of text (see docs/analysis.md)."""

    words: int
    sentences: int
    syllables: int
    complex_words: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def flesch_reading_ease(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def flesch_kincaid_grade(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59

    @property
    def gunning_fog(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return 0.4 * (self.words_per_sentence + 100.0 * self.complex_words / self.words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "flesch_reading_ease": round(self.flesch_reading_ease, 2),
            "flesch_kincaid_grade": round(self.flesch_kincaid_grade, 2),
            "gunning_fog": round(self.gunning_fog, 2),
            "words": self.words,
            "sentences": self.sentences,
            "syllables": self.syllables,
            "complex_words": self.complex_words,
        }


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

    @property
    def readability(self) -> Readability:
        return Readability(
            words=self.words,
            sentences=self.sentences,
            syllables=self.syllables,
            complex_words=self.complex_words,
        )

    @property
    def dialogue_share(self) -> float:
        return self.dialogue_words / self.words if self.words else 0.0

    def to_cache(self) -> dict[str, Any]:
        """Everything, including the internal phrase counts (the cache file format)."""
        return {
            "words": self.words,
            "sentences": self.sentences,
            "paragraphs": self.paragraphs,
            "dialogue_words": self.dialogue_words,
            "syllables": self.syllables,
            "complex_words": self.complex_words,
            "sentence_lengths": self.sentence_lengths,
            "sentence_lines": self.sentence_lines,
            "paragraph_lengths": self.paragraph_lengths,
            "longest_sentences": [s.to_dict() for s in self.longest_sentences],
            "headings": [h.to_dict() for h in self.headings],
            "scene_breaks": self.scene_breaks,
            "scenes": [s.to_dict() for s in self.scenes],
            "flags": [f.to_dict() for f in self.flags],
            "phrases": self.phrases,
            "characters": {k: v.to_dict() for k, v in self.characters.items()},
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> FileAnalysis:
        """Rebuild from :meth:`to_cache` output; raises on a malformed document."""
        return cls(
            words=int(data["words"]),
            sentences=int(data["sentences"]),
            paragraphs=int(data["paragraphs"]),
            dialogue_words=int(data["dialogue_words"]),
            syllables=int(data["syllables"]),
            complex_words=int(data["complex_words"]),
            sentence_lengths=[int(v) for v in data["sentence_lengths"]],
            sentence_lines=[int(v) for v in data["sentence_lines"]],
            paragraph_lengths=[int(v) for v in data["paragraph_lengths"]],
            longest_sentences=[SentenceRef.from_dict(s) for s in data["longest_sentences"]],
            headings=[HeadingRef.from_dict(h) for h in data["headings"]],
            scene_breaks=[int(v) for v in data["scene_breaks"]],
            scenes=[SceneStats.from_dict(s) for s in data["scenes"]],
            flags=[Flag.from_dict(f) for f in data["flags"]],
            phrases={str(k): int(v) for k, v in data["phrases"].items()},
            characters={str(k): CharacterHits.from_dict(v) for k, v in data["characters"].items()},
        )
