"""``writers-tui analyze PATH... [--json] [--report]``: offline manuscript analysis.

Exit 0 when done (and anything written is durable). Bad input (a missing path, a file that
is not Markdown, a folder that is not a project, an unreadable or binary file named on the
command line) prints one line on stderr naming what is wrong and exits 2, having written
nothing. Warnings (a file read as Windows-1252, a binary file skipped in a folder) go to
stderr, one line each, and into the JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from writers_tui.analysis.export import DOCUMENT, AnalyzeDocument
from writers_tui.analysis.live import project_settings_from
from writers_tui.analysis.manuscript import ANALYZER_VERSION
from writers_tui.analysis.report import markdown_report
from writers_tui.analysis.runner import (
    AnalysisInputError,
    ProjectSettings,
    RunResult,
    analyze_targets,
    append_scores,
    report_path,
    resolve_targets,
    write_text,
)
from writers_tui.analysis.scoring import Score
from writers_tui.analysis.style import RULES
from writers_tui.cli_common import fail, markup_safe, printable
from writers_tui.config import SettingsError, load_settings

__all__ = ["analyze"]

JSON_SCHEMA = 1


def project_settings(root: Path | None) -> ProjectSettings:
    """The writer's analysis settings for a project (defaults outside one).

    The one place the analysis CLI reads settings. Read-only: a damaged preferences file
    is reported by ``doctor``, not moved by an analysis run, and means the defaults.
    """
    if root is None:
        return ProjectSettings()
    try:
        return project_settings_from(load_settings(root).settings.analysis)
    except SettingsError:
        return ProjectSettings()


def _shown(score: Score) -> str:
    """ "87.6 (A-)", or why there is no score."""
    if score.total is None:
        return f"not scored: {score.withheld}"
    return f"{score.total:.1f} ({score.grade})"


def _title(result: RunResult) -> str:
    return result.target.root.name if result.target.root else "Files"


def _print_summary(console: Console, result: RunResult) -> None:
    m = result.analysis
    r = m.readability
    words = m.words
    share = m.dialogue_words / words if words else 0.0
    console.print(f"[bold]{markup_safe(_title(result))}[/bold]  ({len(m.files)} file(s))")
    console.print(
        f"  {words:,} words · {r.sentences:,} sentences · {m.paragraph_length.count:,} "
        f"paragraphs · {words / m.words_per_minute:.0f} min read · dialogue {share:.0%}"
    )
    console.print(
        f"  Reading ease {r.flesch_reading_ease:.1f} (target {result.target_reading_ease:g}) · "
        f"FK grade {r.flesch_kincaid_grade:.1f} · fog {r.gunning_fog:.1f} · "
        f"sentence length {m.sentence_length.mean:.1f} ± {m.sentence_length.stdev:.1f}"
    )
    console.print(
        f"  Craft score [bold]{_shown(m.score)}[/bold]"
        + (f" · {m.reused} file(s) from cache" if m.reused else "")
    )
    if m.files:
        table = Table(show_edge=False, pad_edge=False)
        for name, justify in (
            ("File", "left"),
            ("Words", "right"),
            ("Ease", "right"),
            ("Dialogue", "right"),
            ("Flags", "right"),
            ("Score", "right"),
            ("Grade", "left"),
        ):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for f in m.files:
            a = f.analysis
            table.add_row(
                Text(printable(f.path)),  # a name is data: no markup, no terminal codes
                f"{a.words:,}",
                f"{a.readability.flesch_reading_ease:.0f}",
                f"{a.dialogue_share:.0%}",
                str(len(a.flags)),
                "—" if f.score.total is None else f"{f.score.total:.1f}",
                f.score.grade or "not scored",
            )
        console.print(table)
    if m.flag_counts:
        counts = ", ".join(
            f"{RULES.get(rule, rule)} {count}"
            for rule, count in sorted(m.flag_counts.items(), key=lambda item: -item[1])
        )
        console.print(f"  Flags: {counts}")
    if m.phrases:
        top = "; ".join(f"“{p.phrase}” ×{p.count}" for p in m.phrases[:5])
        console.print(f"  Repeated phrases: {markup_safe(top)}")
    for c in m.characters:
        where = f"first {c.first.path}:{c.first.line}" if c.first else "never mentioned"
        console.print(markup_safe(f"  {c.character.name}: {c.total} mention(s), {where}"))
    for u in m.unattributed[:5]:
        could = f" (could be {', '.join(u.candidates)})" if u.candidates else ""
        console.print(markup_safe(f"  Unattributed: “{u.text}” ×{u.mentions}{could}"))
    for o in m.pacing.outliers:
        console.print(
            markup_safe(
                f"  Pacing: {o.path}:{o.line} scene {o.scene + 1} is {o.kind} ({o.words:,} words)"
            )
        )
    console.print()


@click.command("analyze")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--json", "as_json", is_flag=True, help="Print the full analysis as JSON.")
@click.option(
    "--report",
    is_flag=True,
    help="Also write a Markdown report to output/reports/analysis-YYYY-MM-DD.md.",
)
def analyze(paths: tuple[Path, ...], as_json: bool, report: bool) -> None:
    """Measure Markdown files or a whole project: length, readability, dialogue, style
    flags, repetition, characters, pacing, and a 0–100 craft score per file."""
    try:
        targets = resolve_targets(list(paths))
        results = analyze_targets(targets, project_settings)
    except AnalysisInputError as error:
        fail(str(error))
    for result in results:
        for warning in result.warnings:
            click.echo(f"writers-tui: warning: {printable(warning)}", err=True)
        for skipped in result.skipped:
            shown = printable(f"skipped {skipped.path}: {skipped.reason}")
            click.echo(f"writers-tui: warning: {shown}", err=True)
    now = datetime.now(UTC)
    written: list[Path] = []
    try:
        for result in results:
            log = append_scores(result, now=now)
            if log is not None and result.analysis.files:
                written.append(log)
        if report:
            for result in results:
                path = report_path(result, now.astimezone().date())
                text = markdown_report(
                    [(_title(result), result.analysis, result.target_reading_ease)],
                    now.astimezone(),
                )
                write_text(path, text)
                written.append(path)
    except OSError as error:
        click.echo(
            f"writers-tui: cannot write {error.filename or 'output'}: {error.strerror}", err=True
        )
        raise SystemExit(1) from error
    if as_json:
        document = AnalyzeDocument(
            schema_version=JSON_SCHEMA,
            analyzer_version=ANALYZER_VERSION,
            generated_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            manuscripts=[result.export() for result in results],
        )
        click.echo(DOCUMENT.dump_json(document, by_alias=True, indent=2).decode("utf-8"))
        return
    console = Console()
    for result in results:
        _print_summary(console, result)
    for path in written:
        if path.name.startswith("analysis-"):
            console.print(markup_safe(f"Report written to {path}"))
