"""The craft score: 0–100 per scene file and per manuscript, from measurable sub-scores,
with a letter grade.

Every sub-score is a density (flags per 1,000 words) or a distribution measure (the spread
of sentence lengths, the share of sentences in same-length runs, the dialogue share, the
reading ease of the summed counts), never a count. So a text scores the same however it is
split into files, and a manuscript's score is the score of its pooled measurements, not
an average of file scores (averaging clamped scores would depend on the split). A file's
score depends on its length only through the small-sample floor of the densities.

Nothing is graded that is not prose: under :data:`MIN_SCORED_WORDS` words, when the
"words" are mostly symbols, numbers or one endless sentence, when the same few sentences
repeat (:data:`MIN_DISTINCT_SENTENCES`) or the words are not English
(:data:`MIN_DICTIONARY_WORDS`), the score is *withheld* with the reason, instead of a grade
for garbage.

Each sub-score is 0–100 with a weight; the total is the weighted mean of the sub-scores
*present*, so an AI-judged category (voice, character consistency) is one more
``SubScore(source="ai")`` appended later, with no change to the data model. Every
sub-score carries the violations that cost points and the line they are on (the first
:data:`MAX_VIOLATIONS`; the rest are counted). The formulas and constants are written
down in ``docs/analysis.md``; change both together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from writers_tui.analysis.models import (
    Distribution,
    FileAnalysis,
    Flag,
    Readability,
    Round1,
    share,
)

__all__ = [
    "GRADE_BANDS",
    "MAX_VIOLATIONS",
    "MIN_DICTIONARY_WORDS",
    "MIN_DISTINCT_SENTENCES",
    "MIN_SCORED_WORDS",
    "Measures",
    "Score",
    "ScoringConfig",
    "SubScore",
    "Violation",
    "grade_for",
    "score_file",
    "score_measures",
]

#: (minimum total, grade), best first; anything lower is a D.
GRADE_BANDS: tuple[tuple[float, str], ...] = (
    (92.0, "A"),
    (85.0, "A-"),
    (80.0, "B+"),
    (75.0, "B"),
    (70.0, "B-"),
    (65.0, "C+"),
    (60.0, "C"),
)
#: Fewer words than this are not scored: a grade needs a real sample of prose.
MIN_SCORED_WORDS = 100
#: Violations kept per sub-score (a file with 100,000 flags is scored from the counts).
MAX_VIOLATIONS = 100


def grade_for(total: float) -> str:
    """Letter grade of a 0–100 total (compared after rounding to one decimal)."""
    total = round(total, 1)
    for minimum, grade in GRADE_BANDS:
        if total >= minimum:
            return grade
    return "D"


@dataclass(slots=True)
class Violation:
    line: int
    column: int
    message: str
    rule: str


@dataclass(slots=True)
class SubScore:
    key: str
    name: str
    score: Round1
    weight: float
    source: Literal["measured", "ai"] = "measured"
    detail: str = ""
    violations: list[Violation] = field(default_factory=list)
    #: violations beyond the first :data:`MAX_VIOLATIONS`, counted but not listed
    violations_omitted: int = 0


@dataclass(slots=True)
class Score:
    subscores: list[SubScore] = field(default_factory=list)
    #: why there is no score (not enough prose), or None
    withheld: str | None = None

    @property
    def total(self) -> float | None:
        """Weighted mean of the sub-scores present (100 when there are none), or None
        when the score is withheld."""
        if self.withheld is not None:
            return None
        weight = sum(s.weight for s in self.subscores if s.weight > 0)
        if not weight:
            return 100.0
        return sum(s.score * s.weight for s in self.subscores if s.weight > 0) / weight

    @property
    def grade(self) -> str | None:
        total = self.total
        return None if total is None else grade_for(total)

    def with_subscore(self, subscore: SubScore) -> Score:
        """A copy with one more sub-score (how AI-judged categories join in)."""
        return Score(subscores=[*self.subscores, subscore], withheld=self.withheld)


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """The writer's targets and the weights (see docs/analysis.md for each formula)."""

    target_reading_ease: float = 65.0
    reading_ease_tolerance: float = 10.0
    dialogue_min: float = 0.15
    dialogue_max: float = 0.60
    weights: tuple[tuple[str, float], ...] = (
        ("anti_patterns", 25.0),
        ("similes", 10.0),
        ("sentence_variety", 15.0),
        ("repetition", 15.0),
        ("dialogue_balance", 10.0),
        ("readability", 10.0),
        ("economy", 15.0),
    )

    def weight(self, key: str) -> float:
        return dict(self.weights).get(key, 0.0)


