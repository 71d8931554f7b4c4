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
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Protocol
from zlib import crc32

from writers_tui.analysis.characters import Character, characters_fingerprint, count_mentions
from writers_tui.analysis.lists import StyleLists, default_lists
from writers_tui.analysis.models import (
    PARAGRAPH_BINS,
    SENTENCE_BINS,
    CharacterHits,
    Distribution,
    FileAnalysis,
    Flag,
    HeadingRef,
    Mention,
    Readability,
    SceneStats,
    SentenceRef,
)
from writers_tui.analysis.pacing import Pacing, pacing_of
from writers_tui.analysis.readability import word_counts
from writers_tui.analysis.repetition import (
    RepeatedPhrase,
    find_echoes,
    overused_phrases,
    phrase_counts,
)
from writers_tui.analysis.scoring import Measures, Score, ScoringConfig, score_file, score_measures
from writers_tui.analysis.spelling import SpellingConfig, find_misspellings, speller_for
from writers_tui.analysis.style import find_style_flags
from writers_tui.analysis.text import QUOTE_STYLES, Sentence, parse_document
from writers_tui.wordcount import normalize_newlines

__all__ = [
    "ANALYZER_VERSION",
    "AnalysisConfig",
    "Analyzer",
    "CharacterSummary",
    "FileResult",
    "FileStore",
    "Gap",
    "ManuscriptAnalysis",
    "Place",
    "SourceFile",
    "UnattributedSummary",
    "analyze_text",
    "text_sha256",
]

#: Bump when a change to the measuring code changes any per-file result.
ANALYZER_VERSION = "4"
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
    #: which quote marks open dialogue: "auto" (all), "double" or "single" (British)
    quote_style: str = "auto"
    #: filter words inside dialogue are the character's voice: not flagged unless asked
    flag_filter_words_in_dialogue: bool = False
    #: the spell check, or None for none (the runner turns it on per the project's
    #: settings: on by default there); off here so a bare measurement needs no dictionary
    spelling: SpellingConfig | None = None
    scoring: ScoringConfig = field(default_factory=ScoringConfig)

    def __post_init__(self) -> None:
        if self.quote_style not in QUOTE_STYLES:
            raise ValueError(f"quote_style must be one of {', '.join(QUOTE_STYLES)}")

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
            self.quote_style,
            str(self.flag_filter_words_in_dialogue),
            self.spelling.fingerprint if self.spelling else "no spelling",
        )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def text_sha256(text: str) -> str:
    """SHA-256 of the text as UTF-8: for a valid UTF-8 file, the hash of its bytes."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[: _PREVIEW - 1] + "…"


def _flag_order(flag: Flag) -> tuple[int, int, str]:
    return flag.line, flag.column, flag.rule


def sentence_hashes(sentences: Iterable[Sentence]) -> list[int]:
    """The distinct sentences, as sorted CRC-32s of their case-folded words (punctuation
    and spacing do not count; "I ran." and "i ran!" are the same sentence).

    A stable hash, not ``hash()`` (salted per process), because results are cached and
    united across files and runs. 32 bits: on a million distinct sentences about a hundred
    collide, which moves a share by 0.01 %. Only the hashes are kept, never a set of the
    sentences' strings (as large as the text itself)."""
    return sorted(
        {crc32("\x1f".join(s.tokens).encode("utf-8", "surrogatepass")) for s in sentences}
    )


