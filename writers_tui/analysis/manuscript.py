"""Whole-manuscript analysis, incremental: one cached result per file, then a cheap combine.

:func:`analyze_text` measures one file and returns a path-independent
:class:`FileAnalysis`. :class:`Analyzer` keeps those results keyed by the SHA-256 of the
file's text plus a fingerprint of everything that changes the result (analyzer version,
word lists, characters, echo and phrase settings), so re-analysing a manuscript after one
scene changed re-measures that scene only. Manuscript figures are recombined from the
per-file counts: readability from summed words/sentences/syllables, repeated phrases from
running n-gram totals (one file's counts are subtracted and re-added), characters and
pacing from per-file tallies. Scores are computed at combine time (cheap) so changing the
reading-ease target does not invalidate the cache.

Pure: no file or network access. Persistence plugs in through :class:`FileStore`
(see :mod:`.runner`).
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from writers_tui.analysis.characters import Character, characters_fingerprint, count_mentions
from writers_tui.analysis.lists import StyleLists, default_lists
from writers_tui.analysis.models import (
    PARAGRAPH_BINS,
    SENTENCE_BINS,
    CharacterHits,
    Distribution,
    FileAnalysis,
    HeadingRef,
    Readability,
    SceneStats,
    SentenceRef,
)
from writers_tui.analysis.pacing import Pacing, pacing_of
from writers_tui.analysis.readability import syllable_counts
from writers_tui.analysis.repetition import (
    RepeatedPhrase,
    find_echoes,
    overused_phrases,
    phrase_counts,
)
from writers_tui.analysis.scoring import Score, ScoringConfig, grade_for, score_file
from writers_tui.analysis.style import find_style_flags
from writers_tui.analysis.text import parse_document

__all__ = [
    "ANALYZER_VERSION",
    "AnalysisConfig",
    "Analyzer",
    "FileResult",
    "FileStore",
    "ManuscriptAnalysis",
    "SourceFile",
    "analyze_text",
    "text_sha256",
]

#: Bump when a change to the measuring code changes any per-file result.
ANALYZER_VERSION = "2"
LONGEST_SENTENCES = 5
_PREVIEW = 160


@dataclass(frozen=True, slots=True)
class AnalysisConfig:
    lists: StyleLists = field(default_factory=default_lists)
    characters: tuple[Character, ...] = ()
    echo_window: int = 50
    echo_min_length: int = 4
    phrase_sizes: tuple[int, ...] = (3, 4, 5)
    min_phrase_count: int = 3
    words_per_minute: int = 250
    scoring: ScoringConfig = field(default_factory=ScoringConfig)

    @property
    def fingerprint(self) -> str:
        """Everything that changes a per-file result (scoring is applied later)."""
        parts = (
            ANALYZER_VERSION,
            self.lists.fingerprint,
            characters_fingerprint(self.characters),
            str(self.echo_window),
            str(self.echo_min_length),
            ",".join(map(str, self.phrase_sizes)),
        )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def text_sha256(text: str) -> str:
    """SHA-256 of the text as UTF-8: for a valid UTF-8 file, the hash of its bytes."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[: _PREVIEW - 1] + "…"


