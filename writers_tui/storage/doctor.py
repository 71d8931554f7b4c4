"""Health checks of a project's ``.session/`` for ``writers-tui doctor``.

Doctor only reads: it never moves, repairs or writes anything, so it is safe to run while
the app is open. Each finding says what is wrong and what the writer can do about it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from writers_tui.paths import ProjectPaths
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.ledger import Ledger
from writers_tui.storage.session import SessionState, session_state
from writers_tui.storage.stores import costs_store, preferences_store, session_store

Severity = Literal["ok", "info", "problem"]


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str


def _document(name: str, store: JsonStore) -> Finding:  # type: ignore[type-arg]
    if not store.path.exists():
        return Finding(name, "info", f"{store.path.name} not written yet")
    result = store.load(quarantine_bad=False)
    if result.source == "file" and not result.warnings:
        return Finding(name, "ok", f"{store.path.name} is valid")
    if result.source == "file":
        return Finding(name, "info", "; ".join(result.warnings))
    return Finding(name, "problem", "; ".join(result.warnings))


def _history(root: Path) -> Finding:
    history = SessionHistory(root)
    result = history.load(quarantine_bad=False)
    if result.source == "default" and not result.warnings:
        return Finding("history", "info", "no session history yet")
    if result.source == "file" and not result.warnings:
        return Finding("history", "ok", f"{len(result.value.sessions)} sessions in history")
    severity: Severity = "info" if result.source == "file" else "problem"
    return Finding("history", severity, "; ".join(result.warnings))


def _ledger(paths: ProjectPaths) -> Finding:
    if not paths.ledger.exists():
        return Finding("ledger", "info", "no AI costs recorded yet")
    tail = Ledger(paths.ledger).read_from(0)
    if tail.skipped:
        return Finding("ledger", "problem", f"costs.jsonl: {tail.skipped} unreadable lines skipped")
    return Finding("ledger", "ok", f"costs.jsonl: {len(tail.records)} records")


def _lock(root: Path) -> Finding:
    status = session_state(root)
    if status.state is SessionState.OPEN_ELSEWHERE:
        who = status.holder.describe() if status.holder else "another process"
        return Finding("lock", "info", f"open in writers-tui ({who})")
    if status.state is SessionState.INTERRUPTED:
        return Finding(
            "lock", "info", "the last session was interrupted; the app will offer recovery"
        )
    return Finding("lock", "ok", "not open elsewhere")


def _leftovers(paths: ProjectPaths) -> list[Finding]:
    findings: list[Finding] = []
    if not paths.session_dir.is_dir():
        return findings
    names = sorted(os.listdir(paths.session_dir))
    corrupt = [name for name in names if ".corrupt-" in name]
    if corrupt:
        findings.append(
            Finding(
                "quarantine",
                "problem",
                f"unreadable files set aside: {', '.join(corrupt)} "
                "(look at them, then delete them)",
            )
        )
    if paths.recovery.is_dir():
        journals = sorted(p.name for p in paths.recovery.iterdir() if p.suffix == ".md")
        if journals:
            findings.append(
                Finding(
                    "recovery",
                    "problem",
                    f"{len(journals)} unsaved text(s) in .session/recovery/ "
                    "(open the project to restore them)",
                )
            )
    return findings


def _writable(paths: ProjectPaths) -> Finding:
    folder = paths.session_dir if paths.session_dir.is_dir() else paths.root
    if os.access(folder, os.W_OK):
        return Finding("writable", "ok", f"{folder.name}/ is writable")
    return Finding("writable", "problem", f"{folder}/ is not writable: work cannot be saved")


def _pricing() -> Finding:
    try:
        import genai_prices
    except ImportError:
        return Finding("pricing", "problem", "genai-prices is not installed: costs unpriced")
    return Finding("pricing", "ok", f"genai-prices {genai_prices.__version__}")


def diagnose(root: Path) -> list[Finding]:
    """Every check, in a stable order."""
    paths = ProjectPaths(root)
    findings = [
        _writable(paths),
        _lock(root),
        _document("session", session_store(root)),
        _document("preferences", preferences_store(root)),
        _document("costs", costs_store(root)),
        _history(root),
        _ledger(paths),
        _pricing(),
    ]
    findings.extend(_leftovers(paths))
    return findings
