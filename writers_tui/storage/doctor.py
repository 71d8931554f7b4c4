"""Health checks of a project's ``.session/`` for ``writers-tui doctor``.

Doctor only reads: it never moves, repairs or writes anything, so it is safe to run while
the app is open. It treats the folder as untrusted input, like everything else: it never
follows a link under ``.session/`` or ``output/`` (it reports it), never opens anything but
a regular file there (a FIFO would hang it), and a file that defeats a check (nested 100,000
deep, unreadable) is a finding, never a traceback. Each finding says what is wrong and what
the writer can do about it.

The ledger check is bounded by what is new: lines after ``costs.json``'s offset are
validated in full (streamed, memory O(days)), the lines it already folded in are counted
from it, and the last :data:`SAMPLE_BYTES` before the offset are re-validated to catch a
summary that does not match. Without a usable ``costs.json`` the whole ledger is streamed.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from writers_tui.atomic import _TEMP_NAME as TEMP_NAME  # see the report: wants a public name
from writers_tui.atomic import UnsafePath
from writers_tui.paths import OUTPUT_DIR, ProjectPaths
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.ledger import parse_line
from writers_tui.storage.session import SessionState, session_state
from writers_tui.storage.stores import costs_store, preferences_store, session_store

Severity = Literal["ok", "info", "problem"]

#: Bytes of the ledger before the summary's offset that are re-validated on every run.
SAMPLE_BYTES = 1 << 20
#: Entries listed by name in one finding (the rest are counted).
NAMES_SHOWN = 5
#: Entries walked under .session/ and output/ (a hostile folder could hold millions).
WALK_LIMIT = 100_000
#: State files larger than this are not parsed by the lock check (a lock is ~100 bytes).
LOCK_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:NAMES_SHOWN])
    more = len(paths) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _entries(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Everything below ``folder`` with its ``lstat``, never following a link."""
    pending = [folder]
    seen = 0
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as listing:
                for entry in listing:
                    seen += 1
                    if seen > WALK_LIMIT:
                        return
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    yield Path(entry.path), info
                    if stat.S_ISDIR(info.st_mode):
                        pending.append(Path(entry.path))
        except OSError:
            continue


def _plain_file(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a link, FIFO or device): safe to open."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _links(paths: ProjectPaths) -> Finding:
    found: list[str] = []
    odd: list[str] = []
    for top in (paths.session_dir, paths.root / OUTPUT_DIR):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISLNK(os.lstat(top).st_mode):
                found.append(str(top.relative_to(paths.root)))
                continue
        for path, info in _entries(top):
            name = str(path.relative_to(paths.root))
            if stat.S_ISLNK(info.st_mode):
                found.append(name)
            elif not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
                odd.append(name)
    if not found and not odd:
        return Finding("links", "ok", "no links or special files under .session/ or output/")
    parts = []
    if found:
        parts.append(f"symbolic links (never followed, never written through): {_names(found)}")
    if odd:
        parts.append(f"special files (FIFOs, devices, sockets): {_names(odd)}")
    return Finding("links", "problem", "; ".join(parts) + " — remove them")


def _readable(paths: ProjectPaths) -> Finding:
    unreadable: list[str] = []
    for path, info in _entries(paths.session_dir):
        if not stat.S_ISREG(info.st_mode):
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as error:
            unreadable.append(f"{path.relative_to(paths.root)} ({error.strerror})")
            continue
        os.close(fd)
    if unreadable:
        return Finding(
            "readable", "problem", f"files writers-tui cannot read: {_names(unreadable)}"
        )
    return Finding("readable", "ok", "every file in .session/ is readable")


def _document(name: str, store: JsonStore) -> Finding:  # type: ignore[type-arg]
    if not store.path.exists():
        return Finding(name, "info", f"{store.path.name} not written yet")
    result = store.load(quarantine_bad=False)
    if result.source == "file" and not result.warnings:
        return Finding(name, "ok", f"{store.path.name} is valid")
    if result.source == "file":
        return Finding(name, "info", "; ".join(result.warnings))
    return Finding(name, "problem", "; ".join(result.warnings))


def _one_document(name: str, store: JsonStore) -> list[Finding]:  # type: ignore[type-arg]
    return [_document(name, store)]


def _history(root: Path) -> Finding:
    history = SessionHistory(root)
    result = history.load(quarantine_bad=False)
    if result.source == "default" and not result.warnings:
        return Finding("history", "info", "no session history yet")
    if result.source == "file" and not result.warnings:
        return Finding("history", "ok", f"{len(result.value.sessions)} sessions in history")
    severity: Severity = "info" if result.source == "file" else "problem"
    return Finding("history", severity, "; ".join(result.warnings))


