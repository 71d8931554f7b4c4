"""The JSON shape of ``writers-tui analyze --json`` (documented in ``docs/analysis.md``).

Dataclasses describe the document; pydantic's :class:`~pydantic.TypeAdapter` writes it, so
rounding and field names are declared on the fields (:mod:`.models`) and nothing here
builds a dict by hand. A file with thousands of flags lists the first
:data:`MAX_LISTED_FLAGS` and counts the rest: the counts and the score use all of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import TypeAdapter

from writers_tui.analysis.manuscript import (
    Gap,
    ManuscriptAnalysis,
    Place,
    UnattributedSummary,
)
from writers_tui.analysis.models import (
    PARAGRAPH_BINS,
    SENTENCE_BINS,
    CharacterHits,
    Distribution,
    Flag,
    HeadingRef,
    Mention,
    Readability,
    Round1,
    Round4,
    SceneStats,
    SentenceRef,
    share,
)
from writers_tui.analysis.pacing import Pacing
from writers_tui.analysis.repetition import RepeatedPhrase
from writers_tui.analysis.scoring import Score, SubScore

__all__ = ["DOCUMENT", "MAX_LISTED_FLAGS", "AnalyzeDocument", "ManuscriptOut", "Skipped"]

#: Flags listed per file in the JSON (``flags_omitted`` counts the rest).
MAX_LISTED_FLAGS = 1000


@dataclass(slots=True)
class ScoreOut:
    total: Round1 | None
    grade: str | None
    subscores: list[SubScore]
    #: why there is no score (too little prose, or not prose), else None
    withheld: str | None = None

    @classmethod
    def of(cls, score: Score) -> ScoreOut:
        return cls(score.total, score.grade, score.subscores, score.withheld)


@dataclass(slots=True)
class FileOut:
    path: str
    chapter: str
    sha256: str
    words: int
    sentences: int
    paragraphs: int
    reading_time_minutes: Round1
    dialogue_words: int
    narration_words: int
    dialogue_share: Round4
    sentence_length: Distribution
    longest_sentences: list[SentenceRef]
    paragraph_length: Distribution
    readability: Readability
    headings: list[HeadingRef]
    scene_breaks: list[int]
    scenes: list[SceneStats]
    flag_counts: dict[str, int]
    flags: list[Flag]
    flags_omitted: int
    characters: dict[str, CharacterHits]
    unattributed: dict[str, Mention]
    score: ScoreOut


@dataclass(slots=True)
class LongestOut:
    path: str
    line: int
    words: int
    text: str


@dataclass(slots=True)
class TotalsOut:
    files: int
    words: int
    sentences: int
    paragraphs: int
    reading_time_minutes: Round1
    dialogue_words: int
    narration_words: int
    dialogue_share: Round4
    sentence_length: Distribution
    paragraph_length: Distribution
    longest_sentences: list[LongestOut]
    readability: Readability
    flag_counts: dict[str, int]
    score: ScoreOut


@dataclass(slots=True)
class CharacterOut:
    name: str
    aliases: list[str]
    source: str
    mentions: int
    by_file: dict[str, int]
    first: Place | None
    last: Place | None
    gaps: list[Gap]


@dataclass(slots=True)
class RepetitionOut:
    overused_phrases: list[RepeatedPhrase]


@dataclass(slots=True)
class CacheOut:
    reused: int
    analysed: int


@dataclass(slots=True)
class Skipped:
    """A file found in a folder but not analysed (a binary file renamed ``.md``)."""

    path: str
    reason: str


@dataclass(slots=True)
class ManuscriptOut:
    project: str | None
    target_reading_ease: float
    files: list[FileOut]
    totals: TotalsOut
    repetition: RepetitionOut
    characters: list[CharacterOut]
    unattributed: list[UnattributedSummary]
    pacing: Pacing
    cache: CacheOut
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        m: ManuscriptAnalysis,
        *,
        project: str | None,
        target_reading_ease: float,
        warnings: list[str] | None = None,
        skipped: list[Skipped] | None = None,
    ) -> ManuscriptOut:
        wpm = m.words_per_minute
        files = []
        for f in m.files:
            a = f.analysis
            files.append(
                FileOut(
                    path=f.path,
                    chapter=f.chapter,
                    sha256=f.sha256,
                    words=a.words,
                    sentences=a.sentences,
                    paragraphs=a.paragraphs,
                    reading_time_minutes=a.words / wpm,
                    dialogue_words=a.dialogue_words,
                    narration_words=a.words - a.dialogue_words,
                    dialogue_share=a.dialogue_share,
                    sentence_length=Distribution.of(a.sentence_lengths, SENTENCE_BINS),
                    longest_sentences=a.longest_sentences,
                    paragraph_length=Distribution.of(a.paragraph_lengths, PARAGRAPH_BINS),
                    readability=a.readability,
                    headings=a.headings,
                    scene_breaks=a.scene_breaks,
                    scenes=a.scenes,
                    flag_counts=dict(sorted(Counter(x.rule for x in a.flags).items())),
                    flags=a.flags[:MAX_LISTED_FLAGS],
                    flags_omitted=max(0, len(a.flags) - MAX_LISTED_FLAGS),
                    characters=a.characters,
                    unattributed=a.unattributed,
                    score=ScoreOut.of(f.score),
                )
            )
        words = m.words
        totals = TotalsOut(
            files=len(m.files),
            words=words,
            sentences=m.readability.sentences,
            paragraphs=m.paragraph_length.count,
            reading_time_minutes=words / wpm,
            dialogue_words=m.dialogue_words,
            narration_words=words - m.dialogue_words,
            dialogue_share=share(m.dialogue_words, words),
            sentence_length=m.sentence_length,
            paragraph_length=m.paragraph_length,
            longest_sentences=[
                LongestOut(path, ref.line, ref.words, ref.text) for path, ref in m.longest_sentences
            ],
            readability=m.readability,
            flag_counts=dict(sorted(m.flag_counts.items())),
            score=ScoreOut.of(m.score),
        )
        characters = [
            CharacterOut(
                name=c.character.name,
                aliases=list(c.character.aliases),
                source=c.character.source,
                mentions=c.total,
                by_file=c.by_file,
                first=c.first,
                last=c.last,
                gaps=c.gaps,
            )
            for c in m.characters
        ]
        return cls(
            project=project,
            target_reading_ease=target_reading_ease,
            files=files,
            totals=totals,
            repetition=RepetitionOut(m.phrases),
            characters=characters,
            unattributed=m.unattributed,
            pacing=m.pacing,
            cache=CacheOut(m.reused, len(m.files) - m.reused),
            warnings=warnings or [],
            skipped=skipped or [],
        )


@dataclass(slots=True)
class AnalyzeDocument:
    schema_version: int
    analyzer_version: str
    generated_at: str
    manuscripts: list[ManuscriptOut]


#: Writes the ``--json`` document: ``DOCUMENT.dump_json(doc, by_alias=True, indent=2)``.
DOCUMENT: TypeAdapter[AnalyzeDocument] = TypeAdapter(AnalyzeDocument)
MANUSCRIPT: TypeAdapter[ManuscriptOut] = TypeAdapter(ManuscriptOut)