def analyze_text(text: str, config: AnalysisConfig | None = None) -> FileAnalysis:
    """Measure one Markdown file. Pure; never raises on odd input."""
    config = config or AnalysisConfig()
    text = normalize_newlines(text)
    doc = parse_document(text, config.quote_style)
    sentences = doc.sentences
    paragraphs = doc.paragraphs
    # counted from the sentences, not from one flat list of every token (16 bytes a
    # sentence of "I ran." on a megabyte of it)
    vocabulary = Counter(chain.from_iterable(sentence.tokens for sentence in sentences))
    counted = word_counts(vocabulary)
    word_chars = sum(len(word) * n for word, n in vocabulary.items())
    prose = doc.prose
    text_chars = len(prose) - sum(prose.count(space) for space in " \n\t\u00a0")
    longest = heapq.nsmallest(LONGEST_SENTENCES, sentences, key=lambda s: (-s.words, s.start))
    stopwords = config.lists.get("stopwords")
    style = find_style_flags(
        doc, config.lists, filter_words_in_dialogue=config.flag_filter_words_in_dialogue
    )
    echoes = find_echoes(
        doc, stopwords, window=config.echo_window, min_length=config.echo_min_length
    )
    spelling = (
        find_misspellings(doc, vocabulary, speller_for(config.spelling)) if config.spelling else []
    )
    # the lists are in text order already: merging costs no sort keys for every flag
    flags = list(heapq.merge(style, echoes, spelling, key=_flag_order))
    del style, echoes, spelling
    characters: dict[str, CharacterHits] = {}
    unattributed: dict[str, Mention] = {}
    if config.characters:
        characters, unattributed = count_mentions(doc, config.characters)
    return FileAnalysis(
        words=doc.words,
        sentences=len(sentences),
        paragraphs=len(paragraphs),
        dialogue_words=sum(p.dialogue_words for p in paragraphs),
        syllables=counted.syllables,
        complex_words=counted.complex_words,
        alphabetic_words=counted.alphabetic,
        word_chars=word_chars,
        text_chars=text_chars,
        dictionary_words=counted.dictionary,
        sentence_hashes=sentence_hashes(sentences),
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
            SceneStats.of(
                scene.index, scene.line, scene.end_line, scene.words, scene.dialogue_words
            )
            for scene in doc.scenes
            if scene.paragraphs
        ],
        flags=flags,
        phrases=phrase_counts(doc, stopwords, config.phrase_sizes),
        characters=characters,
        unattributed=unattributed,
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


@dataclass(slots=True)
class Place:
    path: str
    line: int


@dataclass(slots=True)
class Gap:
    """A run of ``files`` consecutive files without a mention, between two that have one."""

    after: str
    before: str
    files: int


@dataclass(slots=True)
class CharacterSummary:
    character: Character
    total: int = 0
    by_file: dict[str, int] = field(default_factory=dict)
    first: Place | None = None
    last: Place | None = None
    gaps: list[Gap] = field(default_factory=list)


@dataclass(slots=True)
class UnattributedSummary:
    """A name-like mention the story bible cannot pin on one character (see
    :class:`~writers_tui.analysis.models.Mention`), over the manuscript."""

    text: str
    mentions: int = 0
    candidates: list[str] = field(default_factory=list)
    first: Place | None = None
    by_file: dict[str, int] = field(default_factory=dict)


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
    unattributed: list[UnattributedSummary] = field(default_factory=list)
    words_per_minute: int = 250
    reused: int = 0  # files whose result came from a cache filled before this run
    scoring_config: ScoringConfig = field(default_factory=ScoringConfig)

    @property
    def words(self) -> int:
        return self.readability.words

    @property
    def score(self) -> Score:
        """The manuscript's score: its pooled measurements scored as one text, so the
        same book scores the same in one file or in chapters (see :mod:`.scoring`)."""
        return score_measures(Measures.pooled(f.analysis for f in self.files), self.scoring_config)

    @property
    def score_total(self) -> float | None:
        return self.score.total


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
        readability = Readability.of(
            sum(a.words for a in analyses),
            sum(a.sentences for a in analyses),
            sum(a.syllables for a in analyses),
            sum(a.complex_words for a in analyses),
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
            unattributed=_unattributed(results),
            words_per_minute=self.config.words_per_minute,
            reused=reused,
            scoring_config=self.config.scoring,
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
                    summary.first = Place(result.path, hits.first_line)
                summary.last = Place(result.path, hits.last_line)
                if previous is not None and index - previous > 1:
                    summary.gaps.append(
                        Gap(results[previous].path, result.path, index - previous - 1)
                    )
                previous = index
            summaries.append(summary)
        return summaries


def _unattributed(results: list[FileResult]) -> list[UnattributedSummary]:
    """Name-like mentions no character can claim, over the manuscript, most frequent first."""
    merged: dict[str, UnattributedSummary] = {}
    for result in results:
        for text, mention in result.analysis.unattributed.items():
            found = merged.get(text)
            if found is None:
                found = merged[text] = UnattributedSummary(
                    text=text,
                    candidates=list(mention.candidates),
                    first=Place(result.path, mention.first_line),
                )
            found.mentions += mention.count
            found.by_file[result.path] = mention.count
    return sorted(merged.values(), key=lambda m: (-m.mentions, m.text))