@dataclass(slots=True)
class Measures:
    """What a score is computed from: one file's measurements, or a manuscript's pooled.

    ``flags`` are only kept for a file (to list violations); a manuscript's score lists
    none, its files' scores do.
    """

    words: int
    dialogue_words: int
    readability: Readability
    sentence_lengths: Sequence[int]
    sentence_lines: Sequence[int]
    flag_counts: Mapping[str, int]
    alphabetic_words: int
    word_chars: int
    text_chars: int
    #: alphabetic words the pronouncing dictionary knows
    dictionary_words: int = 0
    #: distinct sentences (by their case-folded words) among ``readability.sentences``
    distinct_sentences: int = 0
    flags: Sequence[Flag] = ()

    @classmethod
    def of_file(cls, analysis: FileAnalysis) -> Measures:
        return cls(
            words=analysis.words,
            dialogue_words=analysis.dialogue_words,
            readability=analysis.readability,
            sentence_lengths=analysis.sentence_lengths,
            sentence_lines=analysis.sentence_lines,
            flag_counts=Counter(f.rule for f in analysis.flags),
            alphabetic_words=analysis.alphabetic_words,
            word_chars=analysis.word_chars,
            text_chars=analysis.text_chars,
            dictionary_words=analysis.dictionary_words,
            distinct_sentences=len(analysis.sentence_hashes),
            flags=analysis.flags,
        )

    @classmethod
    def pooled(cls, analyses: Iterable[FileAnalysis]) -> Measures:
        """The files read as one text, in order (sentences never cross files, so the
        sentence sequence is the same as in one file holding them all)."""
        analyses = list(analyses)
        counts: Counter[str] = Counter()
        for a in analyses:
            counts.update(f.rule for f in a.flags)
        return cls(
            words=sum(a.words for a in analyses),
            dialogue_words=sum(a.dialogue_words for a in analyses),
            readability=Readability.of(
                sum(a.words for a in analyses),
                sum(a.sentences for a in analyses),
                sum(a.syllables for a in analyses),
                sum(a.complex_words for a in analyses),
            ),
            sentence_lengths=[n for a in analyses for n in a.sentence_lengths],
            sentence_lines=[],
            flag_counts=counts,
            alphabetic_words=sum(a.alphabetic_words for a in analyses),
            word_chars=sum(a.word_chars for a in analyses),
            text_chars=sum(a.text_chars for a in analyses),
            dictionary_words=sum(a.dictionary_words for a in analyses),
            # a union, not a sum: a chapter pasted twice repeats every sentence
            distinct_sentences=len(set().union(*(a.sentence_hashes for a in analyses))),
        )


#: An average sentence longer than this is not prose (the longest novels' sentences
#: average 20–40 words; a word list or a dump without full stops averages hundreds).
MAX_WORDS_PER_SENTENCE = 120


#: Under this share of distinct sentences, a text is the same few sentences over and over
#: ("I ran. I ran."), not prose. Novels repeat almost none: Pride and Prejudice 99.4 %
#: (every chapter ≥ 98.6 %), the demo chapters 100 %; such garbage is under 2 %.
MIN_DISTINCT_SENTENCES = 0.5
#: ... judged from this many sentences up (a short file may say "No." twice).
DISTINCT_SENTENCES_FROM = 10
#: Under this share of alphabetic words in the pronouncing dictionary, a text is not
#: English the lists and formulas can judge (Pride and Prejudice 98.9 %, every chapter
#: ≥ 98.1 %, the demo chapters ≥ 98.8 %; lorem ipsum 26 %). The margin leaves room for a
#: fantasy novel's invented names and dialect spellings.
MIN_DICTIONARY_WORDS = 0.7


