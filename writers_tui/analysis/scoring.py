"""The craft score: 0–100 per scene file, from measurable sub-scores, with a letter grade.

Each sub-score is 0–100 with a weight; the total is the weighted mean of the sub-scores
*present*, so an AI-judged category (voice, character consistency) is one more
``SubScore(source="ai")`` appended later, with no change to the data model. Every
sub-score carries the violations that cost points and the line they are on. The formulas
and constants are written down in ``docs/analysis.md``; change both together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from writers_tui.analysis.models import Distribution, FileAnalysis, Flag, Readability

__all__ = [
    "GRADE_BANDS",
    "Score",
    "ScoringConfig",
    "SubScore",
    "Violation",
    "grade_for",
    "score_file",
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "rule": self.rule,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Violation:
        return cls(
            line=int(data["line"]),
            column=int(data["column"]),
            message=str(data["message"]),
            rule=str(data["rule"]),
        )


@dataclass(slots=True)
class SubScore:
    key: str
    name: str
    score: float
    weight: float
    source: Literal["measured", "ai"] = "measured"
    detail: str = ""
    violations: list[Violation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "score": round(self.score, 1),
            "weight": self.weight,
            "source": self.source,
            "detail": self.detail,
            "violations": [v.to_dict() for v in self.violations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubScore:
        source = "ai" if data.get("source") == "ai" else "measured"
        return cls(
            key=str(data["key"]),
            name=str(data["name"]),
            score=float(data["score"]),
            weight=float(data["weight"]),
            source=source,
            detail=str(data.get("detail", "")),
            violations=[Violation.from_dict(v) for v in data.get("violations", [])],
        )


@dataclass(slots=True)
class Score:
    subscores: list[SubScore] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Weighted mean of the sub-scores present (100 when there are none)."""
        weight = sum(s.weight for s in self.subscores if s.weight > 0)
        if not weight:
            return 100.0
        return sum(s.score * s.weight for s in self.subscores if s.weight > 0) / weight

    @property
    def grade(self) -> str:
        return grade_for(self.total)

    def with_subscore(self, subscore: SubScore) -> Score:
        """A copy with one more sub-score (how AI-judged categories join in)."""
        return Score(subscores=[*self.subscores, subscore])

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 1),
            "grade": self.grade,
            "subscores": [s.to_dict() for s in self.subscores],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Score:
        return cls(subscores=[SubScore.from_dict(s) for s in data.get("subscores", [])])


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


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


#: Densities are taken over at least this many words, so one flag in a 20-word scene
#: reads as one flag, not as fifty per thousand.
MIN_DENSITY_WORDS = 250


def _per_thousand(count: int, words: int) -> float:
    return count * 1000.0 / max(words, MIN_DENSITY_WORDS)


def _violations(flags: Sequence[Flag]) -> list[Violation]:
    return [Violation(line=f.line, column=f.column, message=f.message, rule=f.rule) for f in flags]


def _density_score(
    key: str,
    name: str,
    flags: list[Flag],
    words: int,
    *,
    allowance: float,
    slope: float,
    config: ScoringConfig,
) -> SubScore:
    density = _per_thousand(len(flags), words)
    score = _clamp(100.0 - slope * max(0.0, density - allowance))
    return SubScore(
        key=key,
        name=name,
        score=score,
        weight=config.weight(key),
        detail=f"{len(flags)} in {words} words ({density:.1f} per 1,000"
        + (f", counted over {MIN_DENSITY_WORDS} words" if words < MIN_DENSITY_WORDS else "")
        + f"; {allowance:g} per 1,000 allowed, −{slope:g} per 1,000 over)",
        violations=_violations(flags),
    )


#: Runs of this many sentences or more whose lengths stay within ±2 words read as a drone.
MONOTONE_RUN = 4


