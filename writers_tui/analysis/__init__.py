"""Offline manuscript analysis and scoring: the engine behind the Analyzing and Scoring
stages and ``writers-tui analyze``.

Pure functions over text (no Textual, no I/O in the metric modules):

- :mod:`.text` parses Markdown into scenes, paragraphs, sentences and words;
- :mod:`.readability` and :mod:`.syllables` compute Flesch, Flesch–Kincaid and fog;
- :mod:`.style` flags adverbs, filter words, intensifiers, passives, similes, clichés
  and anti-patterns, from the word lists in :mod:`.lists`;
- :mod:`.repetition`, :mod:`.characters` and :mod:`.pacing` look across the manuscript;
- :mod:`.scoring` turns measurements into a 0–100 craft score and a letter grade;
- :mod:`.manuscript` ties them together with an incremental, content-hash keyed cache;
- :mod:`.report` renders the Markdown report.

All reading and writing of files lives in :mod:`.runner`. Definitions of every figure:
``docs/analysis.md``.
"""

from writers_tui.analysis.manuscript import (
    AnalysisConfig,
    Analyzer,
    ManuscriptAnalysis,
    SourceFile,
    analyze_text,
)
from writers_tui.analysis.scoring import Score, ScoringConfig, SubScore, Violation, grade_for

__all__ = [
    "AnalysisConfig",
    "Analyzer",
    "ManuscriptAnalysis",
    "Score",
    "ScoringConfig",
    "SourceFile",
    "SubScore",
    "Violation",
    "analyze_text",
    "grade_for",
]
