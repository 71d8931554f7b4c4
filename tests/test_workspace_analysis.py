"""The Workspace's analysis for the Analyzing, Scoring and Enhancing stages, on the demo."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from writers_tui.analysis.runner import analyze_targets, resolve_targets
from writers_tui.project import make_demo
from writers_tui.workspace import ReadOnlyError, Workspace


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Workspace]:
    ws = await Workspace.open(make_demo(tmp_path / "demo"))
    yield ws
    await ws.close()


async def test_manuscript_analysis_matches_the_cli_and_reports_progress(demo: Workspace) -> None:
    seen: list[tuple[int, int]] = []
    analysis = await demo.analyze_manuscript(
        progress=lambda done, total: seen.append((done, total))
    )
    (cli,) = analyze_targets(resolve_targets([demo.root]), use_disk_cache=False)
    assert [f.path for f in analysis.files] == [f.path for f in cli.analysis.files]
    assert [f.analysis.words for f in analysis.files] == [
        f.analysis.words for f in cli.analysis.files
    ]
    assert seen[-1] == (len(analysis.files), len(analysis.files)) == (8, 8)
    assert [done for done, _ in seen] == list(range(1, 9))


async def test_an_open_buffer_is_analysed_not_the_disk(demo: Workspace) -> None:
    path = (await demo.binder())[0].path
    opened = await demo.open_file(path)
    before = await demo.analyze_file(path)
    edited = opened.text + "\nShe walked very quickly and really slowly.\n"
    demo.note_edit(path, lambda: edited)
    result = await demo.analyze_file(path)
    assert result.analysis.words == before.analysis.words + 7
    flagged = {flag.text.lower() for flag in result.analysis.flags}
    assert {"quickly", "slowly"} <= flagged  # the words only the buffer holds


async def test_kept_flags_are_remembered(demo: Workspace, tmp_path: Path) -> None:
    path = (await demo.binder())[0].path
    await demo.keep_flag(path, "adverb|quickly|1")
    assert await demo.kept_flags(path) == {"adverb|quickly|1"}
    await demo.keep_flag(path, "adverb|quickly|1", kept=False)
    assert await demo.kept_flags(path) == frozenset()
    await demo.keep_flag(path, "adverb|slowly|1")
    data = json.loads((demo.root / ".session" / "keeps.json").read_text())
    assert data["kept"] == {path: ["adverb|slowly|1"]}


async def test_report_and_trend(demo: Workspace) -> None:
    report = await demo.write_report()
    assert report.parent == demo.root / "output" / "reports" and report.read_text().startswith("#")
    assert await demo.score_trend() == []
    log = demo.root / "output" / "reports" / "scores.jsonl"
    log.write_text('{"total": 80, "path": "a.md"}\nnot json\n[1]\n{"total": 82, "path": "a.md"}\n')
    assert [r["total"] for r in await demo.score_trend()] == [80, 82]


async def test_read_only_reads_but_never_writes(demo: Workspace) -> None:
    reader = await Workspace.open(demo.root, read_only=True)
    try:
        analysis = await reader.analyze_manuscript()
        assert len(analysis.files) == 8
        with pytest.raises(ReadOnlyError):
            await reader.write_report()
        with pytest.raises(ReadOnlyError):
            await reader.keep_flag(analysis.files[0].path, "x")
    finally:
        await reader.close()