def not_prose(m: Measures) -> str | None:
    """Why these measurements must not be graded, or None when they read as prose.

    Every rule is a ratio of counts that add up over files (the distinct sentences by a
    union of their hashes), so whether a text is withheld does not depend on how it is
    split: the manuscript is judged as its pooled text, each file as itself."""
    if m.words < MIN_SCORED_WORDS:
        return f"only {m.words} words: a score needs at least {MIN_SCORED_WORDS} words of prose"
    if m.word_chars < 0.6 * m.text_chars:
        return "mostly symbols, not words: this does not read as prose"
    if m.alphabetic_words < 0.6 * m.words:
        return "mostly numbers and codes, not words: this does not read as prose"
    sentences = m.readability.sentences
    if sentences and m.words / sentences > MAX_WORDS_PER_SENTENCE:
        return (
            f"{m.words / sentences:.0f} words per sentence: without sentence endings this "
            "does not read as prose"
        )
    distinct = share(m.distinct_sentences, sentences)
    if sentences >= DISTINCT_SENTENCES_FROM and distinct < MIN_DISTINCT_SENTENCES:
        return (
            f"only {distinct:.1%} of the {sentences} sentences are distinct: the same "
            "sentences repeated do not read as prose"
        )
    known = share(m.dictionary_words, m.alphabetic_words)
    if known < MIN_DICTIONARY_WORDS:
        return (
            f"only {known:.0%} of the words are English words: this is not English prose "
            "the analysis can judge"
        )
    return None


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


#: Densities are taken over at least this many words, so one flag in a 120-word scene
#: reads as one flag, not as eight per thousand.
MIN_DENSITY_WORDS = 250


def _per_thousand(count: int, words: int) -> float:
    return count * 1000.0 / max(words, MIN_DENSITY_WORDS)


def _violations(flags: Iterable[Flag], total: int) -> tuple[list[Violation], int]:
    listed: list[Violation] = []
    for flag in flags:
        if len(listed) >= MAX_VIOLATIONS:
            break
        listed.append(Violation(flag.line, flag.column, flag.message, flag.rule))
    return listed, max(0, total - len(listed))


def _density_score(
    key: str,
    name: str,
    rules: tuple[str, ...],
    m: Measures,
    *,
    allowance: float,
    slope: float,
    config: ScoringConfig,
) -> SubScore:
    count = sum(m.flag_counts.get(rule, 0) for rule in rules)
    density = _per_thousand(count, m.words)
    score = _clamp(100.0 - slope * max(0.0, density - allowance))
    listed, omitted = _violations((f for f in m.flags if f.rule in rules), count)
    return SubScore(
        key=key,
        name=name,
        score=score,
        weight=config.weight(key),
        detail=f"{count} in {m.words} words ({density:.1f} per 1,000"
        + (f", counted over {MIN_DENSITY_WORDS} words" if m.words < MIN_DENSITY_WORDS else "")
        + f"; {allowance:g} per 1,000 allowed, −{slope:g} per 1,000 over)",
        violations=listed,
        violations_omitted=omitted,
    )


#: Runs of this many sentences or more whose lengths stay within ±2 words read as a drone.
MONOTONE_RUN = 4
#: Share of sentences in such runs that costs nothing (Pride and Prejudice: 2.8 %).
MONOTONE_ALLOWANCE = 0.05


def _monotone_runs(lengths: Sequence[int]) -> list[tuple[int, int]]:
    """(first sentence, length) of each run of :data:`MONOTONE_RUN`+ sentences within ±2
    words of the run's first."""
    runs = []
    run_start = 0
    for i in range(1, len(lengths) + 1):
        if i < len(lengths) and abs(lengths[i] - lengths[run_start]) <= 2:
            continue
        if i - run_start >= MONOTONE_RUN:
            runs.append((run_start, i - run_start))
        run_start = i
    return runs


