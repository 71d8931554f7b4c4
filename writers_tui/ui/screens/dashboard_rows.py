"""The Analyzing dashboard's figures, as plain rows: pure functions of an analysis.

Chapter figures are recombined from the chapter's files (summed counts, never averaged
ratios), the way the engine combines a manuscript (docs/analysis.md), so a chapter's
reading ease is the same whether it is one file or ten.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from writers_tui.analysis import ManuscriptAnalysis
from writers_tui.analysis.manuscript import FileResult
from writers_tui.analysis.models import SENTENCE_BINS, Distribution, Readability, share
from writers_tui.ui.widgets.unicode_charts import hbar, shade


@dataclass(frozen=True)
class ChapterRow:
    chapter: str
    files: int
    words: int
    dialogue_share: float
    reading_ease: float
    variety: float  # coefficient of variation of sentence lengths

    def cells(self) -> tuple[str, str, str, str, str, str]:
        return (
            self.chapter,
            f"{self.files}",
            f"{self.words:,}",
            f"{self.dialogue_share:.0%}",
            f"{self.reading_ease:.1f}",
            f"{self.variety:.2f}",
        )


def by_chapter(analysis: ManuscriptAnalysis) -> dict[str, list[FileResult]]:
    """The files of each chapter, chapters and files in binder order."""
    chapters: dict[str, list[FileResult]] = {}
    for result in analysis.files:
        chapters.setdefault(result.chapter, []).append(result)
    return chapters


def chapter_rows(analysis: ManuscriptAnalysis) -> list[ChapterRow]:
    rows = []
    for chapter, results in by_chapter(analysis).items():
        files = [r.analysis for r in results]
        words = sum(a.words for a in files)
        readability = Readability.of(
            words,
            sum(a.sentences for a in files),
            sum(a.syllables for a in files),
            sum(a.complex_words for a in files),
        )
        lengths = [n for a in files for n in a.sentence_lengths]
        rows.append(
            ChapterRow(
                chapter=chapter,
                files=len(files),
                words=words,
                dialogue_share=share(sum(a.dialogue_words for a in files), words),
                reading_ease=readability.flesch_reading_ease,
                variety=Distribution.of(lengths, SENTENCE_BINS).variation,
            )
        )
    return rows


def _file_label(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def pacing_text(analysis: ManuscriptAnalysis, *, width: int = 36, label: int = 24) -> Text:
    """One line per scene in binder order: words as a bar, dialogue share as a bar,
    and a mark on the scenes whose length is an outlier (Tukey's fences)."""
    outliers = {(o.path, o.scene): o.kind for o in analysis.pacing.outliers}
    scenes = [(r.path, s) for r in analysis.files for s in r.analysis.scenes if s.words]
    longest = max((s.words for _, s in scenes), default=0)
    text = Text()
    text.append(f"{'scene':<{label}}  {'words':<{width + 7}}  dialogue\n", style="bold")
    for path, scene in scenes:
        many = sum(1 for p, _ in scenes if p == path) > 1
        name = _file_label(path) + (f" §{scene.index + 1}" if many else "")
        name = name if len(name) <= label else name[: label - 1] + "…"
        text.append(f"{name:<{label}}  ")
        text.append(f"{hbar(scene.words, longest, width):<{width}}", style="bold")
        text.append(f" {scene.words:>6,}  ")
        text.append(f"{hbar(scene.dialogue_share, 1.0, 10):<10}", style="italic")
        text.append(f" {scene.dialogue_share:>4.0%}")
        kind = outliers.get((path, scene.index))
        if kind:
            text.append(f"  ◆ {kind} scene", style="reverse")
        text.append("\n")
    fences = analysis.pacing.fences
    if fences is None:
        text.append("Outliers need at least 4 scenes.", style="dim")
    else:
        count = len(analysis.pacing.outliers)
        marked = f"{count} marked ◆" if count else "none"
        text.append(
            f"Scene-length outliers (outside {max(fences[0], 0):,.0f}–{fences[1]:,.0f} words): "
            f"{marked}.",
            style="dim",
        )
    return text


@dataclass(frozen=True)
class PresenceRow:
    chapter: str
    counts: tuple[int, ...]


def presence(analysis: ManuscriptAnalysis) -> tuple[list[str], list[PresenceRow]]:
    """(character names, one row of mention counts per chapter)."""
    names = [c.character.name for c in analysis.characters]
    rows = []
    for chapter, results in by_chapter(analysis).items():
        paths = [r.path for r in results]
        rows.append(
            PresenceRow(
                chapter,
                tuple(sum(c.by_file.get(p, 0) for p in paths) for c in analysis.characters),
            )
        )
    return names, rows


def presence_cell(count: int, maximum: int) -> str:
    return f"{shade(count, maximum) * 2} {count}" if count else "·"


def unattributed_note(analysis: ManuscriptAnalysis) -> str:
    if not analysis.unattributed:
        return "Every name-like mention was attributed to a character of the story bible."
    parts = []
    for mention in analysis.unattributed[:6]:
        could = f" (could be {', '.join(mention.candidates)})" if mention.candidates else ""
        where = f", first in {_file_label(mention.first.path)}" if mention.first else ""
        parts.append(f"“{mention.text}” ×{mention.mentions}{could}{where}")
    more = len(analysis.unattributed) - 6
    tail = f" … and {more} more" if more > 0 else ""
    return (
        "Not attributed (declare an alias in reference/characters/ to settle them): "
        + "; ".join(parts)
        + tail
    )
