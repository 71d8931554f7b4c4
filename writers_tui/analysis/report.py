"""The Markdown analysis report (``output/reports/analysis-YYYY-MM-DD.md``).

Pure: takes analysis results, returns text. The runner decides where it goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from writers_tui.analysis.manuscript import ManuscriptAnalysis
from writers_tui.analysis.scoring import Score
from writers_tui.analysis.style import RULES

__all__ = ["markdown_report"]

_FLAGS_PER_FILE = 40


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _shown(score: Score) -> str:
    if score.total is None:
        return f"not scored ({score.withheld})"
    return f"{score.total:.1f} ({score.grade})"


def _manuscript_section(title: str, m: ManuscriptAnalysis, target: float) -> list[str]:
    r = m.readability
    words = m.words
    share = m.dialogue_words / words if words else 0.0
    out = [
        f"## {title}",
        "",
        f"- **Words:** {words:,} in {len(m.files)} file(s); "
        f"{r.sentences:,} sentences, {m.paragraph_length.count:,} paragraphs",
        f"- **Reading time:** {words / m.words_per_minute:.0f} min "
        f"at {m.words_per_minute} words/min",
        f"- **Sentence length:** mean {m.sentence_length.mean:.1f}, "
        f"spread (stdev) {m.sentence_length.stdev:.1f}, median {m.sentence_length.median:g}, "
        f"longest {m.sentence_length.maximum}",
        f"- **Paragraph length:** mean {m.paragraph_length.mean:.1f}, "
        f"median {m.paragraph_length.median:g}, longest {m.paragraph_length.maximum}",
        f"- **Readability:** Flesch reading ease {r.flesch_reading_ease:.1f} "
        f"(target {target:g}), Flesch–Kincaid grade {r.flesch_kincaid_grade:.1f}, "
        f"Gunning fog {r.gunning_fog:.1f}",
        f"- **Dialogue:** {share:.0%} of words",
        f"- **Craft score:** {_shown(m.score)}",
        "",
        "### Files",
        "",
        "| File | Words | Sentences | Reading ease | Dialogue | Flags | Score | Grade |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in m.files:
        a = f.analysis
        out.append(
            f"| {_cell(f.path)} | {a.words:,} | {a.sentences:,} | "
            f"{a.readability.flesch_reading_ease:.1f} | {a.dialogue_share:.0%} | "
            f"{len(a.flags)} | "
            + (
                "— | not scored |"
                if f.score.total is None
                else f"{f.score.total:.1f} | {f.score.grade} |"
            )
        )
    out += ["", "### Style flags", "", "| Rule | Count |", "|---|---:|"]
    for rule, count in sorted(m.flag_counts.items(), key=lambda item: -item[1]):
        out.append(f"| {RULES.get(rule, rule)} | {count:,} |")
    if m.longest_sentences:
        out += ["", "### Longest sentences", ""]
        for path, ref in m.longest_sentences:
            out.append(f"- {_cell(path)}:{ref.line} — {ref.words} words: “{ref.text}”")
    if m.phrases:
        out += ["", "### Repeated phrases", "", "| Phrase | Times | Files |", "|---|---:|---:|"]
        for phrase in m.phrases:
            out.append(f"| {_cell(phrase.phrase)} | {phrase.count} | {phrase.files} |")
    if m.unattributed:
        out += ["", "Mentions no single character can claim (add an alias to settle them):", ""]
        for u in m.unattributed:
            could = f" — could be {', '.join(u.candidates)}" if u.candidates else ""
            out.append(f"- “{_cell(u.text)}” ×{u.mentions}{could}")
    if m.characters:
        out += [
            "",
            "### Characters",
            "",
            "| Character | Mentions | First | Last | Longest gap (files) |",
            "|---|---:|---|---|---:|",
        ]
        for c in m.characters:
            first = f"{c.first.path}:{c.first.line}" if c.first else "—"
            last = f"{c.last.path}:{c.last.line}" if c.last else "—"
            gap = max((g.files for g in c.gaps), default=0)
            out.append(
                f"| {_cell(c.character.name)} | {c.total} | {_cell(first)} | {_cell(last)} "
                f"| {gap} |"
            )
    out += ["", "### Pacing", "", "| Chapter | Files | Words | Dialogue |", "|---|---:|---:|---:|"]
    for chapter in m.pacing.chapters:
        out.append(
            f"| {_cell(chapter.chapter)} | {chapter.files} | {chapter.words:,} "
            f"| {chapter.dialogue_share:.0%} |"
        )
    if m.pacing.outliers:
        out += ["", "Scene-length outliers:", ""]
        for o in m.pacing.outliers:
            out.append(
                f"- {_cell(o.path)}:{o.line} scene {o.scene + 1}: {o.words:,} words ({o.kind})"
            )
    out += ["", "### Scores and violations", ""]
    for f in m.files:
        out += [f"#### {f.path} — {_shown(f.score)}", ""]
        for sub in f.score.subscores:
            out.append(
                f"- **{sub.name}** {sub.score:.0f}/100 (weight {sub.weight:g}): {sub.detail}"
            )
        shown = 0
        lines = []
        for sub in f.score.subscores:
            for v in sub.violations:
                if shown >= _FLAGS_PER_FILE:
                    break
                lines.append(f"  - line {v.line}:{v.column} — {v.message}")
                shown += 1
        total = sum(len(sub.violations) + sub.violations_omitted for sub in f.score.subscores)
        if lines:
            out += ["- Violations:", *lines]
            if total > shown:
                out.append(f"  - … and {total - shown} more (see `writers-tui analyze --json`)")
        out.append("")
    return out


def markdown_report(
    results: Sequence[tuple[str, ManuscriptAnalysis, float]], generated: datetime
) -> str:
    """A report over ``(title, analysis, target reading ease)`` triples."""
    lines = [
        "# Manuscript analysis",
        "",
        f"Generated {generated.strftime('%Y-%m-%d %H:%M')} by `writers-tui analyze`. "
        "Definitions of every figure: docs/analysis.md.",
        "",
    ]
    for title, analysis, target in results:
        lines += _manuscript_section(title, analysis, target)
    return "\n".join(lines).rstrip() + "\n"