def _variety(analysis: FileAnalysis, config: ScoringConfig) -> SubScore:
    lengths = analysis.sentence_lengths
    lines = analysis.sentence_lines
    key = "sentence_variety"
    if len(lengths) < 3:
        return SubScore(key, "Sentence variety", 100.0, config.weight(key), detail="too short")
    spread = Distribution.of(lengths, ()).variation
    score = 100.0 * min(1.0, spread / 0.5)
    violations: list[Violation] = []
    run_start = 0
    for i in range(1, len(lengths) + 1):
        if i < len(lengths) and abs(lengths[i] - lengths[run_start]) <= 2:
            continue
        if i - run_start >= MONOTONE_RUN:
            line = lines[run_start] if run_start < len(lines) else 1
            violations.append(
                Violation(
                    line=line,
                    column=1,
                    message=f"{i - run_start} sentences in a row of about "
                    f"{lengths[run_start]} words",
                    rule="monotone_run",
                )
            )
        run_start = i
    score -= 5.0 * len(violations)
    if spread < 0.5:
        violations.insert(
            0,
            Violation(
                line=lines[0] if lines else 1,
                column=1,
                message=f"Sentence lengths vary little (variation {spread:.2f}; aim for ≥ 0.50)",
                rule="low_variation",
            ),
        )
    return SubScore(
        key=key,
        name="Sentence variety",
        score=_clamp(score),
        weight=config.weight(key),
        detail=f"coefficient of variation {spread:.2f} (100 at ≥ 0.50); "
        f"−5 per run of {MONOTONE_RUN}+ same-length sentences",
        violations=violations,
    )


def _dialogue(analysis: FileAnalysis, config: ScoringConfig) -> SubScore:
    key = "dialogue_balance"
    share = analysis.dialogue_share
    low, high = config.dialogue_min, config.dialogue_max
    detail = f"dialogue {share:.0%} of words (target {low:.0%}–{high:.0%}; −2 per point outside)"
    if analysis.words < 100:
        return SubScore(key, "Dialogue balance", 100.0, config.weight(key), detail="too short")
    distance = low - share if share < low else share - high if share > high else 0.0
    violations = []
    if distance > 0:
        where = "below" if share < low else "above"
        violations.append(
            Violation(
                line=analysis.scenes[0].line if analysis.scenes else 1,
                column=1,
                message=f"Dialogue is {share:.0%} of the words, {where} the "
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
    if not readability.words:
        return SubScore(key, "Readability vs target", 100.0, config.weight(key), detail="empty")
    return SubScore(
        key=key,
        name="Readability vs target",
        score=_clamp(100.0 - 3.0 * over),
        weight=config.weight(key),
        detail=f"Flesch reading ease {ease:.1f}, target {target:g} "
        f"(±{config.reading_ease_tolerance:g} free, −3 per point beyond)",
        violations=violations,
    )


def score_file(analysis: FileAnalysis, config: ScoringConfig | None = None) -> Score:
    """The craft score of one file from its measurements."""
    config = config or ScoringConfig()
    by_rule: dict[str, list[Flag]] = {}
    for flag in analysis.flags:
        by_rule.setdefault(flag.rule, []).append(flag)
    words = analysis.words
    first_line = analysis.sentence_lines[0] if analysis.sentence_lines else 1
    anti = sorted(
        by_rule.get("anti_pattern", []) + by_rule.get("cliche", []),
        key=lambda f: (f.line, f.column),
    )
    economy = sorted(
        by_rule.get("adverb", [])
        + by_rule.get("filter_word", [])
        + by_rule.get("intensifier", [])
        + by_rule.get("passive", []),
        key=lambda f: (f.line, f.column),
    )
    subscores = [
        _density_score(
            "anti_patterns",
            "Anti-pattern compliance",
            anti,
            words,
            allowance=0.0,
            slope=20.0,
            config=config,
        ),
        _density_score(
            "similes",
            "Simile discipline",
            by_rule.get("simile", []),
            words,
            allowance=2.0,
            slope=15.0,
            config=config,
        ),
        _variety(analysis, config),
        _density_score(
            "repetition",
            "Repetition (echo words)",
            by_rule.get("echo", []),
            words,
            allowance=8.0,
            slope=4.0,
            config=config,
        ),
        _dialogue(analysis, config),
        _readability(analysis.readability, config, first_line),
        _density_score(
            "economy",
            "Prose economy",
            economy,
            words,
            allowance=20.0,
            slope=2.0,
            config=config,
        ),
    ]
    return Score(subscores=subscores)