def _sampled_bad_lines(path: Path, offset: int) -> tuple[int, int]:
    """(lines checked, invalid ones) among the last :data:`SAMPLE_BYTES` before ``offset``."""
    start = max(0, offset - SAMPLE_BYTES)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        data = os.pread(fd, offset - start, start)
    finally:
        os.close(fd)
    lines = data.split(b"\n")[:-1]
    if start > 0:
        lines = lines[1:]  # the first is cut
    lines = [line for line in lines if line.strip()]
    return len(lines), sum(1 for line in lines if parse_line(line) is None)


def _ledger(paths: ProjectPaths) -> list[Finding]:
    if not paths.ledger.exists():
        return [Finding("ledger", "info", "no AI costs recorded yet")]
    stored = costs_store(paths.root).load(quarantine_bad=False)
    start = stored.value.ledger_offset if stored.source == "file" else 0
    tracker = CostTracker(paths.root, readonly=True)
    summary = tracker.summary
    findings = [Finding("ledger", "problem", w) for w in tracker.take_warnings()]
    if summary.ledger_offset < start:  # it rebuilt: the stored offset did not fit
        start = 0
    lines = summary.ledger_lines - (stored.value.ledger_lines if start else 0)
    checked = (
        f"checked all {summary.ledger_lines:,} lines"
        if not start
        else f"checked the {lines:,} line(s) after costs.json's offset; "
        "earlier lines as counted in costs.json"
    )
    if start:
        sampled, bad = _sampled_bad_lines(paths.ledger, start)
        checked += f", {sampled:,} of them re-validated"
        if bad and not stored.value.ledger_skipped:
            findings.append(
                Finding(
                    "ledger",
                    "problem",
                    f"costs.json counts no bad lines, yet {bad} of the last {sampled:,} are "
                    "bad: it does not match the ledger (delete .session/costs.json to rebuild)",
                )
            )
    records = f"costs.jsonl: {summary.ledger_records:,} records ({checked})"
    if summary.ledger_skipped:
        repeats = summary.ledger_duplicates
        why = f", {repeats} repeating an earlier id" if repeats else ""
        examples = "; ".join(summary.ledger_problems)
        findings.append(
            Finding(
                "ledger",
                "problem",
                f"{records}: {summary.ledger_skipped} line(s) skipped, not counted{why} "
                f"({examples})",
            )
        )
    elif not findings:
        findings.append(Finding("ledger", "ok", records))
    return findings


