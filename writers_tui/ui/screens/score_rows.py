"""The Scoring stage's rows: scores per chapter and scene, and the trend over runs.

A chapter's score is the score of its files' pooled measurements (as the engine scores the
manuscript; docs/analysis.md), so it does not depend on how the chapter is split into
files. The trend reads the ``scores.jsonl`` records (one per scored file per run).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from writers_tui.analysis import ManuscriptAnalysis, Score
from writers_tui.analysis.scoring import Measures, score_measures
from writers_tui.ui.screens.dashboard_rows import by_chapter


@dataclass(frozen=True)
class ScoreRow:
    key: str  # "manuscript", "chapter:<name>" or the file's path
    label: str
    words: int
    score: Score
    path: str | None = None  # the file, for scene rows (violations jump there)

    def cells(self) -> tuple[str, str, str, str]:
        total = self.score.total
        if total is None:
            return self.label, f"{self.words:,}", "—", f"not scored: {self.score.withheld}"
        return self.label, f"{self.words:,}", f"{total:.1f}", self.score.grade or ""


def _title(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def score_rows(analysis: ManuscriptAnalysis) -> list[ScoreRow]:
    """The manuscript, then each chapter; a chapter of several files lists its scenes
    under it (a one-file chapter *is* its scene: one row)."""
    rows = [ScoreRow("manuscript", "Manuscript", analysis.words, analysis.score)]
    for chapter, results in by_chapter(analysis).items():
        if len(results) == 1:
            only = results[0]
            rows.append(ScoreRow(only.path, chapter, only.analysis.words, only.score, only.path))
            continue
        pooled = score_measures(
            Measures.pooled(r.analysis for r in results), analysis.scoring_config
        )
        words = sum(r.analysis.words for r in results)
        rows.append(ScoreRow(f"chapter:{chapter}", chapter, words, pooled))
        for r in results:
            rows.append(ScoreRow(r.path, f"  {_title(r.path)}", r.analysis.words, r.score, r.path))
    return rows


def runs(records: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """The records grouped by run, oldest run first (a record without ``run_id`` is its
    own run)."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for index, record in enumerate(records):
        grouped.setdefault(str(record.get("run_id") or f"#{index}"), []).append(record)
    return list(grouped.values())


def manuscript_trend(records: Sequence[Mapping[str, Any]]) -> list[float]:
    """Per run, the scene scores' mean weighted by words (the log keeps no manuscript
    total, so this is the nearest honest figure)."""
    points = []
    for run in runs(records):
        scored = [
            (float(r["total"]), int(r.get("words") or 0)) for r in run if r.get("total") is not None
        ]
        weight = sum(w for _, w in scored)
        if scored:
            points.append(
                sum(t * w for t, w in scored) / weight
                if weight
                else sum(t for t, _ in scored) / len(scored)
            )
    return points


def file_trend(records: Sequence[Mapping[str, Any]], path: str) -> list[float]:
    return [
        float(r["total"]) for r in records if r.get("path") == path and r.get("total") is not None
    ]