def analyze_text(text: str, config: AnalysisConfig | None = None) -> FileAnalysis:
    """Measure one Markdown file. Pure; never raises on odd input."""
    config = config or AnalysisConfig()
    doc = parse_document(text)
    sentences = doc.sentences
    paragraphs = doc.paragraphs
    tokens = [token for sentence in sentences for token in sentence.tokens]
    syllables, complex_words = syllable_counts(tokens)
    longest = sorted(sentences, key=lambda s: (-s.words, s.start))[:LONGEST_SENTENCES]
    stopwords = config.lists.get("stopwords")
    flags = find_style_flags(doc, config.lists)
    flags.extend(
        find_echoes(doc, stopwords, window=config.echo_window, min_length=config.echo_min_length)
    )
    flags.sort(key=lambda f: (f.line, f.column, f.rule))
    return FileAnalysis(
        words=len(tokens),
        sentences=len(sentences),
        paragraphs=len(paragraphs),
        dialogue_words=sum(p.dialogue_words for p in paragraphs),
        syllables=syllables,
        complex_words=complex_words,
        sentence_lengths=[s.words for s in sentences],
        sentence_lines=[s.line for s in sentences],
        paragraph_lengths=[p.words for p in paragraphs],
        longest_sentences=[
            SentenceRef(line=s.line, words=s.words, text=_preview(text[s.start : s.end]))
            for s in longest
        ],
        headings=[HeadingRef(line=h.line, level=h.level, text=h.text) for h in doc.headings],
        scene_breaks=list(doc.breaks),
        scenes=[
            SceneStats(
                index=scene.index,
                line=scene.line,
                end_line=scene.end_line,
                words=scene.words,
                dialogue_words=scene.dialogue_words,
            )
            for scene in doc.scenes
            if scene.paragraphs
        ],
        flags=flags,
        phrases=phrase_counts(doc, stopwords, config.phrase_sizes),
        characters=count_mentions(doc, config.characters) if config.characters else {},
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while measuring.

    A novel allocates hundreds of thousands of small, acyclic objects (sentences, tokens,
    flags); the collector's generation scans over them cost 10–25 % of the run and find
    nothing, since reference counting frees all of it. Restored on exit, even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class FileStore(Protocol):
    """Somewhere to keep per-file results between runs (the on-disk cache)."""

    def get(self, key: str) -> FileAnalysis | None: ...

    def put(self, key: str, analysis: FileAnalysis) -> None: ...


@dataclass(slots=True)
class SourceFile:
    """One manuscript file to analyse: its display path, its chapter, its text."""

    path: str
    text: str
    chapter: str = ""


@dataclass(slots=True)
class FileResult:
    path: str
    chapter: str
    sha256: str
    analysis: FileAnalysis
    score: Score
    cached: bool = False

    def to_dict(self, words_per_minute: int = 250) -> dict[str, Any]:
        a = self.analysis
        flag_counts = Counter(f.rule for f in a.flags)
        return {
            "path": self.path,
            "chapter": self.chapter,
            "sha256": self.sha256,
            "words": a.words,
            "sentences": a.sentences,
            "paragraphs": a.paragraphs,
            "reading_time_minutes": round(a.words / words_per_minute, 1),
            "dialogue_words": a.dialogue_words,
            "narration_words": a.words - a.dialogue_words,
            "dialogue_share": round(a.dialogue_share, 4),
            "sentence_length": Distribution.of(a.sentence_lengths, SENTENCE_BINS).to_dict(),
            "longest_sentences": [s.to_dict() for s in a.longest_sentences],
            "paragraph_length": Distribution.of(a.paragraph_lengths, PARAGRAPH_BINS).to_dict(),
            "readability": a.readability.to_dict(),
            "headings": [h.to_dict() for h in a.headings],
            "scene_breaks": a.scene_breaks,
            "scenes": [s.to_dict() for s in a.scenes],
            "flag_counts": dict(sorted(flag_counts.items())),
            "flags": [f.to_dict() for f in a.flags],
            "characters": {k: v.to_dict() for k, v in a.characters.items()},
            "score": self.score.to_dict(),
        }


@dataclass(slots=True)
class CharacterSummary:
    character: Character
    total: int = 0
    by_file: dict[str, int] = field(default_factory=dict)
    first: tuple[str, int] | None = None
    last: tuple[str, int] | None = None
    #: runs of consecutive files without a mention, between two files that have one
    gaps: list[tuple[str, str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.character.to_dict(),
            "mentions": self.total,
            "by_file": self.by_file,
            "first": {"path": self.first[0], "line": self.first[1]} if self.first else None,
            "last": {"path": self.last[0], "line": self.last[1]} if self.last else None,
            "gaps": [{"after": a, "before": b, "files": n} for a, b, n in self.gaps],
        }


@dataclass(slots=True)
class ManuscriptAnalysis:
    files: list[FileResult]
    readability: Readability
    sentence_length: Distribution
    paragraph_length: Distribution
    longest_sentences: list[tuple[str, SentenceRef]]
    dialogue_words: int
    flag_counts: dict[str, int]
    phrases: list[RepeatedPhrase]
    characters: list[CharacterSummary]
    pacing: Pacing
    words_per_minute: int = 250
    reused: int = 0  # files whose result came from a cache filled before this run

    @property
    def words(self) -> int:
        return self.readability.words

    @property
    def score_total(self) -> float:
        """Word-weighted mean of the file totals."""
        weight = sum(f.analysis.words for f in self.files)
        if not weight:
            return 100.0
        return sum(f.score.total * f.analysis.words for f in self.files) / weight

    def to_dict(self) -> dict[str, Any]:
        words = self.words
        return {
            "files": [f.to_dict(self.words_per_minute) for f in self.files],
            "totals": {
                "files": len(self.files),
                "words": words,
                "sentences": self.readability.sentences,
                "paragraphs": self.paragraph_length.count,
                "reading_time_minutes": round(words / self.words_per_minute, 1),
                "dialogue_words": self.dialogue_words,
                "narration_words": words - self.dialogue_words,
                "dialogue_share": round(self.dialogue_words / words, 4) if words else 0.0,
                "sentence_length": self.sentence_length.to_dict(),
                "paragraph_length": self.paragraph_length.to_dict(),
                "longest_sentences": [
                    {"path": path, **ref.to_dict()} for path, ref in self.longest_sentences
                ],
                "readability": self.readability.to_dict(),
                "flag_counts": dict(sorted(self.flag_counts.items())),
                "score": {
                    "total": round(self.score_total, 1),
                    "grade": grade_for(self.score_total),
                },
            },
            "repetition": {"overused_phrases": [p.to_dict() for p in self.phrases]},
            "characters": [c.to_dict() for c in self.characters],
            "pacing": self.pacing.to_dict(),
            "cache": {"reused": self.reused, "analysed": len(self.files) - self.reused},
        }


class Analyzer:
    """Analyses manuscripts and remembers per-file results (the UI keeps one alive).

    Not thread-safe: use one per worker.
    """

    def __init__(self, config: AnalysisConfig | None = None, store: FileStore | None = None):
        self.config = config or AnalysisConfig()
        self.store = store
        self._fingerprint = self.config.fingerprint
        self._memory: dict[str, FileAnalysis] = {}
        self._scores: dict[str, Score] = {}
        self._included: Counter[str] = Counter()
        self._phrase_totals: Counter[str] = Counter()
        self._frequent: dict[str, int] = {}
        self.analysed = 0  # files measured (not found in a cache) since creation

    def key_for(self, text: str) -> tuple[str, str]:
        """(content hash, cache key) of a file's text."""
        digest = text_sha256(text)
        return digest, f"{digest}-{self._fingerprint}"

    def file_analysis(self, text: str) -> tuple[str, str, FileAnalysis, bool]:
        """(sha256, key, analysis, from_cache) for one file's text."""
        digest, key = self.key_for(text)
        found = self._memory.get(key)
        if found is not None:
            return digest, key, found, True
        if self.store is not None:
            found = self.store.get(key)
            if found is not None:
                self._memory[key] = found
                return digest, key, found, True
        analysis = analyze_text(text, self.config)
        self.analysed += 1
        self._memory[key] = analysis
        if self.store is not None:
            self.store.put(key, analysis)
        return digest, key, analysis, False

    def _add_phrases(self, phrases: dict[str, int], sign: int) -> None:
        totals = self._phrase_totals
        frequent = self._frequent
        threshold = self.config.min_phrase_count
        for phrase, count in phrases.items():
            total = totals[phrase] + sign * count
            if total > 0:
                totals[phrase] = total
            else:
                del totals[phrase]
            if total >= threshold:
                frequent[phrase] = total
            else:
                frequent.pop(phrase, None)

    def _sync_phrases(self, keys: list[str]) -> None:
        wanted = Counter(keys)
        removed = self._included - wanted
        added = wanted - self._included
        if sum(removed.values()) + sum(added.values()) > max(4, len(keys) // 4):
            # many files changed (first run): rebuilding with Counter.update runs in C
            totals: Counter[str] = Counter()
            for key in keys:
                totals.update(self._memory[key].phrases)
            threshold = self.config.min_phrase_count
            self._phrase_totals = totals
            self._frequent = {p: n for p, n in totals.items() if n >= threshold}
        else:
            for key, count in removed.items():
                for _ in range(count):
                    self._add_phrases(self._memory[key].phrases, -1)
            for key, count in added.items():
                for _ in range(count):
                    self._add_phrases(self._memory[key].phrases, +1)
        self._included = wanted

    def forget_unused(self, keep: Sequence[str]) -> None:
        """Drop remembered results not in ``keep`` (bounds memory in a long session)."""
        keep_set = set(keep) | set(self._included)
        for key in [k for k in self._memory if k not in keep_set]:
            del self._memory[key]
            self._scores.pop(key, None)

    def analyze(self, sources: Sequence[SourceFile]) -> ManuscriptAnalysis:
        """Analyse files given in binder order and combine them into one manuscript."""
        with _gc_paused():
            return self._analyze(sources)

    def _analyze(self, sources: Sequence[SourceFile]) -> ManuscriptAnalysis:
        results: list[FileResult] = []
        keys: list[str] = []
        reused = 0
        measured: set[str] = set()  # keys measured during this run
        for source in sources:
            digest, key, analysis, cached = self.file_analysis(source.text)
            if not cached:
                measured.add(key)
            elif key in measured:
                cached = False  # a copy of a file measured a moment ago is not a cache hit
            reused += cached
            score = self._scores.get(key)
            if score is None:
                score = self._scores[key] = score_file(analysis, self.config.scoring)
            keys.append(key)
            results.append(
                FileResult(
                    path=source.path,
                    chapter=source.chapter,
                    sha256=digest,
                    analysis=analysis,
                    score=score,
                    cached=cached,
                )
            )
        self._sync_phrases(keys)
        if len(self._memory) > 2 * len(keys) + 32:
            self.forget_unused(keys)  # old versions of edited scenes: bound the memory
        return self._combine(results, reused)

    def _combine(self, results: list[FileResult], reused: int) -> ManuscriptAnalysis:
        analyses = [r.analysis for r in results]
        readability = Readability(
            words=sum(a.words for a in analyses),
            sentences=sum(a.sentences for a in analyses),
            syllables=sum(a.syllables for a in analyses),
            complex_words=sum(a.complex_words for a in analyses),
        )
        sentence_lengths = [n for a in analyses for n in a.sentence_lengths]
        paragraph_lengths = [n for a in analyses for n in a.paragraph_lengths]
        longest = sorted(
            ((r.path, s) for r in results for s in r.analysis.longest_sentences),
            key=lambda item: -item[1].words,
        )[:LONGEST_SENTENCES]
        flag_counts: Counter[str] = Counter()
        for a in analyses:
            flag_counts.update(f.rule for f in a.flags)
        phrases = overused_phrases(self._frequent, min_count=self.config.min_phrase_count)
        for phrase in phrases:
            phrase.files = sum(1 for a in analyses if phrase.phrase in a.phrases)
        return ManuscriptAnalysis(
            files=results,
            readability=readability,
            sentence_length=Distribution.of(sentence_lengths, SENTENCE_BINS),
            paragraph_length=Distribution.of(paragraph_lengths, PARAGRAPH_BINS),
            longest_sentences=longest,
            dialogue_words=sum(a.dialogue_words for a in analyses),
            flag_counts=dict(flag_counts),
            phrases=phrases,
            characters=self._characters(results),
            pacing=pacing_of([(r.path, r.chapter, r.analysis) for r in results]),
            words_per_minute=self.config.words_per_minute,
            reused=reused,
        )

    def _characters(self, results: list[FileResult]) -> list[CharacterSummary]:
        summaries = []
        for character in self.config.characters:
            summary = CharacterSummary(character=character)
            previous: int | None = None
            for index, result in enumerate(results):
                hits: CharacterHits | None = result.analysis.characters.get(character.name)
                summary.by_file[result.path] = hits.count if hits else 0
                if not hits:
                    continue
                summary.total += hits.count
                if summary.first is None:
                    summary.first = (result.path, hits.first_line)
                summary.last = (result.path, hits.last_line)
                if previous is not None and index - previous > 1:
                    summary.gaps.append((results[previous].path, result.path, index - previous - 1))
                previous = index
            summaries.append(summary)
        return summaries
