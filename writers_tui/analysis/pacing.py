"""Pacing: how the words are spread over scenes and chapters, in binder order.

A *chapter* is the folder a scene file sits in under ``manuscript/`` (files directly in
``manuscript/`` are each their own chapter). Scene-length outliers use Tukey's fences:
a scene is long when it has more words than Q3 + 1.5·IQR and short below Q1 − 1.5·IQR,
over all scenes of the manuscript (scenes are split by ``---``/``***`` breaks inside
files). With fewer than four scenes nothing is an outlier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import quantiles
from typing import Annotated

from pydantic import Field

from writers_tui.analysis.models import FileAnalysis, Round4, share

__all__ = ["ChapterPace", "FilePace", "Pacing", "SceneOutlier", "pacing_of"]


@dataclass(slots=True)
class FilePace:
    path: str
    words: int
    dialogue_share: Round4


@dataclass(slots=True)
class ChapterPace:
    chapter: str
    files: int = 0
    words: int = 0
    dialogue_share: Round4 = 0.0
    dialogue_words: Annotated[int, Field(exclude=True)] = 0


@dataclass(slots=True)
class SceneOutlier:
    path: str
    scene: int
    line: int
    words: int
    kind: str  # "long" or "short"


@dataclass(slots=True)
class Pacing:
    files: list[FilePace] = field(default_factory=list)
    chapters: list[ChapterPace] = field(default_factory=list)
    fences: Annotated[
        tuple[float, float] | None, Field(serialization_alias="scene_length_fences")
    ] = None
    outliers: Annotated[list[SceneOutlier], Field(serialization_alias="scene_outliers")] = field(
        default_factory=list
    )


def pacing_of(files: Sequence[tuple[str, str, FileAnalysis]]) -> Pacing:
    """Pacing over ``(path, chapter, analysis)`` triples given in binder order."""
    result = Pacing()
    chapters: dict[str, ChapterPace] = {}
    scenes: list[tuple[str, int, int, int]] = []
    for path, chapter, analysis in files:
        result.files.append(FilePace(path, analysis.words, analysis.dialogue_share))
        pace = chapters.get(chapter)
        if pace is None:
            pace = chapters[chapter] = ChapterPace(chapter=chapter)
            result.chapters.append(pace)
        pace.files += 1
        pace.words += analysis.words
        pace.dialogue_words += analysis.dialogue_words
        for scene in analysis.scenes:
            if scene.words:
                scenes.append((path, scene.index, scene.line, scene.words))
    for pace in result.chapters:
        pace.dialogue_share = share(pace.dialogue_words, pace.words)
    if len(scenes) >= 4:
        q1, _, q3 = quantiles([s[3] for s in scenes], n=4, method="inclusive")
        low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
        result.fences = (round(low, 1), round(high, 1))
        for path, index, line, words in scenes:
            if words > high or words < low:
                kind = "long" if words > high else "short"
                result.outliers.append(SceneOutlier(path, index, line, words, kind))
    return result