def _lock_file(paths: ProjectPaths) -> Finding | None:
    """A lock file whose content is not a holder writers-tui wrote (or an empty one)."""
    if not _plain_file(paths.lock):
        return None
    if os.lstat(paths.lock).st_size > LOCK_MAX_BYTES:
        return Finding("lock", "problem", ".session/lock is far too big to be a lock file")
    try:
        text = paths.lock.read_bytes()
        if text.strip():
            holder = json.loads(text)
            if not isinstance(holder, dict) or "pid" not in holder:
                raise ValueError("no pid")
    except (ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else "not a holder"
        return Finding(
            "lock",
            "problem",
            f".session/lock is not a lock writers-tui wrote ({reason}); "
            "delete it when no writers-tui has the project open",
        )
    return None


def _replaced_lock(paths: ProjectPaths, pid: int) -> bool:
    """Whether live process ``pid`` holds a descriptor of a ``.session/lock`` that is no
    longer the file at that path (a sync tool renamed another file over it)."""
    fds = Path(f"/proc/{pid}/fd")
    lock = str(paths.lock)
    try:
        current = os.lstat(paths.lock)
        names = os.listdir(fds)
    except OSError:
        return False
    for name in names:
        try:
            target = os.readlink(fds / name)
            if target == f"{lock} (deleted)":
                return True
            if target == lock and os.stat(fds / name).st_ino != current.st_ino:
                return True
        except OSError:
            continue
    return False


def _lock(paths: ProjectPaths) -> Finding:
    bad = _lock_file(paths)
    if bad is not None:
        return bad
    status = session_state(paths.root)
    holder = status.holder
    if holder is not None and _replaced_lock(paths, holder.pid):
        return Finding(
            "lock",
            "problem",
            f".session/lock was replaced while pid {holder.pid} held it (a sync tool?): "
            "a second writers-tui could open the project; quit that one and reopen",
        )
    if status.state is SessionState.OPEN_ELSEWHERE:
        who = holder.describe() if holder else "another process"
        return Finding("lock", "info", f"open in writers-tui ({who})")
    if status.state is SessionState.INTERRUPTED:
        return Finding(
            "lock", "info", "the last session was interrupted; the app will offer recovery"
        )
    return Finding("lock", "ok", "not open elsewhere")


def _journal_target(paths: ProjectPaths, sidecar: Path) -> str | None:
    """Why a journal sidecar is unusable (its path leaves the project …), else None."""
    try:
        meta = json.loads(sidecar.read_bytes())
    except (ValueError, RecursionError):
        return f"{sidecar.name} (not valid JSON)"
    relative = meta.get("path") if isinstance(meta, dict) else None
    if not isinstance(relative, str) or not relative:
        return f"{sidecar.name} (names no file)"
    target = Path(relative)
    root = paths.root.resolve()
    inside = (
        not target.is_absolute()
        and ".." not in target.parts
        and (root / target).resolve().is_relative_to(root)
    )
    return None if inside else f"{sidecar.name} (points outside the project: {relative})"


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
    if _plain_dir(paths.recovery):
        sidecars = sorted(p for p in paths.recovery.iterdir() if p.suffix == ".json")
        unsafe = [
            why
            for sidecar in sidecars
            if _plain_file(sidecar) and (why := _journal_target(paths, sidecar))
        ]
        if unsafe:
            findings.append(
                Finding(
                    "recovery",
                    "problem",
                    f"journals that will not be offered: {_names(unsafe)} (delete them)",
                )
            )
        journals = [p for p in paths.recovery.iterdir() if p.suffix == ".md"]
        if len(journals) > len(unsafe):
            findings.append(
                Finding(
                    "recovery",
                    "problem",
                    f"{len(journals) - len(unsafe)} unsaved text(s) in .session/recovery/ "
                    "(open the project to restore them)",
                )
            )
    return findings


def _temp_files(paths: ProjectPaths) -> Finding | None:
    """Temp files a killed writer left (the next open removes them; harmless meanwhile)."""
    folders = [paths.session_dir, paths.root / OUTPUT_DIR, *paths.tracked_dirs()]
    found = [
        str(path.relative_to(paths.root))
        for folder in folders
        for path, info in _entries(folder)
        if stat.S_ISREG(info.st_mode)
        and (match := TEMP_NAME.match(path.name)) is not None
        and not _alive(int(match["pid"]))
    ]
    if not found:
        return None
    return Finding(
        "temp files",
        "info",
        f"left by a writer that was killed mid-save: {_names(found)} "
        "(removed the next time the project opens)",
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _plain_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


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


def _guarded(name: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    """Run one check; whatever the folder holds, a failure is a finding, not a traceback."""
    try:
        return check()
    except UnsafePath as error:
        return [Finding(name, "problem", str(error))]
    except OSError as error:
        return [Finding(name, "problem", f"could not be checked: {error.strerror or error}")]
    except RecursionError:
        return [Finding(name, "problem", "could not be checked: a file is nested too deeply")]


def diagnose(root: Path) -> list[Finding]:
    """Every check, in a stable order."""
    paths = ProjectPaths(root)
    findings = [_writable(paths), *_guarded("links", lambda: [_links(paths)])]
    if not _plain_dir(paths.session_dir):
        if paths.session_dir.is_symlink():
            return findings  # reported above; nothing behind it is read
        if os.path.lexists(paths.session_dir):
            findings.append(
                Finding("session", "problem", ".session is not a folder; move it aside")
            )
        else:
            findings.append(Finding("session", "info", "no .session/ yet"))
        return findings
    findings += _guarded("readable", lambda: [_readable(paths)])
    findings += _guarded("lock", lambda: [_lock(paths)])
    for name, store in (
        ("session", session_store(root)),
        ("preferences", preferences_store(root)),
        ("costs", costs_store(root)),
    ):
        if _plain_file(store.path) or not os.path.lexists(store.path):
            findings += _guarded(name, partial(_one_document, name, store))
    if all(_plain_file(p) or not os.path.lexists(p) for p in (paths.history, paths.history_gz)):
        findings += _guarded("history", lambda: [_history(root)])
    if _plain_file(paths.ledger) or not os.path.lexists(paths.ledger):
        findings += _guarded("ledger", lambda: _ledger(paths))
    findings.append(_pricing())
    findings += _guarded("leftovers", lambda: _leftovers(paths))
    temps = _temp_files(paths)
    if temps is not None:
        findings.append(temps)
    return findings
