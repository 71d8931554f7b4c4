"""A real Workspace on the demo project, plus the analysis methods the lead is adding.

``analyze_manuscript``, ``score_trend`` and ``write_report`` (names fixed in the issue's
plan) are supplied here from ``writers_tui.analysis.runner`` over the same project, until
the Workspace has them; everything else is the real Workspace.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.ui.conftest import frozen_clock
from writers_tui.analysis import ManuscriptAnalysis, runner
from writers_tui.config import Settings
from writers_tui.ui.app import WritersApp
from writers_tui.ui.screens.scoring import OpenAtLine
from writers_tui.workspace import Workspace

SIZE = (120, 36)


def demo_analysis(root: Path) -> ManuscriptAnalysis:
    [result] = runner.analyze_targets(runner.resolve_targets([root]), use_disk_cache=False)
    return result.analysis


class AnalysisWorkspace:
    """The real Workspace, with the analysis methods added from the runner."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.analyses = 0
        self.reports: list[Path] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._workspace, name)

    async def analyze_manuscript(
        self, progress: Callable[[int, int], None] | None = None
    ) -> ManuscriptAnalysis:
        analysis = demo_analysis(self._workspace.root)
        total = len(analysis.files)
        for done in range(total + 1):
            if progress is not None:
                progress(done, total)
        self.analyses += 1
        return analysis

    async def score_trend(self) -> list[dict[str, Any]]:
        log = self._workspace.root / "output" / "reports" / "scores.jsonl"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]

    async def write_report(self) -> Path:
        path = self._workspace.root / "output" / "reports" / "analysis-2024-11-13.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# Analysis\n")
        self.reports.append(path)
        return path


class RecordingStudio(WritersApp):
    """The studio, remembering the jump requests the Scoring screen posts."""

    CSS_PATH = str(Path(__file__).resolve().parents[2] / "writers_tui" / "ui" / "app.tcss")

    def __init__(self, workspace: Any = None, *, root: Path | None = None) -> None:
        async def opener(path: Path, read_only: bool) -> Any:
            return AnalysisWorkspace(await Workspace.open(path, read_only=read_only))

        super().__init__(
            Settings(),
            workspace,
            root=root,
            opener=opener,
            clock=frozen_clock,
            handle_signals=False,
        )
        self.jumps: list[OpenAtLine] = []

    def on_open_at_line(self, message: OpenAtLine) -> None:
        self.jumps.append(message)


async def open_studio(root: Path) -> tuple[RecordingStudio, AnalysisWorkspace]:
    workspace = AnalysisWorkspace(await Workspace.open(root))
    return RecordingStudio(workspace), workspace


def plant_scores(root: Path, totals: list[float], path: str) -> None:
    """``len(totals)`` runs in scores.jsonl, one record each for ``path``."""
    log = root / "output" / "reports" / "scores.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "schema_version": 1,
                "time": f"2024-11-{index + 1:02d}T10:00:00.000Z",
                "run_id": f"run-{index}",
                "path": path,
                "words": 800,
                "total": total,
                "grade": "B",
            }
        )
        for index, total in enumerate(totals)
    ]
    log.write_text("\n".join(lines) + "\n")