def _variety(m: Measures, config: ScoringConfig) -> SubScore:
    lengths = m.sentence_lengths
    lines = m.sentence_lines
    key = "sentence_variety"
    if len(lengths) < 3:
        return SubScore(key, "Sentence variety", 100.0, config.weight(key), detail="too short")
    spread = Distribution.of(list(lengths), ()).variation
    runs = _monotone_runs(lengths)
    in_runs = share(sum(n for _, n in runs), len(lengths))
    score = 100.0 * min(1.0, spread / 0.5) - 100.0 * max(0.0, in_runs - MONOTONE_ALLOWANCE)
    violations: list[Violation] = []
    if spread < 0.5:
        violations.append(
            Violation(
                line=lines[0] if lines else 1,
                column=1,
                message=f"Sentence lengths vary little (variation {spread:.2f}; aim for ≥ 0.50)",
                rule="low_variation",
            )
        )
    if lines:
        for first, n in runs[:MAX_VIOLATIONS]:
            violations.append(
                Violation(
                    line=lines[first],
                    column=1,
                    message=f"{n} sentences in a row of about {lengths[first]} words",
                    rule="monotone_run",
                )
            )
    return SubScore(
        key=key,
        name="Sentence variety",
        score=_clamp(score),
        weight=config.weight(key),
        detail=f"coefficient of variation {spread:.2f} (100 at ≥ 0.50); "
        f"{in_runs:.0%} of sentences in runs of {MONOTONE_RUN}+ of the same length "
        f"({MONOTONE_ALLOWANCE:.0%} free, −1 per point beyond)",
        violations=violations,
        violations_omitted=max(0, len(runs) - MAX_VIOLATIONS) if lines else 0,
    )


def _dialogue(m: Measures, config: ScoringConfig, first_line: int) -> SubScore:
    key = "dialogue_balance"
    dialogue = share(m.dialogue_words, m.words)
    low, high = config.dialogue_min, config.dialogue_max
    detail = f"dialogue {dialogue:.0%} of words (target {low:.0%}–{high:.0%}; −2 per point outside)"
    distance = low - dialogue if dialogue < low else dialogue - high if dialogue > high else 0.0
    violations = []
    if distance > 0:
        where = "below" if dialogue < low else "above"
        violations.append(
            Violation(
                line=first_line,
                column=1,
                message=f"Dialogue is {dialogue:.0%} of the words, {where} the "
                f"{low:.0%}–{high:.0%} band",
                rule="dialogue_share",
            )
        )
    return SubScore(
        key=key,
        name="Dialogue balance",
        score=_clamp(100.0 - 200.0 * distance),
        weight=config.weight(key),
        detail=detail,
        violations=violations,
    )


def _readability(readability: Readability, config: ScoringConfig, first_line: int) -> SubScore:
    key = "readability"
    ease = readability.flesch_reading_ease
    target = config.target_reading_ease
    gap = abs(ease - target)
    over = max(0.0, gap - config.reading_ease_tolerance)
    violations = []
    if over > 0:
        direction = "harder" if ease < target else "easier"
        violations.append(
            Violation(
                line=first_line,
                column=1,
                message=f"Reads {direction} than your target: Flesch reading ease "
                f"{ease:.0f} vs {target:.0f} (±{config.reading_ease_tolerance:g})",
                rule="reading_ease",
            )
        )
    return SubScore(
        key=key,
        name="Readability vs target",
        score=_clamp(100.0 - 3.0 * over),
        weight=config.weight(key),
        detail=f"Flesch reading ease {ease:.1f}, target {target:g} "
        f"(±{config.reading_ease_tolerance:g} free, −3 per point beyond)",
        violations=violations,
    )


ECONOMY_RULES = ("adverb", "filter_word", "intensifier", "passive")


def score_measures(m: Measures, config: ScoringConfig | None = None) -> Score:
    """The craft score of some measurements (a file's, or a manuscript's pooled)."""
    config = config or ScoringConfig()
    reason = not_prose(m)
    if reason is not None:
        return Score(withheld=reason)
    first_line = m.sentence_lines[0] if m.sentence_lines else 1
    subscores = [
        _density_score(
            "anti_patterns",
            "Anti-pattern compliance",
            ("anti_pattern", "cliche"),
            m,
            allowance=0.0,
            slope=20.0,
            config=config,
        ),
        _density_score(
            "similes", "Simile discipline", ("simile",), m, allowance=2.0, slope=15.0, config=config
        ),
        _variety(m, config),
        _density_score(
            "repetition",
            "Repetition (echo words)",
            ("echo",),
            m,
            allowance=8.0,
            slope=4.0,
            config=config,
        ),
        _dialogue(m, config, first_line),
        _readability(m.readability, config, first_line),
        _density_score(
            "economy", "Prose economy", ECONOMY_RULES, m, allowance=20.0, slope=2.0, config=config
        ),
    ]
    return Score(subscores=subscores)


def score_file(analysis: FileAnalysis, config: ScoringConfig | None = None) -> Score:
    """The craft score of one file from its measurements."""
    return score_measures(Measures.of_file(analysis), config)
