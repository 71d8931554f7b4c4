"""Analysis for an open project: one long-lived :class:`Analyzer` per Workspace.

The CLI analyses a project once and exits; the studio re-analyses after every pause in
typing. Keeping one analyzer (with its per-file memory and the project's disk cache)
alive makes that incremental: after editing one scene only that scene is measured again.
Blocking and not thread-safe: the Workspace runs every call in one worker thread at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from writers_tui import atomic
from writers_tui.analysis.manuscript import Analyzer, FileResult, ManuscriptAnalysis, SourceFile
from writers_tui.analysis.report import markdown_report
from writers_tui.analysis.runner import (
    DiskCache,
    ProjectSettings,
    config_for,
    write_text,
)
from writers_tui.config import AnalysisSettings
from writers_tui.paths import ProjectPaths

Progress = Callable[[int, int], None]

#: Trend records kept for the Scoring chart (the newest; the log itself is never cut).
TREND_RECORDS = 5000


def project_settings_from(analysis: AnalysisSettings) -> ProjectSettings:
    """The analysis's view of the writer's settings (the one mapping, CLI and app)."""
    return ProjectSettings(
        target_reading_ease=analysis.target_reading_ease,
        quote_style=analysis.quote_style,
        flag_filter_words_in_dialogue=analysis.flag_filter_words_in_dialogue,
        spell_check=analysis.spell_check,
        spelling_dictionary=analysis.spelling_dictionary,
    )


@dataclass
class LiveAnalysis:
    """The open project's analyzer: configured from its lists, bible and settings."""

    paths: ProjectPaths
    settings: ProjectSettings
    read_only: bool = False

    def __post_init__(self) -> None:
        store = None if self.read_only else DiskCache(self.paths.analysis_cache)
        self._analyzer = Analyzer(config_for(self.paths, self.settings), store=store)

    def manuscript(
        self, sources: Sequence[SourceFile], progress: Progress | None = None
    ) -> ManuscriptAnalysis:
        """Every file in binder order; ``progress(done, total)`` after each file."""
        total = len(sources)
        for done, source in enumerate(sources, start=1):
            self._analyzer.file_analysis(source.text)  # measured (or found) once, then reused
            if progress is not None:
                progress(done, total)
        return self._analyzer.analyze(sources)

    def file(self, source: SourceFile) -> FileResult:
        """One file's flags, measurements and score."""
        return self._analyzer.analyze([source]).files[0]

    def report(self, analysis: ManuscriptAnalysis, title: str, now: datetime) -> Path:
        """The Markdown report, written durably to ``output/reports/analysis-DATE.md``."""
        path = self.paths.reports / f"analysis-{now.date().isoformat()}.md"
        text = markdown_report([(title, analysis, self.settings.target_reading_ease)], now)
        write_text(path, text)
        return path


def read_score_trend(paths: ProjectPaths, limit: int = TREND_RECORDS) -> list[dict[str, Any]]:
    """The newest ``limit`` records of ``output/reports/scores.jsonl``, oldest first.

    Lines that are not JSON objects are skipped (the log is written by any
    ``writers-tui analyze``, and a project folder may come from anyone).
    """
    records: list[dict[str, Any]] = []
    try:
        lines = list(atomic.read_lines(paths.scores_log))
    except FileNotFoundError:
        return records
    for line in lines[-limit:]:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict):
            records.append(record)
    return records
